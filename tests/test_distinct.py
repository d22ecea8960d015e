"""distinct() and distinct_counts() are np.unique (with return_counts) for the integer arrays the build
gives them, by a sort (see distinct.py)."""
from __future__ import annotations

import numpy as np

from newsarchive.builder.distinct import distinct, distinct_counts


def _arrays():
    rng = np.random.default_rng(15)
    return [np.zeros(0, np.int64), np.array([7]), np.array([3, 3, 3], np.int32), np.array([[5, 1], [1, 5]]),
            rng.integers(-2**40, 2**40, 100_000), rng.integers(0, 50, 10_000).astype(np.uint32),
            np.sort(rng.integers(0, 2**62, 50_000)), np.concatenate([np.arange(1000)] * 3).astype(np.int16),
            # (pairs as terms._tallied codes them: a key above, a text below)
            (rng.integers(0, 5000, 200_000).astype(np.uint64) << np.uint64(32)) | rng.integers(0, 9, 200_000).astype(np.uint64)]


def test_distinct_values_are_what_np_unique_gives():
    for values in _arrays():
        got, want = distinct(values), np.unique(values)
        assert got.dtype == want.dtype and got.shape == want.shape and (got == want).all()


def test_distinct_counts_are_what_np_unique_gives():
    for values in _arrays():
        got, counts = distinct_counts(values)
        want, want_counts = np.unique(values, return_counts=True)
        assert got.dtype == want.dtype and np.array_equal(got, want) and np.array_equal(counts, want_counts)
