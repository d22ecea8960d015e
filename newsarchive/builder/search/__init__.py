"""Search: an index of our own (postings.py, kept by store.py) that the search page loads shard by
shard, the same files over HTTP and from file://.

    plan(renderer, cache_dir) -> Plan                       (the segments, and how many articles to index)
    search_files(renderer, cache_dir[, plan]) -> iterator of (site path, bytes or a kept file)

* `search/meta.js` (classic script, written by meta.py): `window.NEWSARCHIVE_SEARCH = {fold, docs, outlets,
  tags, index, head}`.
  `fold` maps each Traditional-only character to its Simplified form (OpenCC's table, for the query);
  `docs[n] = [url, title, date, outlet#, lang, [tag#...], byline]` is the lookup table for results,
  ranking, filters and counts (no per-result fetch); `index` the shard counts (postings.Layout),
  the segments ([name, first article's number, count], and a patched one's mask, map or rows: store.Patch),
  the articles per text file, and the recent tier's folder ("r/", or "" when no segment is in it).
* `search/ix/`, `search/c/`, `search/r/`, `search/w/`: the index (store.py). Its `text/` files (the texts the
  excerpts of results are cut from, from file://; over HTTP the page fetches the article) stay in
  the cache: only `pack`'s zip carries them (offline_files), the deployed site does not.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ...to_markdown import plain_text
from ..collect import Entry
from ..render import Renderer
from . import postings, store
from .meta import PAGE, meta_script

# The index's files only an offline reader needs (see the module docstring).
OFFLINE_FOLDER = "text"
OFFLINE = f"{OFFLINE_FOLDER}/"


class Plan(NamedTuple):
    """The index a build is to have: its layout, its segments ([(name, span, article keys)], site
    order), and how many articles are in segments the kept index does not hold (what updating it
    will index at most: a patch indexes only the changed ones)."""

    layout: postings.Layout
    parts: list
    to_index: int


def plan(r: Renderer, cache_dir: Path) -> Plan:
    entries = r.site.entries
    layout = postings.Layout.of(len(entries))
    # An article is keyed by what its text is made of, a segment named by its articles' keys (with the
    # code's version): its texts are made only if it is new. The text is the page's head lines and
    # body, which its digest stands for (parsed.digest: the page's place and text; collect gives an
    # article whose tags the site spells otherwise a digest of its own): hashing the head lines with
    # it was ~0.6 s of every build at 100 000 articles.
    keys = [store.article_key(e.digest) for e in entries]
    parts = [(store.segment_name(keys[s.start:s.stop], layout), s, keys[s.start:s.stop]) for s in store.segments(entries)]
    kept = store.Store(cache_dir).kept(layout)
    return Plan(layout, parts, sum(len(s) for name, s, _ in parts if name not in kept))


def search_files(r: Renderer, cache_dir: Path, planned: Plan | None = None):
    entries = r.site.entries
    layout, parts, _ = planned or plan(r, cache_dir)
    named = [(name, _Sources(entries, s), keys) for name, s, keys in parts]
    tick = r.progress.phase("search index", len(entries), "article")
    rows_kept: Path | None = cache_dir  # (meta.js's rows of each segment: meta.py)
    try:
        kept = store.Store(cache_dir)
        kept.update(layout, named, text_from, tick)
        recent, patches = kept.recent, kept.patches
        files = list(kept.files(but=OFFLINE_FOLDER))
    except OSError:  # the cache cannot be written: the index made aside, handed over as bytes
        aside, rows_kept = Path(tempfile.mkdtemp(prefix="newsarchive-search-")), None
        try:
            made = store.Store(aside)
            made.update(layout, named, text_from, lambda n: None)
            recent, patches = made.recent, made.patches
            files = [(name, path.read_bytes()) for name, path in made.files(but=OFFLINE_FOLDER)]
        finally:
            shutil.rmtree(aside, ignore_errors=True)
    yield from ((f"search/{name}", data) for name, data in files)
    r.progress.end()
    yield "search/meta.js", meta_script(r.site, layout, _segments(parts, patches), recent, parts, HEAD_LINES,
                                        rows_kept)


class _Sources(Sequence):
    """A segment's articles' sources for the store - (head, markdown) each - made when asked: a kept
    segment's never are (made for every article, they were ~0.45 s of a day's files' build at
    100 000 articles)."""

    def __init__(self, entries: tuple[Entry, ...], span: range):
        self.entries, self.span = entries, span

    def __len__(self) -> int:
        return len(self.span)

    def __getitem__(self, n: int) -> tuple[str, str]:
        e = self.entries[self.span[n]]
        return _head(e), e.body_md


def _segments(parts: list, patches: dict) -> list:
    """meta.js's segments: [name, first article's number, count], a patched one as its base and its
    patch (store.Patch)."""
    out = []
    for name, s, _ in parts:
        patch = patches.get(name)
        if patch is None:
            out.append([name, s.start, len(s)])
        else:
            out += [[patch.base, s.start, len(s), patch.base_meta(len(s))],
                    [patch.patch, s.start, len(s), {"rows": patch.rows}]]
    return out


def offline_files(site: Path, cache_dir: Path) -> tuple[list[tuple[str, Path]], int]:
    """The kept text files (site path, file) of the segments the site's search/meta.js names, and
    how many of those segments' texts are not kept any more (a build since changed them and failed)."""
    try:
        meta = (site / "search" / "meta.js").read_text(encoding="utf-8")
        segments = json.loads(meta[meta.index("=") + 1:].rstrip().rstrip(";"))["index"]["segments"]
    except (OSError, ValueError, KeyError, TypeError):
        return [], 0
    files, lost = [], 0
    for name, *_ in segments:
        folder = cache_dir / OFFLINE / name
        kept = sorted(folder.glob("*.js")) if folder.is_dir() else []
        lost += not kept
        files += [(f"search/{OFFLINE}{name}/{path.name}", path) for path in kept]
    return files, lost


# Lines of an article's search text before its own text: matched, never excerpted (search.js reads
# the count from meta.js).
HEAD_LINES = 4


def searchable_text(e: Entry) -> str:
    """What search matches for an article: everything its page shows as the article - title, outlet,
    byline, tags (HEAD_LINES lines), then its text with the figure captions where they stand."""
    return text_from(_head(e), e.body_md)


def text_from(head: str, markdown: str) -> str:
    """searchable_text of an article of this head (_head) and body (what store.py's workers are handed)."""
    return head + "\n" + plain_text(markdown, captions=True)


def _head(e: Entry) -> str:
    head = [e.title, e.outlet, " ".join(e.authors), " ".join(e.tags)]
    return "\n".join(line.replace("\n", " ") for line in head)
