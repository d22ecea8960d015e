"""An article's terms for comparing it with others: folded CJK character bigrams and Latin words,
counted (numpy, scipy.sparse) and weighted by TF-IDF against a table of document frequencies.

The table is made from a base set of articles (see related.py: the archive up to a month before
its newest, refreshed when that month changes) and stored, so that an article's weights depend
on its own text and the table only: articles added since are weighed without touching the others.
Terms are named by keys that mean the same in every run: a bigram by its two code points, a word
by a hash of it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from .. import lang
from ..archive import DATA
from .distinct import distinct, distinct_counts, run_starts

# Texts coded at once when counting terms (memory: a few bytes per character of a chunk).
COUNT_CHUNK = 4000
# Rows weighed at once (memory: some 40 bytes a count of the rows).
WEIGH_ROWS = 4096
# From this many base articles a term in one of them only tells nothing about pairs (dropped), nor
# does a term in more than COMMON_SHARE of them.
MIN_DF_FROM = 50
COMMON_SHARE = 0.5
# A word's key: this bit set, then 56 bits of its hash (bigram keys are their two code points, < 2**32).
WORD_KEY = 1 << 62
_WORD_BITS = (1 << 56) - 1
FUNCTION_WORDS = (DATA / "english_function_words.txt").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _stop_words() -> frozenset[str]:
    lines = FUNCTION_WORDS.splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


@lru_cache(maxsize=None)
def _fold_codes() -> np.ndarray:
    """Code point -> its folded code point (Traditional -> Simplified), for every Unicode code point."""
    table = np.arange(0x110000, dtype=np.uint32)
    for traditional, simplified in lang.fold_map().items():
        table[ord(traditional)] = ord(simplified)
    return table


def _is_cjk(codes: np.ndarray) -> np.ndarray:
    return ((codes >= 0x3400) & (codes <= 0x9FFF)) | ((codes >= 0xF900) & (codes <= 0xFAFF))


@lru_cache(maxsize=1 << 18)
def word_key(word: str) -> int:
    return WORD_KEY | (int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big") & _WORD_BITS)


class Chunk(NamedTuple):
    """COUNT_CHUNK texts as one string (joined by a newline: a non-CJK, non-Latin separator, so no
    term spans two texts) and where each begins: one object however many texts, quick to hand to
    another process."""

    text: str
    starts: np.ndarray


def chunked(texts) -> list[Chunk]:
    """Texts (any iterable) as Chunks of COUNT_CHUNK."""
    chunks, batch = [], []
    for text in texts:
        batch.append(text)
        if len(batch) == COUNT_CHUNK:
            chunks.append(_chunk(batch))
            batch = []
    return chunks + ([_chunk(batch)] if batch else [])


def _chunk(texts: list[str]) -> Chunk:
    return Chunk("\n".join(texts), np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]))


def counts(texts: list[str]):
    """counted() of these texts."""
    return counted(chunked(texts))


def counted(chunks: list[Chunk]):
    """(CSR texts x terms of term counts - float32, exact for any count a text has - and the terms'
    keys: int64, sorted). Counted a Chunk at a time (a chunk's characters are coded as one array: a
    whole 100 000-article group at once took gigabytes), the chunks' columns then put on one
    vocabulary, each chunk let go as it is counted and its counts as they are copied in (so the
    counts are held about once). The list is left empty."""
    from scipy.sparse import csr_matrix

    rows = sum(len(c.starts) for c in chunks)
    parts = []
    while chunks:
        parts.append(_chunk_counts(chunks.pop(0)))
    if not parts:
        return csr_matrix((0, 0), dtype=np.float32), np.zeros(0, np.int64)
    keys = distinct(np.concatenate([p[1] for p in parts]))
    total = sum(p[0].nnz for p in parts)
    data, indices = np.empty(total, np.float32), np.empty(total, _index_type(total, len(keys)))
    indptr, at = [np.zeros(1, np.int64)], 0
    for n, (matrix, chunk_keys) in enumerate(parts):
        parts[n] = None
        data[at:at + matrix.nnz] = matrix.data
        indices[at:at + matrix.nnz] = np.searchsorted(keys, chunk_keys)[matrix.indices]
        indptr.append(matrix.indptr[1:].astype(np.int64) + at)  # (a chunk's own int32 would wrap past 2**31)
        at += matrix.nnz
    merged = csr_matrix((data, indices, np.concatenate(indptr)), shape=(rows, len(keys)))
    merged.sort_indices()  # (a chunk's columns are in the order of their keys: this only finds them sorted)
    return merged, keys


def _index_type(nnz: int, width: int):
    """The index type scipy itself picks for a CSR matrix of this size (int32 while it fits)."""
    return np.int32 if max(nnz, width) < np.iinfo(np.int32).max else np.int64


def _chunk_counts(chunk: Chunk):
    """One chunk's counts with its own columns, and their keys (bigram columns first, each kind in
    the order of its keys).

    Written with numpy instead of a scikit-learn analyzer: sklearn calls an analyzer per text and
    counts its tokens one by one in Python, which was a third of the time at 10 000 articles; here
    all texts are coded and counted at once. The counts are the same.
    """
    from scipy.sparse import hstack

    joined, starts = chunk
    raw = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)  # one per character
    codes = _fold_codes()[raw]
    cjk = _is_cjk(codes)
    at = np.flatnonzero(cjk[:-1] & cjk[1:])
    bigrams = _tallied(starts, at, (codes[at] << np.uint32(16)) | codes[at + 1])  # (BMP: two code points fit)
    del codes, cjk
    found = _latin_words(joined, raw)
    word_keys = np.array([word_key(w) for _, w in found], dtype=np.int64)
    vocabulary = distinct(word_keys)  # (a word's key is wider than _tallied takes: its place in these is not)
    words = _tallied(starts, np.array([at for at, _ in found], dtype=np.int64), np.searchsorted(vocabulary, word_keys))
    merged = hstack([bigrams[0], words[0]], format="csr")
    return merged, np.concatenate([bigrams[1].astype(np.int64), vocabulary[words[1]]])  # (uint64 with int64: float64)


# The characters other than ASCII that str.lower() makes an ASCII letter: U+0130 (İ, lowered to "i" and
# a combining dot, which ends a word) and U+212A (the Kelvin sign, lowered to "k"). No other does
# (tests/test_same_story.py looks through every code point).
_DOTTED_I, _KELVIN = 0x130, 0x212A


def _latin_words(joined: str, raw: np.ndarray) -> list[tuple[int, str]]:
    """(where it begins, the word) of each Latin word of a Chunk's text (`raw`: its code points), in
    order: what `[a-z0-9]{3,}` finds in the lowered text, function words left out. Its runs of letters and
    digits are found on the code points (the regular expression over a chunk of mostly CJK text was
    ~0.25 of the ~1.1 CPU-s of counting 10 000 articles' terms), where each begins in the text itself
    (a place in the lowered text, which U+0130 makes a character longer, could be another text's)."""
    lowered, dotted = raw | np.uint32(0x20), raw == _DOTTED_I
    letter = ((lowered >= 0x61) & (lowered <= 0x7A)) | ((raw >= 0x30) & (raw <= 0x39)) | (raw == _KELVIN) | dotted
    goes_on = letter[1:] & letter[:-1] & ~dotted[:-1]  # (its combining dot ends a word)
    begin = np.flatnonzero(letter & ~np.concatenate(([False], goes_on)))
    end = np.flatnonzero(letter & ~np.concatenate((goes_on, [False]))) + 1
    long = end - begin >= 3
    stop = _stop_words()
    found = [(b, joined[b:e].lower()) for b, e in zip(begin[long].tolist(), end[long].tolist())]
    if dotted.any():
        found = [(b, w.replace("\u0307", "")) for b, w in found]
    return [(b, w) for b, w in found if w not in stop]


def _tallied(starts: np.ndarray, at: np.ndarray, keys: np.ndarray):
    """(CSR texts x distinct keys of how often each text holds each key, and those keys, sorted) of
    terms found at these places of a Chunk (texts beginning at `starts`); keys below 2**32.

    Each (key, text) pair is coded as one 64-bit value, the key above, and the pairs counted by one
    sort (distinct_counts): in that order they are the columns of a CSC matrix, each key's column
    numbered by a running count. (np.unique's inverse and scipy's COO-to-CSR summing duplicates were
    0.35 s of each 4 000 texts; a sort of the pairs by text, then each key's column looked up, as slow.)"""
    from scipy.sparse import csc_matrix

    texts = (np.searchsorted(starts, at, side="right") - 1).astype(np.uint64)
    pairs, counts = distinct_counts((keys.astype(np.uint64) << np.uint64(32)) | texts)
    of_pair = pairs >> np.uint64(32)
    first = np.flatnonzero(run_starts(of_pair))
    matrix = csc_matrix((counts.astype(np.float32), (pairs & np.uint64(0xFFFFFFFF)).astype(np.int32),
                         np.append(first, len(pairs))), shape=(len(starts), len(first)))
    return matrix.tocsr(), of_pair[first]


@dataclass(frozen=True)
class Table:
    """Document frequencies of a base set of articles: the terms kept for comparing (sorted keys) and
    in how many base articles each occurs."""

    keys: np.ndarray
    df: np.ndarray
    articles: int

    @classmethod
    def of(cls, matrix, keys: np.ndarray, rows: np.ndarray | None = None) -> "Table":
        """The table of these counted articles (counts()), or of those among them at `rows`."""
        n = matrix.shape[0] if rows is None else len(rows)
        df = np.zeros(len(keys), np.int64)
        for at in range(0, matrix.shape[0], WEIGH_ROWS):  # (a slice of rows, not a copy of the base)
            part = matrix[at:at + WEIGH_ROWS]
            if rows is not None:
                chosen = rows[(rows >= at) & (rows < at + WEIGH_ROWS)] - at
                part = part[chosen]
            df += np.bincount(part.indices, minlength=len(keys))
        keep = (df >= 2) & (df <= COMMON_SHARE * n) if n >= MIN_DF_FROM else df >= 1
        return cls(keys[keep], df[keep], n)

    def weigh(self, matrix, keys: np.ndarray):
        """TF-IDF vectors of counted articles (CSR float32 over the table's terms, rows L2-normalised):
        sublinear term frequency (1 + ln tf) times smoothed inverse document frequency
        (1 + ln((1 + n) / (1 + df))), the weighting scikit-learn's TfidfTransformer(sublinear_tf=True)
        gives - written out on the sparse arrays because importing scikit-learn alone took 1.6 s of
        a cold build. Terms not in the table are left out.

        WEIGH_ROWS rows at a time, into arrays made once for the whole: the arithmetic is per row, so
        the vectors are those of weighing all rows at once (weighing 100 000 articles at once took
        40 bytes a count, 4 GB at its peak)."""
        from scipy.sparse import csr_matrix

        at = np.searchsorted(self.keys, keys).clip(0, max(len(self.keys) - 1, 0))
        known = (self.keys[at] == keys) if len(self.keys) else np.zeros(len(keys), bool)
        column = np.where(known, at, -1)
        idf = 1.0 + np.log((1.0 + self.articles) / (1.0 + self.df))
        indptr = np.concatenate([[0], np.cumsum(_kept_per_row(matrix, column))])
        data = np.empty(int(indptr[-1]), np.float32)
        indices = np.empty(int(indptr[-1]), _index_type(int(indptr[-1]), len(self.keys)))
        for start in range(0, matrix.shape[0], WEIGH_ROWS):
            part = self._weighed(matrix[start:start + WEIGH_ROWS], column, idf)
            lo, hi = indptr[start], indptr[min(start + WEIGH_ROWS, matrix.shape[0])]
            data[lo:hi], indices[lo:hi] = part.data, part.indices
        return csr_matrix((data, indices, indptr), shape=(matrix.shape[0], len(self.keys)))

    def _weighed(self, matrix, column: np.ndarray, idf: np.ndarray):
        """weigh() of a few rows, in float64 (then float32)."""
        from scipy.sparse import csr_matrix

        column = column[matrix.indices]
        kept = column >= 0
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))[kept]
        values = (1.0 + np.log(matrix.data[kept].astype(np.float64))) * idf[column[kept]]
        weights = csr_matrix((values, (rows, column[kept])), shape=(matrix.shape[0], len(self.keys)))
        norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        weights.data /= np.repeat(norms, np.diff(weights.indptr))
        return weights.astype(np.float32)


def _kept_per_row(matrix, column: np.ndarray) -> np.ndarray:
    """How many of each row's terms the table knows (column >= 0), WEIGH_ROWS rows at a time."""
    out = []
    for start in range(0, matrix.shape[0], WEIGH_ROWS):
        bounds = matrix.indptr[start:start + WEIGH_ROWS + 1]
        known = np.concatenate([[0], np.cumsum(column[matrix.indices[bounds[0]:bounds[-1]]] >= 0)])
        out.append(np.diff(known[bounds - bounds[0]]))
    return np.concatenate(out) if out else np.zeros(0, np.int64)
