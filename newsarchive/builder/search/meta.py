"""search/meta.js: what the search page loads first (see search/__init__.py for its fields).

    meta_script(site, layout, segments, recent, parts, head, kept_folder) -> bytes

Its `docs` (a row per article, ~14 MB at 100 000 articles) are written a segment at a time, and each
segment's rows are kept in the index's folder (`docs/`, by segment name and the numbering of outlets
and tags), so a build writes only the rows of segments it has not written before: all of them were
~0.6 s of one title edited at 100 000 articles. meta.js is the same, byte for byte, as the whole
value written at once (compact_script_json writes a list's items one after another, and escapes
single characters). This module is not part of the index's version (store._VERSION): meta.js is
written whole by every build, and no segment's files depend on it.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import orjson

from ... import lang
from ...cache import own_folder, read_checked, remove_others, write_checked
from ..collect import Entry
from ..render import compact_script_json, rel_all
from . import store

# The search page (the rows' addresses are relative to it).
PAGE = "search/index.html"
# The kept rows' folder in the index's folder (each file checked: one damaged by hand is written again).
DOCS = "docs"


def meta_script(site, layout, segments: list, recent: bool, parts: list, head: int, kept: Path | None) -> bytes:
    """meta.js of the site's articles (collect.Site); `parts`: the segments as search.plan gives them
    (name, span of entries, keys), whose rows are kept under `kept` (the index's folder; None: none
    kept); `head`: the lines of an article's search text before its own text."""
    entries = site.entries
    # (the names of the site's outlets and tags, as its groups have them: sorted, of its entries -
    # gathering them again from 100 000 entries was ~0.08 s of an edit)
    outlets, tags = [g.name for g in site.outlets], [g.name for g in site.tags]
    index = {"shards": layout.shards, "chars": layout.char_shards, "text": store.TEXT_CHUNK, "segments": segments,
             "recent": store.RECENT if recent else ""}
    rest = compact_script_json({"fold": lang.fold_map(), "outlets": outlets, "tags": tags, "index": index,
                                "head": head})
    rows = b",".join(filter(None, _rows(entries, parts, outlets, tags, kept)))
    # ("docs" is the first of the keys compact_script_json sorts. Joined as the UTF-8 bytes they are
    # kept in: decoded, joined into text and encoded again, the ~14 MB of 100 000 articles' rows were
    # ~0.15 s of an edit.)
    return b"".join([b'window.NEWSARCHIVE_SEARCH={"docs":[', rows, b"],", rest[1:].encode("utf-8"), b";\n"])


def _rows(entries: tuple[Entry, ...], parts: list, outlets: list[str], tags: list[str],
          kept: Path | None) -> list[bytes | memoryview]:
    """Each segment's rows as JSON list items (UTF-8), taken from `kept` when written there before."""
    outlet_no = {o: i for i, o in enumerate(outlets)}
    tag_no = {t: i for i, t in enumerate(tags)}
    numbering = hashlib.blake2b(orjson.dumps([outlets, tags]), digest_size=8).hexdigest()
    folder = _folder(kept)
    out, names = [], set()
    for name, span, _ in parts:
        file = f"{name}-{numbering}.json"
        names.add(file)
        rows = read_checked(folder / file) if folder is not None else None
        if rows is None:
            rows = compact_script_json(_docs(entries[span.start:span.stop], outlet_no, tag_no))[1:-1].encode("utf-8")
            _write(folder, file, rows)
        out.append(rows)
    if folder is not None:  # (rows of segments or numberings gone)
        remove_others(folder, names)
    return out


def _docs(entries: tuple[Entry, ...], outlet_no: dict[str, int], tag_no: dict[str, int]) -> list:
    """docs[n] = [url, title, date, outlet#, lang, [tag#...], byline]."""
    urls = rel_all(PAGE, [e.path for e in entries])
    return [[url, e.title, e.date or "", outlet_no[e.outlet], e.lang, [tag_no[t] for t in e.tags], " ".join(e.authors)]
            for url, e in zip(urls, entries)]


def _folder(kept: Path | None) -> Path | None:
    """The rows' folder, made; None when there is none to keep them in (a symlink made there by hand
    is unlinked, never written through)."""
    if kept is None:
        return None
    folder = kept / DOCS
    try:
        own_folder(folder)
    except OSError:
        return None
    return folder


def _write(folder: Path | None, file: str, rows: bytes) -> None:
    if folder is not None:
        try:
            write_checked(folder / file, rows)
        except OSError:  # (a cache that cannot be written: the rows are written again next time)
            pass
