"""Search: an index of our own (postings.py) that the search page loads shard by shard, the same
files over HTTP and from file://.

    search_files(renderer, cache_dir) -> iterator of (site path, bytes or a cached file)

* `search/meta.js` (classic script): `window.NEWSARCHIVE_SEARCH = {fold, docs, outlets, tags, index, head}`.
  `fold` maps each Traditional-only character to its Simplified form (OpenCC's table, for the query);
  `docs[n] = [url, title, date, outlet#, lang, [tag#...], byline]` is the lookup table for results,
  ranking, filters and counts (no per-result fetch); `index` the shard counts (postings.Layout) and
  TEXT_CHUNK.
* `search/ix/`, `search/c/`, `search/w/`: the index (postings.py), article n's postings under number n.
* `search/text/<k>.js`: articles k*TEXT_CHUNK... 's own text, for the excerpts of results shown from
  file:// (over HTTP the page fetches the article itself).

The index is made whole when any article's searchable text changes (numpy: seconds for ten
thousand articles) and kept in the cache under a key of every text, so a build that changed none
of them links the kept files.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from ... import lang
from ...cache import temporary_name
from ...to_markdown import plain_text
from ..collect import Entry
from ..render import Renderer, rel, script_json
from . import postings, tokens

PAGE = "search/index.html"
# Articles per text file: a page of results from file:// loads at most a page's worth of files.
TEXT_CHUNK = 32
_CODE = (Path(postings.__file__).read_text(encoding="utf-8") + Path(tokens.__file__).read_text(encoding="utf-8"))
# The file in a kept index's folder that says it was written whole.
_WHOLE = ".whole"


def search_files(r: Renderer, cache_dir: Path):
    entries = r.site.entries
    texts = [searchable_text(e) for e in entries]
    layout = postings.Layout.of(len(entries))
    kept = cache_dir / _key(texts, layout)
    if (kept / _WHOLE).is_file():
        yield from _listed(kept)
    else:
        tick = r.progress.phase("search index", len(texts), "article")
        files = index_files(texts, layout, tick)
        r.progress.end()
        if _keep(files, kept):
            yield from _listed(kept)
        else:  # the cache could not be written: the files as made
            yield from ((f"search/{name}.js", data) for name, data in sorted(files.items()))
    yield "search/meta.js", _script("NEWSARCHIVE_SEARCH", _meta(r, layout))


def index_files(texts: list[str], layout: postings.Layout, tick=lambda n: None) -> dict[str, bytes]:
    """Every index and text file (name without .js -> its script) for the searchable texts."""
    normalized = []
    for text in texts:
        normalized.append(tokens.normalize(text))
        tick(1)
    files = postings.index_files(normalized, layout)
    for k in range(0, len(texts), TEXT_CHUNK):
        name = f"text/{k // TEXT_CHUNK}"
        chunk = {str(n): texts[n] for n in range(k, min(k + TEXT_CHUNK, len(texts)))}
        files[name] = f'newsarchiveIndex("{name}",{script_json(chunk, separators=(",", ":"))});\n'.encode("utf-8")
    return files


def _key(texts: list[str], layout: postings.Layout) -> str:
    """Names an index by everything it depends on: our code, the layout, every text in order."""
    h = hashlib.sha256(f"{_CODE}\0{layout}".encode())
    for text in texts:
        h.update(b"\0" + text.encode())
    return h.hexdigest()[:32]


def _keep(files: dict[str, bytes], kept: Path) -> bool:
    """Writes the files into the cache as `kept` (whole or not at all), the other kept indexes
    dropped; False if the cache could not be written."""
    part = kept.parent / temporary_name(kept.name)
    try:
        shutil.rmtree(part, ignore_errors=True)
        for name, data in files.items():
            path = part / f"{name}.js"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (part / _WHOLE).write_bytes(b"")
        for old in kept.parent.iterdir():
            if old != part:
                shutil.rmtree(old, ignore_errors=True)
        os.replace(part, kept)
        return True
    except OSError:
        shutil.rmtree(part, ignore_errors=True)
        return False


def _listed(kept: Path):
    for path in sorted(kept.rglob("*.js")):
        yield "search/" + path.relative_to(kept).as_posix(), path


# Lines of an article's search text before its own text: matched, never excerpted (search.js reads
# the count from meta.js).
HEAD_LINES = 4


def searchable_text(e: Entry) -> str:
    """What search matches for an article: everything its page shows as the article - title, outlet,
    byline, tags (HEAD_LINES lines), then its text with the figure captions where they stand."""
    head = [e.title, e.outlet, " ".join(e.authors), " ".join(e.tags)]
    return "\n".join(line.replace("\n", " ") for line in head) + "\n" + plain_text(e.body_md, captions=True)


def _meta(r: Renderer, layout: postings.Layout) -> dict:
    outlets = sorted({e.outlet for e in r.site.entries})
    tags = sorted({t for e in r.site.entries for t in e.tags})
    outlet_no = {o: i for i, o in enumerate(outlets)}
    tag_no = {t: i for i, t in enumerate(tags)}
    docs = [[rel(PAGE, e.path), e.title, e.date or "", outlet_no[e.outlet], e.lang, [tag_no[t] for t in e.tags],
             " ".join(e.authors)] for e in r.site.entries]
    index = {"shards": layout.shards, "chars": layout.char_shards, "text": TEXT_CHUNK}
    return {"fold": lang.fold_map(), "docs": docs, "outlets": outlets, "tags": tags, "index": index,
            "head": HEAD_LINES}


def _script(name: str, value) -> bytes:
    return f"window.{name}={script_json(value, separators=(',', ':'))};\n".encode("utf-8")
