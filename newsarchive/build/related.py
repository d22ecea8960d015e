"""Same story, other outlets: articles that report the same event, found by text similarity.

Texts are folded to one script (so Traditional and Simplified reports meet), turned into
CJK character bigrams and Latin words, weighted by TF-IDF (scikit-learn) and compared by
cosine. A pair is the same story when its similarity is at least MIN_SIMILARITY *and*
stands out CONTRAST times above what each article shares with its ordinary neighbours
(its BACKGROUND_RANK-th most similar article): articles on one beat all share vocabulary,
same-event reports share much more than that.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import lang
from ..archive import atomic_write
from ..to_markdown import plain_text
from .collect import Entry

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
# Rows compared at once (memory: ROWS x articles floats).
ROWS = 512
# Characters of body text compared: the lede names the event; the rest only costs time.
LEDE_CHARS = 1200
# In a group this large, a term in one article only tells nothing about pairs: drop it.
MIN_DF_FROM = 50
# What the comparison depends on besides the articles: this code (its thresholds included).
_SOURCE = Path(__file__).read_text(encoding="utf-8")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]{3,}")


@lru_cache(maxsize=None)
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _tokens(text: str) -> list[str]:
    stop = _stop_words()
    tokens = [w for w in _LATIN.findall(text) if w not in stop]
    for run in _CJK.findall(text):
        tokens += [run[i:i + 2] for i in range(len(run) - 1)]
    return tokens


def same_story(entries: tuple[Entry, ...], cache_dir: Path | None = None,
               stale_ok: bool = False) -> dict[str, tuple[Entry, ...]]:
    """For each article path, the other articles that report the same event (most similar first).

    Articles are compared within their language (Chinese in either script is one language):
    lexical similarity cannot see one story told in two languages, and a lone English page
    among Chinese ones would otherwise have no background to stand out from.
    With a cache_dir, a language whose articles are all unchanged (same content pages, same
    code) reuses the last answer: a layout or config edit does not redo the comparison. With
    stale_ok (serve's quick pass), the last answer is used even if articles changed since.
    """
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.lang.split("-")[0], []).append(e)
    related: dict[str, tuple[Entry, ...]] = {}
    for language, members in sorted(groups.items()):
        if cache_dir is None:
            related.update(_same_story(tuple(members)))
        else:
            related.update(_cached(cache_dir / f"{language}.json", tuple(members), stale_ok))
    return related


def _cached(path: Path, entries: tuple[Entry, ...], stale_ok: bool) -> dict[str, tuple[Entry, ...]]:
    key = hashlib.sha256(_SOURCE.encode())
    for e in entries:
        key.update(f"\0{e.path}\0{e.digest}".encode())
    by_path = {e.path: e for e in entries}
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved["key"] == key.hexdigest() or stale_ok:
            return {p: tuple(by_path[o] for o in others if o in by_path) for p, others in saved["related"].items()
                    if p in by_path}
    except (OSError, ValueError, KeyError):
        pass
    related = _same_story(entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps({"key": key.hexdigest(), "related": {p: [o.path for o in others] for p, others
                                                                       in related.items()}}).encode("utf-8"))
    return related


def _same_story(entries: tuple[Entry, ...]) -> dict[str, tuple[Entry, ...]]:
    if len(entries) < 2:
        return {}
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [lang.fold(f"{e.title} {e.title} {plain_text(e.body_md)[:LEDE_CHARS]}") for e in entries]
    large = len(docs) >= MIN_DF_FROM
    vectors = TfidfVectorizer(analyzer=_tokens, sublinear_tf=True, max_df=0.5 if large else 1.0,
                              min_df=2 if large else 1).fit_transform(docs)
    columns = vectors.T.tocsr()
    keep = min(CANDIDATES, len(entries) - 1)
    top_index = np.zeros((len(entries), keep), dtype=np.int64)
    top_value = np.zeros((len(entries), keep))
    background = np.zeros(len(entries))
    for start in range(0, len(entries), ROWS):
        block = (vectors[start:start + ROWS] @ columns).toarray()
        rows = np.arange(block.shape[0])
        block[rows, start + rows] = -1.0  # an article is not its own neighbour
        part = np.argpartition(-block, keep - 1, axis=1)[:, :keep]
        values = np.take_along_axis(block, part, axis=1)
        order = np.argsort(-values, axis=1, kind="stable")
        top_index[start:start + len(rows)] = np.take_along_axis(part, order, axis=1)
        top_value[start:start + len(rows)] = np.take_along_axis(values, order, axis=1)
        if keep > BACKGROUND_RANK:
            background[start:start + len(rows)] = top_value[start:start + len(rows), BACKGROUND_RANK]
    related = {}
    for i, entry in enumerate(entries):
        picks = [j for j, value in zip(top_index[i], top_value[i])
                 if value >= max(MIN_SIMILARITY, CONTRAST * max(background[i], background[j]))]
        if picks:
            related[entry.path] = tuple(entries[j] for j in picks[:MAX_RELATED])
    return related
