"""Search: a Pagefind index for the site served over HTTP, and an offline index for file://.

    search_files(renderer, cache_dir) -> iterator of (site path, bytes)

Both answer from the same folded form (tokens.normalize), so they give the same results:

* `search/meta.js` (classic script): `window.NEWSARCHIVE_SEARCH = {fold, docs, outlets, tags, shards, ids, head}`.
  `fold` maps each Traditional-only character to its Simplified form (OpenCC's table, for the query);
  `docs[n] = [url, title, date, outlet#, lang, [tag#...], byline]` is the lookup table for results,
  ranking, filters and counts (no per-result fetch); `ids` maps Pagefind's page ids to document numbers.
* `search/pf/<k>/`: the Pagefind bundle of shard k (see pagefind.py).
* `search/text/<k>.js` (classic scripts, loaded only from file://, where Pagefind cannot run):
  each article's own text, which the offline search normalizes and matches, and cuts excerpts from.
"""
from __future__ import annotations

import hashlib
import math
from pathlib import Path

from ... import lang
from ...to_markdown import plain_text
from ..collect import Entry, instant
from ..render import Renderer, rel, script_json
from . import pagefind

PAGE = "search/index.html"


def search_files(r: Renderer, cache_dir: Path):
    entries = r.site.entries
    texts = [searchable_text(e) for e in entries]
    members = shards(entries)
    count = len(members)  # no articles: no Pagefind shard
    # Pagefind pages are named by article, not by position: a new article shifts every position.
    names = [hashlib.sha1(e.path.encode()).hexdigest()[:16] for e in entries]
    number = {name: n for n, name in enumerate(names)}
    bundles = pagefind.index_shards([[(names[n], texts[n]) for n in docs] for docs in members], cache_dir,
                                    r.progress)
    ids: dict[str, int] = {}
    for k, bundle in enumerate(bundles):
        ids.update({page_id: number[name] for page_id, name in bundle.ids.items()})
        for name, data in bundle.files.items():
            yield f"search/pf/{k}/{name}", data
    for k, docs in enumerate(members):
        yield f"search/text/{k}.js", _script("NEWSARCHIVE_TEXT", {str(n): texts[n] for n in docs}, push=True)
    yield "search/meta.js", _script("NEWSARCHIVE_SEARCH", _meta(r, count, ids))


# Lines of an article's search text before its own text: matched, never excerpted (search.js reads
# the count from meta.js).
HEAD_LINES = 4


def searchable_text(e: Entry) -> str:
    """What search matches for an article: everything its page shows as the article - title, outlet,
    byline, tags (HEAD_LINES lines), then its text with the figure captions where they stand."""
    head = [e.title, e.outlet, " ".join(e.authors), " ".join(e.tags)]
    return "\n".join(line.replace("\n", " ") for line in head) + "\n" + plain_text(e.body_md, captions=True)


def shards(entries) -> list[list[int]]:
    """The articles (indices into entries) of each shard: in date order, oldest first, a day's articles
    together, a new shard begun where the next day would take one past pagefind.SHARD_PAGES (a day
    larger than that alone is split by a hash of the path). So an archive's new articles - today's -
    land in its newest shard or two, not in every shard, and an edit re-indexes one shard; only an
    article added to or dropped from the past moves the shards after it."""
    days: dict[str, list[int]] = {}
    for n in sorted(range(len(entries)), key=lambda n: (not entries[n].date, instant(entries[n].date), entries[n].path)):
        days.setdefault(entries[n].date[:10] if entries[n].date else "", []).append(n)
    out: list[list[int]] = []
    for day in days.values():
        if len(day) > pagefind.SHARD_PAGES:
            parts = math.ceil(len(day) / pagefind.SHARD_PAGES)
            out += [[n for n in day if _hashed(entries[n].path) % parts == k] for k in range(parts)]
        elif out and len(out[-1]) + len(day) <= pagefind.SHARD_PAGES:
            out[-1] += day
        else:
            out.append(list(day))
    return [shard for shard in out if shard]


def _hashed(path: str) -> int:
    return int(hashlib.sha1(path.encode()).hexdigest()[:8], 16)


def _meta(r: Renderer, count: int, ids: dict[str, int]) -> dict:
    outlets = sorted({e.outlet for e in r.site.entries})
    tags = sorted({t for e in r.site.entries for t in e.tags})
    outlet_no = {o: i for i, o in enumerate(outlets)}
    tag_no = {t: i for i, t in enumerate(tags)}
    docs = [[rel(PAGE, e.path), e.title, e.date or "", outlet_no[e.outlet], e.lang, [tag_no[t] for t in e.tags],
             " ".join(e.authors)] for e in r.site.entries]
    return {"fold": lang.fold_map(), "docs": docs, "outlets": outlets, "tags": tags, "shards": count, "ids": ids,
            "head": HEAD_LINES}


def _script(name: str, value, push: bool = False) -> bytes:
    body = script_json(value, separators=(",", ":"))
    if push:
        return f"(window.{name}=window.{name}||[]).push({body});\n".encode("utf-8")
    return f"window.{name}={body};\n".encode("utf-8")
