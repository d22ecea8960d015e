"""distinct() is np.unique for the integer arrays the build gives it, by a sort (see distinct.py)."""
from __future__ import annotations

import numpy as np

from newsarchive.builder.distinct import distinct


def test_distinct_values_are_what_np_unique_gives():
    rng = np.random.default_rng(15)
    arrays = [np.zeros(0, np.int64), np.array([7]), np.array([3, 3, 3], np.int32), np.array([[5, 1], [1, 5]]),
              rng.integers(-2**40, 2**40, 100_000), rng.integers(0, 50, 10_000).astype(np.uint32),
              np.sort(rng.integers(0, 2**62, 50_000)), np.concatenate([np.arange(1000)] * 3).astype(np.int16)]
    for values in arrays:
        got, want = distinct(values), np.unique(values)
        assert got.dtype == want.dtype and got.shape == want.shape and (got == want).all()
