"""Same story, other outlets: articles that report the same event, found by text similarity.

Texts are folded to one script (so Traditional and Simplified reports meet), turned into
CJK character bigrams and Latin words, weighted by TF-IDF (numpy, scipy.sparse) and compared by
cosine. A pair is the same story when its similarity is at least MIN_SIMILARITY *and*
stands out CONTRAST times above what each article shares with its ordinary neighbours
(its BACKGROUND_RANK-th most similar article): articles on one beat all share vocabulary,
same-event reports share much more than that.
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

import numpy as np

from .. import forked, lang
from ..archive import DATA
from ..cache import CacheStore
from ..to_markdown import plain_text
from .collect import Entry
from .state import BuildState

# Cosine similarity below which two articles are never the same story.
MIN_SIMILARITY = 0.12
# How far above an article's background a same-story neighbour must stand.
CONTRAST = 3.0
# Which neighbour is "ordinary": the 20th most similar article.
BACKGROUND_RANK = 20
# At most this many same-story links on one page.
MAX_RELATED = 8
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
    return counts


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


def same_story(entries: tuple[Entry, ...], store: CacheStore | None = None, stale_ok: bool = False,
               state: BuildState | None = None) -> "SameStory":
    """For each article path, the other articles that report the same event (most similar first).

    Articles are compared within their language (Chinese in either script is one language):
    lexical similarity cannot see one story told in two languages, and a lone English page
    among Chinese ones would otherwise have no background to stand out from.
    With a store, a language whose articles are all unchanged (same content pages, same
    code) reuses the last answer: a layout or config edit does not redo the comparison. With
    stale_ok (serve's quick pass), the last answer is used even if articles changed since.

    The answer is a mapping that may still be in the making: a large comparison runs in a forked
    process while the build renders the pages that do not show same-story links.
    """
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.lang.split("-")[0], []).append(e)
    known: dict[str, tuple[Entry, ...]] = {}
    todo: dict[str | None, tuple[Entry, ...]] = {}
    state = state or BuildState()
    for language, members in sorted(groups.items()):
        name = f"{FOLDER}/{language}.json" if store is not None else None
        saved = _load(store, name, tuple(members), stale_ok, state) if name is not None else None
        if saved is None:
            todo[name] = tuple(members)
        else:
            known.update(saved)
    return SameStory(known, todo, store)


class SameStory(Mapping):
    """Article path -> its same-story articles. Comparisons still to do run in a forked process when
    they are large (BACKGROUND_FROM articles); the first lookup waits for them."""

    def __init__(self, known: dict[str, tuple[Entry, ...]], todo: dict[str | None, tuple[Entry, ...]],
                 store: CacheStore | None):
        self._known, self._todo, self._store = known, todo, store
        self._job = None
        if sum(map(len, todo.values())) >= BACKGROUND_FROM and forked.cores() > 1:
            context = multiprocessing.get_context("fork")  # the child inherits the entries: nothing pickled
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_compare_in_child, args=(todo, send, os.getpid()), daemon=True)
            child.start()
            send.close()
            self._job = (child, receive)

    def _answer(self) -> dict[str, tuple[Entry, ...]]:
        if self._todo:
            self._known.update(self._finish())
            self._todo = {}
        return self._known

    def _finish(self) -> dict[str, tuple[Entry, ...]]:
        paths = None
        if self._job is not None:
            child, receive = self._job
            try:
                paths = receive.recv()
            except (EOFError, OSError):  # the child died: compare here instead
                paths = None
            child.join()
        if paths is None:
            paths = {str(cache): _as_paths(_same_story(members)) for cache, members in self._todo.items()}
        answer: dict[str, tuple[Entry, ...]] = {}
        for cache, members in self._todo.items():
            found = paths[str(cache)]
            if cache is not None:
                self._store.save(cache, _key(members), found)
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

    def __getitem__(self, path: str) -> tuple[Entry, ...]:
        return self._answer()[path]

    def __iter__(self):
        return iter(self._answer())

    def __len__(self) -> int:
        return len(self._answer())


def _compare_in_child(todo: dict[str | None, tuple[Entry, ...]], send, parent: int) -> None:
    forked.die_with_parent(parent)
    send.send({str(cache): _as_paths(_same_story(members)) for cache, members in todo.items()})
    send.close()


def _as_paths(related: dict[str, tuple[Entry, ...]]) -> dict[str, list[str]]:
    return {p: [o.path for o in others] for p, others in related.items()}


def _as_entries(paths: dict[str, list[str]], entries: tuple[Entry, ...]) -> dict[str, tuple[Entry, ...]]:
    by_path = {e.path: e for e in entries}
    return {p: tuple(by_path[o] for o in others if o in by_path) for p, others in paths.items() if p in by_path}


def _key(entries: tuple[Entry, ...]) -> str:
    key = hashlib.sha256(_SOURCE.encode())
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


def _load(store: CacheStore, name: str, entries: tuple[Entry, ...], stale_ok: bool,
          state: BuildState) -> dict[str, tuple[Entry, ...]] | None:
    saved = _read(store, name, state)
    if saved is None or not (stale_ok or saved[0] == _key(entries)):
        return None
    try:
        return _as_entries(saved[1], entries)
    except (AttributeError, TypeError):  # a file damaged by hand: compare again
        return None


def _nearest(vectors, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's `keep` most similar other rows (by cosine) and their similarities, most similar
    first. The products are split by term: common terms (DENSE_SHARE) as dense matrices, the rest
    as sparse ones - the same sums. Blocks of ROWS rows are compared on a thread per core (scipy's
    sparse product and BLAS release the GIL; BLAS keeps to the calling thread)."""
    from threadpoolctl import threadpool_limits

    df = np.bincount(vectors.indices, minlength=vectors.shape[1])
    common = np.argsort(-df, kind="stable")[:min(DENSE_TERMS, int(np.sum(df > DENSE_SHARE * vectors.shape[0])))]
    rare = np.setdiff1d(np.arange(vectors.shape[1]), common)
    dense = vectors[:, np.sort(common)].toarray()
    sparse = vectors[:, rare].tocsr()
    columns = sparse.T.tocsr()

    def block(start: int) -> tuple[np.ndarray, np.ndarray]:
        sims = (sparse[start:start + ROWS] @ columns).toarray()
        sims += dense[start:start + ROWS] @ dense.T
        rows = np.arange(sims.shape[0])
        sims[rows, start + rows] = -1.0  # an article is not its own neighbour
        part = np.argpartition(-sims, keep - 1, axis=1)[:, :keep]
        values = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-values, axis=1, kind="stable")
        return np.take_along_axis(part, order, axis=1), np.take_along_axis(values, order, axis=1)

    with threadpool_limits(1), ThreadPoolExecutor(forked.cores()) as pool:
        parts = list(pool.map(block, range(0, vectors.shape[0], ROWS)))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _same_story(entries: tuple[Entry, ...]) -> dict[str, tuple[Entry, ...]]:
    if len(entries) < 2:
        return {}
    vectors = _tfidf([f"{e.title} {e.title} {plain_text(e.body_md)[:LEDE_CHARS]}" for e in entries])
    top_index, top_value = _nearest(vectors, min(CANDIDATES, len(entries) - 1))
    background = top_value[:, BACKGROUND_RANK] if top_value.shape[1] > BACKGROUND_RANK else np.zeros(len(entries))
    related = {}
    for i, entry in enumerate(entries):
        picks = [j for j, value in zip(top_index[i], top_value[i])
                 if value >= max(MIN_SIMILARITY, CONTRAST * max(background[i], background[j]))]
        if picks:
            related[entry.path] = tuple(entries[j] for j in picks[:MAX_RELATED])
    return related
