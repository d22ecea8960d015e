"""Same story, other outlets - and related coverage at other times - found by text similarity.

Texts are folded to one script (so Traditional and Simplified reports meet), turned into
CJK character bigrams and Latin words, weighted by TF-IDF (numpy, scipy.sparse) and compared by
cosine. Same story means the same event: only articles within WINDOW_DAYS of each other are
compared (the work grows with the archive times the window, not its square). A pair is the same
story when its similarity is at least MIN_SIMILARITY (SAME_OUTLET_SIMILARITY for two reports of one
outlet) *and* stands out CONTRAST times above what each article shares with its ordinary neighbours
of that time (its BACKGROUND_RANK-th most similar article in its window): articles on one beat all
share vocabulary, same-event reports share much more than that.

Related coverage - the same people or topic at any time (a later video call of the same two
diplomats) - is a second, shorter list: articles sharing an article's rarest weighty terms,
scored through an inverted index of those terms (see _coverage).
"""
from __future__ import annotations

import hashlib
import os
import multiprocessing
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .. import forked, lang
from ..archive import DATA
from ..cache import CacheStore
from ..to_markdown import plain_text
from .collect import Entry, instant
from .state import BuildState

# Cosine similarity below which two articles are never the same story ...
MIN_SIMILARITY = 0.3
# ... and below which two articles of one outlet are not: an outlet's reports share its house
# phrases and beat, so its follow-ups on other events come close (labelled pairs, bench/same_story.py).
SAME_OUTLET_SIMILARITY = 0.5
# In a group of fewer than MIN_DF_FROM articles the weights know little of what is common (a term
# in every one of five articles still weighs half a rare one's), so similarities run low: the
# threshold there, between what the seed archive measures for its four reports of one lunch (0.149-0.23)
# and for the later video call (0.10-0.13).
SMALL_GROUP_SIMILARITY = 0.14
# How far above an article's background a same-story neighbour must stand.
CONTRAST = 2.0
# Which neighbour is "ordinary": the 20th most similar article.
BACKGROUND_RANK = 20
# At most this many same-story links on one page.
MAX_SAME = 8
# Same story: articles more than this many days apart are never compared (an event's reports come
# within days; `same_story_days` in newsarchive.toml changes it).
WINDOW_DAYS = 3
DAY = 86400.0
# Related coverage: at most this many links on one page ...
MAX_COVERAGE = 5
# ... scored on each article's heaviest terms among those in at most RARE_DF articles (a person's or
# place's name, not a beat's vocabulary) ...
RARE_DF = 200
SIGNATURE_TERMS = 24
# ... sharing at least this many of them, for a score (the sum of the shared terms' weight products,
# of unit-length TF-IDF vectors) of at least MIN_COVERAGE.
MIN_SHARED_TERMS = 3
MIN_COVERAGE = 0.02
# Texts coded at once when counting terms (memory: a few bytes per character of a chunk).
COUNT_CHUNK = 4000
# Nearest neighbours kept per article: enough for the background rank and the links.
CANDIDATES = 32
# From this many articles to compare, the comparison runs in a process of its own, beside rendering.
BACKGROUND_FROM = 200
# Rows compared at once (memory: ROWS x articles floats).
ROWS = 512
# Characters of body text compared: the lede names the event; the rest only costs time.
LEDE_CHARS = 1200
# In a group this large, a term in one article only tells nothing about pairs: drop it.
MIN_DF_FROM = 50
# Terms in more than this share of a group's articles are compared as a dense matrix (BLAS), the
# rest as a sparse one: the few common terms made four fifths of the sparse product's work.
DENSE_SHARE = 0.05
# At most this many terms compared densely (memory: articles x DENSE_TERMS floats).
DENSE_TERMS = 2048
_FUNCTION_WORDS = (DATA / "english_function_words.txt").read_text(
    encoding="utf-8")
# What the comparison depends on besides the articles: this code (its thresholds included), its words.
_SOURCE = Path(__file__).read_text(encoding="utf-8") + _FUNCTION_WORDS
_LATIN = re.compile(r"[a-z0-9]{3,}")


@lru_cache(maxsize=None)
def _stop_words() -> frozenset[str]:
    lines = _FUNCTION_WORDS.splitlines()
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


def _counts(texts: list[str]):
    """Term counts per text (CSR, texts x terms): folded CJK character bigrams within each run of
    CJK characters, and Latin words of 3+ letters that are not stop words.

    Counted COUNT_CHUNK texts at a time (a chunk's characters are coded as one array: at 100 000
    articles the whole group at once took gigabytes), the chunks' columns then put on one vocabulary.
    """
    from scipy.sparse import vstack

    parts = [_chunk_counts(texts[at:at + COUNT_CHUNK]) for at in range(0, len(texts), COUNT_CHUNK)]
    bigrams = np.unique(np.concatenate([p[1] for p in parts])) if parts else np.zeros(0, np.uint32)
    words = {w: len(bigrams) + n for n, w in enumerate(dict.fromkeys(w for p in parts for w in p[2]))}
    width = len(bigrams) + len(words)
    out = []
    for counts, chunk_bigrams, chunk_words in parts:
        columns = np.concatenate([np.searchsorted(bigrams, chunk_bigrams),
                                  np.array([words[w] for w in chunk_words], dtype=np.int64)])
        counts.indices = columns[counts.indices].astype(counts.indices.dtype)
        counts.resize((counts.shape[0], width))
        out.append(counts)
    matrix = vstack(out, format="csr")
    matrix.sort_indices()
    return matrix


def _chunk_counts(texts: list[str]):
    """One chunk's counts, with its own columns: (CSR, its bigram codes, its words) - bigram columns first.

    Written with numpy instead of a scikit-learn analyzer: sklearn calls an analyzer per text and
    counts its tokens one by one in Python, which was a third of the time at 10 000 articles; here
    all texts are coded and counted at once. The counts are the same.
    """
    from scipy.sparse import csr_matrix, hstack

    joined = "\n".join(texts)  # a non-CJK, non-Latin separator: no term spans two texts
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    codes = _fold_codes()[np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)]  # one per character
    cjk = _is_cjk(codes)
    at = np.flatnonzero(cjk[:-1] & cjk[1:])
    bigrams, bigram_column = np.unique((codes[at] << np.uint32(16)) | codes[at + 1], return_inverse=True)  # BMP
    del codes, cjk
    stop = _stop_words()
    found = [(m.start(), m.group()) for m in _LATIN.finditer(joined.lower()) if m.group() not in stop]
    vocabulary = {w: n for n, w in enumerate(dict.fromkeys(w for _, w in found))}

    def matrix(at: np.ndarray, columns, width: int):
        rows = np.searchsorted(starts, at, side="right") - 1
        return csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(texts), width))

    words = matrix(np.array([at for at, _ in found], dtype=np.int64), [vocabulary[w] for _, w in found],
                   len(vocabulary))
    counts = hstack([matrix(at, bigram_column, len(bigrams)), words], format="csr")
    counts.sum_duplicates()
    return counts, bigrams, list(vocabulary)


def _tfidf(texts: list[str]):
    """TF-IDF vectors (CSR, float32, rows L2-normalised): sublinear term frequency (1 + ln tf) times
    smoothed inverse document frequency (1 + ln((1 + n) / (1 + df))), the weighting scikit-learn's
    TfidfTransformer(sublinear_tf=True) gives - written out on the sparse arrays because importing
    scikit-learn alone took 1.6 s of a cold build. In a large group, terms in one text only or in
    more than half of them are dropped first."""
    from scipy.sparse import csr_matrix

    counts = _counts(texts)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    if len(texts) >= MIN_DF_FROM:
        keep = np.flatnonzero((df >= 2) & (df <= 0.5 * len(texts)))
        counts, df = counts[:, keep], df[keep]
    idf = 1.0 + np.log((1.0 + len(texts)) / (1.0 + df))
    weights = csr_matrix(((1.0 + np.log(counts.data)) * idf[counts.indices], counts.indices, counts.indptr),
                         shape=counts.shape)
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    weights.data /= np.repeat(norms, np.diff(weights.indptr))
    return weights.astype(np.float32)


class Links(NamedTuple):
    """What an article page links to: the same event elsewhere, then related coverage."""

    same: tuple[Entry, ...] = ()       # reports of the same event (within the window), most similar first
    coverage: tuple[Entry, ...] = ()   # the same people or topic at any time, best first


NO_LINKS = Links()


def same_story(entries: tuple[Entry, ...], store: CacheStore | None = None, stale_ok: bool = False,
               state: BuildState | None = None, window_days: int = WINDOW_DAYS) -> "SameStory":
    """For each article path, its Links: the other articles that report the same event (most similar
    first) and its related coverage.

    Articles are compared within their language (Chinese in either script is one language):
    lexical similarity cannot see one story told in two languages, and a lone English page
    among Chinese ones would otherwise have no background to stand out from.
    With a store, a language whose articles are all unchanged (same content pages, same
    code, same window) reuses the last answer: a layout edit does not redo the comparison. With
    stale_ok (serve's quick pass), the last answer is used even if articles changed since.

    The answer is a mapping that may still be in the making: a large comparison runs in a forked
    process while the build renders the pages that do not show same-story links.
    """
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.lang.split("-")[0], []).append(e)
    known: dict[str, Links] = {}
    todo: dict[str | None, tuple[Entry, ...]] = {}
    state = state or BuildState()
    for language, members in sorted(groups.items()):
        name = f"{FOLDER}/{language}.json" if store is not None else None
        saved = _load(store, name, tuple(members), window_days, stale_ok, state) if name is not None else None
        if saved is None:
            todo[name] = tuple(members)
        else:
            known.update(saved)
    return SameStory(known, todo, store, window_days)


class SameStory(Mapping):
    """Article path -> its Links (articles with none are left out). Comparisons still to do run in a
    forked process when they are large (BACKGROUND_FROM articles); the first lookup waits for them."""

    def __init__(self, known: dict[str, Links], todo: dict[str | None, tuple[Entry, ...]],
                 store: CacheStore | None, window_days: int = WINDOW_DAYS):
        self._known, self._todo, self._store, self._window = known, todo, store, window_days
        self._job = None
        if sum(map(len, todo.values())) >= BACKGROUND_FROM and forked.cores() > 1:
            context = multiprocessing.get_context("fork")  # the child inherits the entries: nothing pickled
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_compare_in_child, args=(todo, window_days, send, os.getpid()),
                                    daemon=True)
            child.start()
            send.close()
            self._job = (child, receive)

    def _answer(self) -> dict[str, Links]:
        if self._todo:
            self._known.update(self._finish())
            self._todo = {}
        return self._known

    def _finish(self) -> dict[str, Links]:
        paths = None
        if self._job is not None:
            child, receive = self._job
            try:
                paths = receive.recv()
            except (EOFError, OSError):  # the child died: compare here instead
                paths = None
            child.join()
        if paths is None:
            paths = _compare_all(self._todo, self._window)
        answer: dict[str, Links] = {}
        for cache, members in self._todo.items():
            found = paths[str(cache)]
            if cache is not None:
                self._store.save(cache, _key(members, self._window), found)
            answer.update(_as_entries(found, members))
        return answer

    def close(self) -> None:
        """Stop a comparison still running (the build failed before it needed the answer)."""
        if self._job is not None and self._todo:
            child, receive = self._job
            child.kill()
            child.join()
            receive.close()
            self._job = None

    def __getitem__(self, path: str) -> Links:
        return self._answer()[path]

    def __iter__(self):
        return iter(self._answer())

    def __len__(self) -> int:
        return len(self._answer())


def _compare_all(todo: dict[str | None, tuple[Entry, ...]], window_days: int) -> dict[str, dict[str, list]]:
    return {str(cache): _as_paths(_same_story(members, window_days)) for cache, members in todo.items()}


def _compare_in_child(todo: dict[str | None, tuple[Entry, ...]], window_days: int, send, parent: int) -> None:
    forked.die_with_parent(parent)
    send.send(_compare_all(todo, window_days))
    send.close()


def _as_paths(links: dict[str, Links]) -> dict[str, list[list[str]]]:
    """The stored form: path -> [same-story paths, related-coverage paths]."""
    return {p: [[o.path for o in found.same], [o.path for o in found.coverage]] for p, found in links.items()}


def _as_entries(paths: dict[str, list[list[str]]], entries: tuple[Entry, ...]) -> dict[str, Links]:
    by_path = {e.path: e for e in entries}
    return {p: Links(*(tuple(by_path[o] for o in others if o in by_path) for others in lists))
            for p, lists in paths.items() if p in by_path}


def _key(entries: tuple[Entry, ...], window_days: int) -> str:
    key = hashlib.sha256(_SOURCE.encode())
    key.update(f"window {window_days}".encode())
    for e in entries:
        key.update(f"\0{e.path}\0{e.digest}".encode())
    return key.hexdigest()


# The tenant's folder in the cache store: one file per language.
FOLDER = "related"


def _read(store: CacheStore, name: str, state: BuildState) -> tuple[str, dict] | None:
    """(key, answer) stored under name, parsed once per state of the file (serve's hot pass takes
    the last answer on every edit, and parsing it was a fifth of that pass)."""
    try:
        stat = store.path(name).stat()
    except OSError:
        return None
    known = state.related.get(name)
    if known is None or known[0] != (stat.st_mtime_ns, stat.st_size):
        known = ((stat.st_mtime_ns, stat.st_size), store.load_any(name))
        state.related[name] = known
    return known[1]


def preload(store: CacheStore, state: BuildState) -> None:
    """Read the stored answers now (serve, idle after a full build), so the next hot pass finds them read."""
    for path in sorted(store.path(FOLDER).glob("*.json")):
        _read(store, f"{FOLDER}/{path.name}", state)


def _load(store: CacheStore, name: str, entries: tuple[Entry, ...], window_days: int, stale_ok: bool,
          state: BuildState) -> dict[str, Links] | None:
    saved = _read(store, name, state)
    if saved is None or not (stale_ok or saved[0] == _key(entries, window_days)):
        return None
    try:
        return _as_entries(saved[1], entries)
    except (AttributeError, TypeError, ValueError):  # a file damaged by hand (or of an older shape): compare again
        return None


def _nearest(vectors, times: np.ndarray, window: float, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's `keep` most similar other rows within `window` seconds of it (by cosine) and their
    similarities, most similar first (-1 where the window holds fewer). Rows are in time order,
    undated ones (NaN) last; an undated row is compared with every row, and every row with the
    undated ones. So a block of ROWS rows meets only the columns of its time span widened by the
    window: the work grows with the archive times the window, not the archive squared.

    The products are split by term: common terms (DENSE_SHARE) as dense matrices, the rest as sparse
    ones - the same sums. Blocks are compared on a thread per core (scipy's sparse product and BLAS
    release the GIL; BLAS keeps to the calling thread)."""
    from threadpoolctl import threadpool_limits

    n = vectors.shape[0]
    dated = int(np.sum(~np.isnan(times)))
    df = np.bincount(vectors.indices, minlength=vectors.shape[1])
    common = np.sort(np.argsort(-df, kind="stable")[:min(DENSE_TERMS, int(np.sum(df > DENSE_SHARE * n)))])
    rare = np.setdiff1d(np.arange(vectors.shape[1]), common)
    dense_part, sparse_part = vectors[:, common].tocsr(), vectors[:, rare].tocsr()

    def columns(start: int, stop: int) -> np.ndarray:
        if start >= dated:  # undated rows: every column
            return np.arange(n)
        low = np.searchsorted(times[:dated], times[start] - window, side="left")
        high = np.searchsorted(times[:dated], times[stop - 1] + window, side="right")
        return np.concatenate([np.arange(low, high), np.arange(dated, n)])

    def block(start: int) -> tuple[np.ndarray, np.ndarray]:
        stop = min(start + ROWS, n if start >= dated else dated)
        cols = columns(start, stop)
        sims = (sparse_part[start:stop] @ sparse_part[cols].T).toarray()
        sims += dense_part[start:stop].toarray() @ dense_part[cols].toarray().T
        apart = np.abs(times[start:stop, None] - times[None, cols]) > window  # NaN (undated) is never apart
        sims[apart | (np.arange(start, stop)[:, None] == cols[None, :])] = -1.0  # nor its own neighbour
        if sims.shape[1] < keep:
            sims = np.pad(sims, ((0, 0), (0, keep - sims.shape[1])), constant_values=-1.0)
            cols = np.pad(cols, (0, keep - len(cols)), constant_values=-1)
        part = np.argpartition(-sims, keep - 1, axis=1)[:, :keep]
        values = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-values, axis=1, kind="stable")
        return cols[np.take_along_axis(part, order, axis=1)], np.take_along_axis(values, order, axis=1)

    starts = list(range(0, dated, ROWS)) + list(range(dated, n, ROWS))
    with threadpool_limits(1), ThreadPoolExecutor(forked.cores()) as pool:
        parts = list(pool.map(block, starts))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _coverage(vectors, same: list[set[int]]) -> list[list[int]]:
    """Each row's related coverage: the articles, at any time, that share its rarest weighty terms -
    the same people, places or topic - best first, leaving out its same-story articles.

    Scales like an inverted index: each article keeps its SIGNATURE_TERMS heaviest terms among those in
    at most RARE_DF articles (and in another one: a term of one article matches nothing), and only articles sharing such a term are ever scored (the product of two
    sparse signature matrices: at most RARE_DF x RARE_DF pairs per term)."""
    from scipy.sparse import csr_matrix

    df = np.bincount(vectors.indices, minlength=vectors.shape[1])
    rare = vectors.multiply(((df >= 2) & (df <= RARE_DF))[None, :].astype(np.float32)).tocsr()
    rare.eliminate_zeros()
    rows, cols, vals = [], [], []
    for i in range(rare.shape[0]):
        lo, hi = rare.indptr[i], rare.indptr[i + 1]
        top = np.argsort(-rare.data[lo:hi], kind="stable")[:SIGNATURE_TERMS]
        rows.append(np.full(len(top), i))
        cols.append(rare.indices[lo:hi][top])
        vals.append(rare.data[lo:hi][top])
    signature = csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=rare.shape)
    inverted = signature.T.tocsr()
    found: list[list[int]] = []
    for start in range(0, signature.shape[0], ROWS):
        scores = (signature[start:start + ROWS] @ inverted).tocsr()
        shared = (signature[start:start + ROWS].astype(bool).astype(np.float32) @ inverted.astype(bool).astype(np.float32)).tocsr()
        for r in range(scores.shape[0]):
            i = start + r
            lo, hi = scores.indptr[r], scores.indptr[r + 1]
            keep = (scores.data[lo:hi] >= MIN_COVERAGE) & (shared.data[lo:hi] >= MIN_SHARED_TERMS)
            others, values = scores.indices[lo:hi][keep], scores.data[lo:hi][keep]
            order = np.lexsort((others, -values))
            found.append([int(j) for j in others[order] if j != i and j not in same[i]][:MAX_COVERAGE])
    return found


def _texts(entries) -> list[str]:
    return [f"{e.title} {e.title} {plain_text(e.body_md)[:LEDE_CHARS]}" for e in entries]


def _in_time_order(entries: tuple[Entry, ...]) -> tuple[tuple[Entry, ...], np.ndarray]:
    """The entries by time (then path), undated last, and their times in seconds (NaN: undated)."""
    times = [instant(e.date) for e in entries]
    order = sorted(range(len(entries)), key=lambda i: (times[i] == float("-inf"), times[i], entries[i].path))
    ordered = np.array([times[i] if times[i] != float("-inf") else np.nan for i in order], dtype=np.float64)
    return tuple(entries[i] for i in order), ordered


def _same_story(entries: tuple[Entry, ...], window_days: float | None = WINDOW_DAYS) -> dict[str, Links]:
    """Same story and related coverage for one language's articles. `window_days=None` compares
    every pair (the reference the windowed comparison is tested against)."""
    if len(entries) < 2:
        return {}
    entries, times = _in_time_order(entries)
    window = float("inf") if window_days is None else window_days * DAY
    vectors = _tfidf(_texts(entries))
    top_index, top_value = _nearest(vectors, times, window, min(CANDIDATES, len(entries) - 1))
    background = np.maximum(top_value[:, BACKGROUND_RANK], 0.0) if top_value.shape[1] > BACKGROUND_RANK \
        else np.zeros(len(entries))
    least = MIN_SIMILARITY if len(entries) >= MIN_DF_FROM else SMALL_GROUP_SIMILARITY
    same: list[list[int]] = []
    for i in range(len(entries)):
        same.append([int(j) for j, value in zip(top_index[i], top_value[i])
                     if j >= 0 and value >= max(least, CONTRAST * max(background[i], background[j]))
                     and (value >= SAME_OUTLET_SIMILARITY or entries[i].outlet != entries[j].outlet)])
    coverage = _coverage(vectors, [set(s) for s in same])
    links = {}
    for i, entry in enumerate(entries):
        if same[i] or coverage[i]:
            links[entry.path] = Links(tuple(entries[j] for j in same[i][:MAX_SAME]),
                                      tuple(entries[j] for j in coverage[i]))
    return links
