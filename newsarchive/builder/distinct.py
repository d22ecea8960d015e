"""The distinct values of an integer array, sorted: what np.unique gives, by a sort.

numpy 2.3 and later make np.unique of values alone (nothing returned beside them) with a hash table:
here (numpy 2.4.6) 0.65 s for a million random int64 against 0.01 s to sort them and keep each
value's first, and 0.2 s of counting 10 000 articles' terms (terms.counted's keys) against 0.012 s.
"""
from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values) of an integer array (flattened, sorted, each value once)."""
    values = np.sort(np.asarray(values).ravel())
    if len(values) < 2:
        return values
    first = np.empty(len(values), bool)
    first[0] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return values[first]
