"""Same story's first stage, one day at a time: each article's nearest neighbours within the date
window, its background (how close its ordinary neighbours of that time come) and its signature
(its heaviest rare terms, for related coverage).

An article's TF-IDF vector depends on its own text and the table of document frequencies only
(terms.Table, made from a base set of the archive: see `base`), and its neighbours on the
articles within the window. So one day's answer depends on the articles of the days around it
and the table: it is stored per day (`related/<language>/<day>-<key>.arrays` in the cache store, see
packed.py) under a key of exactly those, and a new or edited article makes its own days'
neighbourhood be compared again, not the archive. Undated articles are compared with each other, as
one bucket of their own.

The comparison of a day's articles with its window is the same arithmetic whichever other days are
computed in the same run (blocks of ROWS rows of that day; the dense/sparse split of terms by the
table), so an incremental build gives a clean build's answer to the bit.
"""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple

import numpy as np

from .. import forked
from ..cache import CacheStore, remove_others
from ..parsed import LEDE_CHARS
from ..to_markdown import plain_text
from . import packed, terms, vectors
from .distinct import distinct

DAY = 86400.0
# Neighbours kept per article (most similar first): enough for any same-story list ...
CANDIDATES = 32
# ... and only those at least this similar (the lowest same-story threshold of any group).
CANDIDATE_FLOOR = 0.14
# Which neighbour is "ordinary": the 20th most similar article of the window.
BACKGROUND_RANK = 20
# Rows compared at once (memory: ROWS x window floats).
ROWS = 512
# Terms in more than this share of the base's articles are compared as a dense matrix (BLAS), the
# rest as a sparse one: the few common terms made four fifths of the sparse product's work.
DENSE_SHARE = 0.05
# At most this many terms compared densely (memory: window x DENSE_TERMS floats).
DENSE_TERMS = 2048
# Fewer buckets to compare than this are compared one after another, on one thread: a title edited
# compares its week's 7, while the build and the walk of site/ keep both cores busy, and two threads
# took ~0.2 CPU-s more for the same 0.6 s (at 100 000 articles; their Python between the products
# contends for the GIL). A cold build compares every day's, on threads, as the cores allow.
THREADED_FROM = 32
# Related coverage: an article's signature is its SIGNATURE_TERMS heaviest terms among those in at
# most RARE_DF base articles (a person's or place's name, not a beat's vocabulary) and in two or more.
RARE_DF = 200
SIGNATURE_TERMS = 24
# The table is made from the articles dated before the quarter preceding the newest article's (so it
# changes once a quarter, and new articles of the last three to six months - a day's files, a
# month's backfill - weigh nothing else: a refresh weighs every article again and makes every day be
# compared again); when they are fewer than this share of all, from all. It is kept while its base
# holds the same articles (see _table_key).
BASE_SHARE = 0.5
# Months in one step of the base's cutoff.
BASE_MONTHS = 3
UNDATED = "undated"
# The stored table's file, beside the buckets' `<day>-<key>.arrays` ...
TABLE = "table.arrays"
# ... whose names hold the start of their keys (packed.file_name) and end in this.
SUFFIX = packed.SUFFIX
# The second stage's last answer, kept beside them by related.py (for related coverage).
LINKS = "links.arrays"


@dataclass
class Near:
    """One bucket's first-stage answer, row by row (rows are articles, named by `article_id`)."""

    ids: np.ndarray          # S16, the bucket's articles
    background: np.ndarray   # float32, each one's BACKGROUND_RANK-th similarity in its window (0 if fewer)
    pair_of: np.ndarray      # int32, for each candidate pair: its row
    pair_id: np.ndarray      # S16, the neighbour
    pair_sim: np.ndarray     # float32, their cosine
    sig_of: np.ndarray       # int32, for each signature term: its row
    sig_key: np.ndarray      # int64, the term (its column in the table, which the bucket's key names)
    sig_weight: np.ndarray   # float32, its weight in the row's vector


def article_id(entry) -> bytes:
    """A short name for one article as it is now: 64 bits of its digest, which stands for its page's
    place and text (parsed.digest; hashing the path with it again was ~0.15 s of a build at 100 000)."""
    return entry.digest[:16].encode()


def lede(entry) -> str:
    """What is compared of an article: its title (twice: it names the event) and its lede."""
    return _lede(entry.title, entry.body)


def _lede(title: str, body) -> str:
    """(body: a parsed.Body; its lede as the process that parsed it made it, else made now)"""
    head = body.take_lede()
    return f"{title} {title} {plain_text(body.text)[:LEDE_CHARS] if head is None else head}"


class Unread(NamedTuple):
    """The ledes of articles whose bodies the gathering process has not read (an edit's, a day's
    files', taken from the parsed-page cache), to be made where they are compared: their titles and
    bodies (parsed.Body, read there from their page files). Reading the 4 500 bodies around an
    edited day was 0.4 s of an edit at 100 000 articles before same story's process could start;
    that process had the time (its answer was ready ~0.5 s before the pages asked; it now is about
    when they ask)."""

    titles: list
    bodies: list


def _ledes(entries, needed: np.ndarray, here: bool) -> list:
    """Plan.ledes: one Unread (the ledes made where they are compared, of the articles without a
    kept vector: vectors.py), or, when the comparison runs elsewhere and every body is held (a first
    build), Chunks of every needed article's lede (smaller to hand over than the bodies)."""
    chosen = [entries[n] for n in needed]
    if not here and all(e.body.held for e in chosen):
        return terms.chunked(map(lede, chosen))
    return [Unread([e.title for e in chosen], [e.body for e in chosen])]


def _texts(ledes: list, only: np.ndarray | None = None) -> list:
    """Plan.ledes as Chunks (an Unread's ledes made here), taken from the list; `only`: the ledes at
    these places alone (the other articles' vectors are kept)."""
    if ledes and isinstance(ledes[0], Unread):
        unread = ledes.pop()
        chosen = range(len(unread.titles)) if only is None else only.tolist()
        return terms.chunked(_lede(unread.titles[n], unread.bodies[n]) for n in chosen)
    if only is None:
        return ledes
    texts = [text for chunk in ledes for text in _split(chunk)]
    ledes.clear()
    return terms.chunked(texts[n] for n in only.tolist())


def _split(chunk: terms.Chunk) -> list[str]:
    """A Chunk's texts (joined by one character each)."""
    ends = [*(int(start) - 1 for start in chunk.starts[1:]), len(chunk.text)]
    return [chunk.text[int(start):end] for start, end in zip(chunk.starts, ends)]


def day_names(times: np.ndarray) -> list[str]:
    """Each article's day as its bucket is named when comparing within a window (buckets())."""
    undated = np.isnan(times)
    days = (np.where(undated, 0.0, times) // DAY).astype(np.int64)
    return [UNDATED if u else str(d) for d, u in zip(days.tolist(), undated.tolist())]


def base(times: np.ndarray) -> np.ndarray:
    """The articles the table is made from (indices; times in order, NaN for undated): those dated
    before the first day of the quarter (BASE_MONTHS) preceding the newest article's quarter - or all
    of them when those are fewer than BASE_SHARE."""
    dated = times[~np.isnan(times)]
    if not len(dated):
        return np.arange(len(times))
    newest = datetime.fromtimestamp(dated.max(), timezone.utc)
    step = (newest.year * 12 + newest.month - 1) // BASE_MONTHS - 1  # the preceding quarter, counted from year 0
    year, month0 = divmod(step * BASE_MONTHS, 12)
    cutoff = datetime(year, month0 + 1, 1, tzinfo=timezone.utc).timestamp()
    before = np.flatnonzero(times < cutoff)  # (NaN compares false: undated never in the base)
    return before if len(before) >= BASE_SHARE * len(times) else np.arange(len(times))


def buckets(times: np.ndarray, window_days: float | None) -> dict[str, np.ndarray]:
    """Bucket name -> its articles (indices): one per UTC day of the dated articles (one for all of
    them when every pair is compared), and UNDATED."""
    dated = np.flatnonzero(~np.isnan(times))
    out: dict[str, np.ndarray] = {}
    if len(dated):
        days = (times[dated] // DAY).astype(np.int64) if window_days is not None else np.zeros(len(dated), np.int64)
        # (each day's articles by one stable sort, not a pass over all of them per day: 1 830 passes
        # over 100 000 were ~0.1 s of an edit; np.unique's inverse imports numpy.ma, ~0.06 s more)
        order = np.argsort(days, kind="stable")
        grouped, ordered = dated[order], days[order]
        starts = [0, *(np.flatnonzero(ordered[1:] != ordered[:-1]) + 1).tolist()]
        for lo, hi in zip(starts, [*starts[1:], len(ordered)]):
            out[str(ordered[lo])] = grouped[lo:hi]
    undated = np.flatnonzero(np.isnan(times))
    if len(undated):
        out[UNDATED] = undated
    return out


def columns(rows: np.ndarray, times: np.ndarray, window: float, dated: int | None = None) -> np.ndarray:
    """What a bucket's rows are compared with (indices, in order, one run of them): the dated
    articles within the window of any of them; for the undated bucket, the undated articles. (An
    article without a date could be of any time; comparing it with every article would make every
    new article compare them all again, and a dated one with every undated one would tie each day
    to them.) `dated`: how many of the times are dated, when the caller has counted them (counting
    them for each of 1 830 buckets was 0.15 s of an edit at 100 000 articles)."""
    if dated is None:
        dated = int(np.sum(~np.isnan(times)))
    if np.isnan(times[rows[0]]):
        return np.arange(dated, len(times))
    low = np.searchsorted(times[:dated], times[rows].min() - window, side="left")
    high = np.searchsorted(times[:dated], times[rows].max() + window, side="right")
    return np.arange(low, high)


def bucket_key(source: str | object, table_key: str, window_days, ids: np.ndarray, members: np.ndarray) -> str:
    """What a bucket's answer depends on: the code, the table, the window, the articles it meets.
    `source`: the code, or a hash of it made by bucket_keys (the same key)."""
    h = source.copy() if not isinstance(source, str) else bucket_keys(source, table_key, window_days)
    h.update(ids[members].tobytes())  # (the S16 ids one after another)
    return h.hexdigest()


def bucket_keys(source: str, table_key: str, window_days):
    """The hash every bucket's key starts from (the code is ~100 KB: hashed once, not for each of
    1 830 buckets, ~0.15 s of an edit at 100 000 articles)."""
    return hashlib.sha256(f"{source}\0{table_key}\0{window_days}".encode())


class Parts(NamedTuple):
    """The weighed vectors split once by term: the terms compared densely and the rest. (Each
    bucket split its window's rows again - an article's about eight times, a window's days and its
    own blocks - a tenth of a cold build's CPU at 10 000 articles.)"""

    sparse: object        # CSR, needed articles x the sparse terms (their order in the table kept)
    dense: object         # CSR, needed articles x the dense terms
    terms: np.ndarray     # the table's term of each column of sparse, then of dense

    @classmethod
    def of(cls, vectors, dense: np.ndarray) -> "Parts":
        is_dense = np.zeros(vectors.shape[1], bool)
        is_dense[dense] = True
        return cls(vectors[:, ~is_dense], vectors[:, is_dense],
                   np.concatenate([np.flatnonzero(~is_dense), np.flatnonzero(is_dense)]))


def near(parts: Parts, row_of: dict[int, int], rows: np.ndarray, cols: np.ndarray, times: np.ndarray,
         window: float, rare: np.ndarray, ids: list[bytes]) -> Near:
    """One bucket's answer. parts holds (at row_of[i]) every article of rows and cols; `rare`: which
    of the table's terms a signature takes (rare_terms)."""
    at, mine = _places(row_of, cols), _places(row_of, rows)
    sparse_cols, dense_cols = _picked(parts.sparse, at).T.tocsr(), parts.dense[at].toarray().T
    sparse_rows, dense_rows = _picked(parts.sparse, mine), parts.dense[mine]
    found = []
    for start in range(0, len(rows), ROWS):
        block = slice(start, start + ROWS)
        found.append(_block(sparse_rows[block], dense_rows[block], rows[block], cols, sparse_cols, dense_cols,
                            times, window))
    top = np.concatenate([f[0] for f in found])
    sims = np.concatenate([f[1] for f in found])
    background = np.maximum(sims[:, BACKGROUND_RANK], 0) if sims.shape[1] > BACKGROUND_RANK else np.zeros(len(rows))
    keep = sims >= CANDIDATE_FLOOR
    pair_of = np.nonzero(keep)[0].astype(np.int32)
    ids = np.asarray(ids, dtype="S16")
    pair_id = ids[top[keep]]
    sig_of, sig_key, sig_weight = _signatures(parts, sparse_rows, dense_rows, rare)
    return Near(ids[rows], background.astype(np.float32), pair_of, pair_id,
                sims[keep].astype(np.float32), sig_of, sig_key, sig_weight)


def _places(row_of: dict[int, int], articles: np.ndarray) -> slice | list[int]:
    """Where parts holds these articles (in order): a slice when they are one run of its rows, as a
    bucket's rows and window always are (parts holds the needed articles in time order, and a day's
    articles and a window are runs of that order). (A list of rows each was picked out row by row:
    with the signatures' second pick, ~0.3 of a cold build's ~2.3 s of comparing at 10 000 articles.)"""
    first, last = row_of[int(articles[0])], row_of[int(articles[-1])]
    if last - first == len(articles) - 1:
        return slice(first, last + 1)
    return [row_of[i] for i in articles]


def _picked(matrix, at: slice | list[int]):
    """matrix's rows `at`: for a slice, a matrix over the same arrays (no copy of its data: a window's
    rows were copied for each of the ~7 days that compare with it)."""
    if not isinstance(at, slice):
        return matrix[at]
    from scipy.sparse import csr_matrix

    lo, hi = matrix.indptr[at.start], matrix.indptr[at.stop]
    return csr_matrix((matrix.data[lo:hi], matrix.indices[lo:hi], matrix.indptr[at.start:at.stop + 1] - lo),
                      shape=(at.stop - at.start, matrix.shape[1]))


def _block(sparse_rows, dense_rows, rows, cols, sparse_cols, dense_cols, times, window):
    """Rows' `CANDIDATES` most similar columns within the window, most similar first (-1: none)."""
    sims = (sparse_rows @ sparse_cols).toarray()
    sims += dense_rows.toarray() @ dense_cols
    apart = np.abs(times[rows][:, None] - times[cols][None, :]) > window  # NaN (undated) is never apart
    sims[apart | (rows[:, None] == cols[None, :])] = -1.0  # nor its own neighbour
    keep = CANDIDATES
    if sims.shape[1] < keep:
        sims = np.pad(sims, ((0, 0), (0, keep - sims.shape[1])), constant_values=-1.0)
        cols = np.pad(cols, (0, keep - len(cols)), constant_values=0)
    part = np.argpartition(-sims, keep - 1, axis=1)[:, :keep]
    values = np.take_along_axis(sims, part, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    return cols[np.take_along_axis(part, order, axis=1)], np.take_along_axis(values, order, axis=1)


def rare_terms(df: np.ndarray) -> np.ndarray:
    """Which of a table's terms (their base document frequencies) a signature takes: those in 2 to
    RARE_DF base articles. (Once a comparison: for each day's bucket it was ~0.1 s at 10 000 articles.)"""
    return (df >= 2) & (df <= RARE_DF)


def _signatures(parts: Parts, sparse_rows, dense_rows, rare: np.ndarray):
    """Each row's (sparse_rows and dense_rows: Parts' two matrices' rows) SIGNATURE_TERMS heaviest
    rare terms (rare_terms). (Chosen by weight, then term: the same whatever order a row holds its
    terms in.) The rare terms of all rows are picked out at once, then each row's sorted (a row's
    terms picked out in its own turn were ~40 % of its time). The dense terms are the base's
    commonest: rare only in a base of fewer than RARE_DF / DENSE_SHARE articles, and only then
    joined to the rest (the join was ~0.5 ms a bucket, a third of a small one's signatures)."""
    if rare[parts.terms[parts.sparse.shape[1]:]].any():
        from scipy.sparse import hstack

        R = hstack([sparse_rows, dense_rows], format="csr")
    else:
        R = sparse_rows
    terms = parts.terms[R.indices]
    chosen = rare[terms]
    terms, weights = terms[chosen], R.data[chosen]
    bounds = np.concatenate(([0], np.cumsum(chosen)))[R.indptr].tolist()  # (each row's, among those chosen)
    of, key, weight = [], [], []
    for r in range(R.shape[0]):
        cols, vals = terms[bounds[r]:bounds[r + 1]], weights[bounds[r]:bounds[r + 1]]
        if len(vals) > SIGNATURE_TERMS:  # (those at least as heavy as the row's SIGNATURE_TERMS-th, sorted)
            heavy = vals >= np.partition(vals, len(vals) - SIGNATURE_TERMS)[len(vals) - SIGNATURE_TERMS]
            cols, vals = cols[heavy], vals[heavy]
        top = np.lexsort((cols, -vals))[:SIGNATURE_TERMS]
        of.append(np.full(len(top), r, np.int32))
        key.append(cols[top])
        weight.append(vals[top])
    return (np.concatenate(of) if of else np.zeros(0, np.int32),
            np.concatenate(key).astype(np.int64) if key else np.zeros(0, np.int64),
            np.concatenate(weight).astype(np.float32) if weight else np.zeros(0, np.float32))


class Damaged(Exception):
    """A stored file the plan found under its key could not be read where the comparison ran."""


@dataclass
class Plan:
    """The first stage's work for one language's articles (in time order), decided where the gathered
    site lives: which buckets are stored under their keys, and the ledes of the articles the others
    need (made here: the process that compares them is handed the plan, not the articles - see
    related.Sheet)."""

    ids: np.ndarray          # S16: each article's article_id
    times: np.ndarray        # float64 seconds (NaN: undated)
    window_days: float | None
    members: np.ndarray      # the table's base (indices)
    table_key: str
    table: terms.Table | None  # the stored table, when read here
    table_stored: bool       # whether one is stored under table_key (read where compared if `table` is None)
    stored: dict             # bucket name -> its key, for the buckets stored under theirs ...
    nears: dict              # ... and those of them read here: bucket name -> Near
    missing: dict            # bucket name -> (rows, cols, key) to compare
    needed: np.ndarray       # the articles the missing buckets meet (indices), in order ...
    ledes: list              # ... and their texts (terms.Chunk, or one Unread): counting them empties the list


def plan(entries, times: np.ndarray, window_days: float | None, source: str, store: CacheStore | None = None,
         folder: str | None = None, read: bool = True) -> Plan:
    """The Plan for `entries` (in time order). `read`: stored answers read now (compared in this
    process); otherwise only their names are looked for, and the comparing process reads them."""
    ids = np.array([article_id(e) for e in entries], dtype="S16")
    members = base(times)
    table_key = _table_key(source, entries, ids, members)
    every = _keyed(buckets(times, window_days), times, window_days,
                   lambda rows, start=bucket_keys(source, table_key, window_days): bucket_key(
                       start, table_key, window_days, ids, rows))
    files = _listing(store, folder)
    nears = {name: near for name, (_, _, key) in every.items() if read and _bucket_file(name, key) in files
             and (near := _stored(store, folder, name, key)) is not None}
    stored = {name: key for name, (_, _, key) in every.items()
              if name in nears or (not read and _bucket_file(name, key) in files)}
    missing = {name: bucket for name, bucket in every.items() if name not in stored}
    table, table_stored = None, False
    if missing:
        table = _stored_table(store, folder, table_key) if read else None
        table_stored = table is not None or (not read and _holds(store, folder, TABLE, table_key))
    needed = distinct(np.concatenate([np.concatenate([rows, cols]) for rows, cols, _ in missing.values()]
                                      + ([] if table_stored else [members]))) if missing else np.zeros(0, np.int64)
    return Plan(ids, times, window_days, members, table_key, table, table_stored, stored, nears, missing, needed,
                _ledes(entries, needed, read))


def _keyed(named_rows: dict, times: np.ndarray, window_days, key_of) -> dict:
    """Bucket name -> (rows, cols, key): its rows, what they are compared with, and its key."""
    window = float("inf") if window_days is None else window_days * DAY
    dated = int(np.sum(~np.isnan(times)))
    every = {}
    for name, rows in named_rows.items():
        # (a bucket's answer depends on its rows and what they are compared with; the neighbours'
        # own backgrounds are read from their own buckets in the second stage)
        cols = columns(rows, times, window, dated)
        every[name] = (rows, cols, key_of(_union(rows, cols)))
    return every


def _union(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """np.union1d(rows, cols), for cols one run of indices (columns()): cols itself when it spans
    the rows, as a bucket's window always does."""
    if len(cols) and cols[0] <= rows.min() and rows.max() <= cols[-1]:
        return cols
    return np.union1d(rows, cols)


def _bucket_file(name: str, key: str) -> str:
    """A bucket's file in its folder, named with the start of its key too: whether a day's answer is
    stored is a name in one listing of the folder (opening each of 1 842 files at 100 000 articles for
    the key inside took 0.26 s, warm); the whole key inside is checked when it is read."""
    return packed.file_name(name, key)


def _listing(store: CacheStore | None, folder: str | None) -> set[str]:
    try:
        return set(os.listdir(store.path(folder))) if store is not None else set()
    except OSError:
        return set()


def _table_key(source: str, entries, ids: np.ndarray, members: np.ndarray) -> str:
    """What the table is kept for: the base's articles by path - so an edit to one of them keeps
    the table until the base changes (the lazy refresh: a new month, an article added to or
    removed from the past) - or, when the base is the whole group (a young or small archive),
    the articles as they are now."""
    h = hashlib.sha256(source.encode())
    if len(members) == len(entries):
        h.update(ids[members].tobytes())  # (the ids one after another, as updating by each one did)
    elif len(members):  # (each path and a NUL, joined once: the same bytes as hashed one by one)
        h.update(("\0".join([entries[n].path for n in members.tolist()]) + "\0").encode())
    return h.hexdigest()


def answers(plan: Plan, store: CacheStore | None = None, folder: str | None = None, files=packed) -> dict[str, Near]:
    """Every bucket's Near: stored ones read (Damaged if one the plan saw cannot be), the missing ones
    compared. Terms are counted once, for the articles the plan needs. `files`: what reads the stored
    ones (packed, or a packed.ReadAhead)."""
    found = {name: plan.nears.get(name) or _must_read(store, folder, name, key, files)
             for name, key in plan.stored.items()}
    if plan.missing:
        table = plan.table
        if table is None and plan.table_stored:
            table = _stored_table(store, folder, plan.table_key, files)
            if table is None:
                raise Damaged(f"{folder}/{TABLE}")
        table, weighed = _weighed(plan, table, store, folder)
        parts = Parts.of(weighed, _dense_terms(table))
        del weighed  # (its parts hold the same numbers)
        found.update(_compare(plan, table, parts, store, folder))
    keys = [*plan.stored.items(), *((name, key) for name, (_, _, key) in plan.missing.items())]
    kept = vectors.key_of(plan.table_key)
    _forget_others(store, folder, {_bucket_file(name, key) for name, key in keys}
                   | {vectors.file_name(day, kept) for day in set(day_names(plan.times))})
    return found


def _must_read(store, folder, name: str, key: str, files=packed) -> Near:
    near = _stored(store, folder, name, key, files)
    if near is None:
        raise Damaged(f"{folder}/{_bucket_file(name, key)}")
    return near


def _weighed(plan: Plan, table: terms.Table | None, store, folder):
    """(the table - made from the base `members` and stored when `table` is None - and the
    vectors of the needed articles: those kept (vectors.py), the others weighed now and kept). The
    counts are let go here, before the comparison."""
    if table is None:
        counted, keys = terms.counted(_texts(plan.ledes))
        table = terms.Table.of(counted, keys, rows=np.searchsorted(plan.needed, plan.members))
        if store is not None:
            packed.write(store.path(f"{folder}/{TABLE}"), plan.table_key,
                         {"keys": table.keys, "df": table.df, "articles": np.array([table.articles])})
        kept = _kept_vectors(plan, store, folder, len(table.keys), read=False)
        fresh = table.weigh(counted, keys)
    else:
        kept = _kept_vectors(plan, store, folder, len(table.keys))
        missing = kept.missing()
        counted, keys = terms.counted(_texts(plan.ledes, None if len(missing) == len(plan.needed) else missing))
        fresh = table.weigh(counted, keys)
    del counted
    weighed = kept.merged(fresh)
    kept.save(weighed, plan.ids, day_names(plan.times))
    return table, weighed


def _kept_vectors(plan: Plan, store, folder, width: int, read: bool = True) -> vectors.Kept:
    """The needed articles' kept vectors (none read unless `read`: a new table's are all new)."""
    return vectors.Kept(store.path(folder) if store is not None else None, vectors.key_of(plan.table_key),
                        plan.ids[plan.needed], day_names(plan.times[plan.needed]), width, read)


def _stored_table(store, folder, key: str, files=packed) -> terms.Table | None:
    saved = files.read(store.path(f"{folder}/{TABLE}"), key) if store is not None else None
    return terms.Table(saved["keys"], saved["df"], int(saved["articles"][0])) if saved else None


def _compare(plan: Plan, table: terms.Table, parts: Parts, store, folder) -> dict[str, Near]:
    from threadpoolctl import threadpool_limits

    row_of = {int(n): r for r, n in enumerate(plan.needed)}
    window = float("inf") if plan.window_days is None else plan.window_days * DAY
    rare = rare_terms(table.df)

    def one(name: str) -> tuple[str, Near]:
        rows, cols, key = plan.missing[name]
        answer = near(parts, row_of, rows, cols, plan.times, window, rare, plan.ids)
        if store is not None:
            packed.write(store.path(f"{folder}/{_bucket_file(name, key)}"), key, answer.__dict__)
        return name, answer

    with threadpool_limits(1):
        if len(plan.missing) < THREADED_FROM:
            return dict(map(one, sorted(plan.missing)))
        with ThreadPoolExecutor(forked.cores()) as pool:
            return dict(pool.map(one, sorted(plan.missing)))


def _stored(store, folder, name: str, key: str, files=packed) -> Near | None:
    """A bucket's Near stored under `key`, if any."""
    saved = files.read(store.path(f"{folder}/{_bucket_file(name, key)}"), key) if store is not None else None
    return Near(**{field: saved[field] for field in Near.__dataclass_fields__}) if saved else None


def _forget_others(store, folder, keep: set[str]) -> None:
    """Files of buckets not in `keep` (days that hold no article now, answers of other keys) go, and
    anything else in the folder, which is ours alone: an older version's `.npz` days (80 MB at 100 000
    articles), a temporary file a killed run left."""
    if store is not None:
        remove_others(store.path(folder), keep | {TABLE, LINKS})


def _dense_terms(table: terms.Table) -> np.ndarray:
    """The table's terms compared as a dense matrix: its commonest, by the base (so every run splits
    alike), ties by column - the first of a stable sort by frequency, found without sorting every
    term (~0.1 s of an edit's comparison at 100 000 articles)."""
    # (chosen among the common terms alone: every term at least as frequent as the k-th commonest is
    # one; a partition of all 1.9 million terms' frequencies was ~0.03-0.1 s of an edit's comparison)
    common = np.flatnonzero(table.df > DENSE_SHARE * table.articles)
    k = min(DENSE_TERMS, len(common))
    if k == 0:
        return np.zeros(0, np.intp)
    df = table.df[common]
    least = -np.partition(-df, k - 1)[k - 1]  # the k-th largest frequency
    above = common[df > least]
    return np.sort(np.concatenate([above, common[df == least][:k - len(above)]]))


def _holds(store, folder, name: str, key: str) -> bool:
    """Whether the stored file `name` is stored under `key` (its header alone read)."""
    return store is not None and packed.key_of(store.path(f"{folder}/{name}")) == key
