"""The kept search index: the archive cut into segments, each segment's index made once, and the
site's index files put together from the segments' blocks - updated in place, so a day's new
articles and an edit index only the articles they add or change (a patch of their kept segment,
see Patch), and either rewrites only the small recent files.

A segment is a stretch of the articles in the site's order (newest first), made from the oldest end:
a day's articles together; a segment ends after a day holding a *cut* article (one whose path
hashes to 0 modulo CUT_EVERY) once it holds SEGMENT_MIN articles, and before a day that would take
it past SEGMENT_ARTICLES (a larger day alone is cut in pieces). The undated articles, which sort
oldest, are segments of their own. So today's articles land in the newest segment, and an article
added or removed anywhere moves the segment it falls in (and at most the next few, up to the next
cut article): its boundaries are set by the articles themselves. Counted from the oldest end, an
older article added - a backfill, even one undated page - moved every segment from its day on.
Articles are numbered from 0 in their segment; meta.js gives each segment's first article's number
in the site.

The shard files come in two tiers. The main files hold the blocks of every segment as of the last
time they were written whole; the segments made since (a day's articles, an edited article's
segment) have their blocks in the recent files, and a segment no longer in the site stays in the
main files as a stale block, which the page passes over (meta.js lists the segments in use). A
segment only in the main files that comes back (an edit undone) is taken from them again. When the
recent and stale blocks pass RECENT_ARTICLES articles (or RECENT_SHARE of the archive), everything
is written into the main files again. So a day's articles cost rewriting the recent files, not the whole index (at 100 000
articles the main files are ~650 MB, and every one of them held the edited segment's block).

Files (`newsarchiveIndex("<name>", <data>);`, see postings.py for the bytes):

    ix/<k>, c/<k>          [[segment, base64], ...]: the blocks of the segments that have one there
    r/ix/<j>, r/c/<j>      [[segment, shard file, base64], ...]: the recent tier's blocks of RECENT_FOLD
                           shard files each (`ix/<k>` in `r/ix/<k mod n>`, n = the shards / RECENT_FOLD;
                           all of them while the tier holds any segment)
    w/<hex>                [[word, number], ...] of every segment, by word
    text/<segment>/<j>     {"<article in segment>": its searchable text} for TEXT_CHUNK articles:
                           the excerpts of results shown from file:// (over HTTP the page fetches
                           the article itself)
    words/<segment>.json   not served: the segment's Latin words and their numbers
    counts/<hex>.json      not served: how many segments in use hold each word of w/<hex>
    spill/<segment>.bin    not served: a new segment's blocks while the shard files are written
    manifest.json          not served: the layout; the segments in the site's order; each block's
                           files, article count and tier (a whole segment's with its articles'
                           keys); the patched segments; the stale blocks of the main files

A segment is named by a hash of our code, the layout and its articles' keys (each a hash of what its
text is made of, its digest and head lines, which search/__init__ gives: a kept segment's texts are
never made again, and an edited segment's unchanged articles are known by their keys). The
manifest says "dirty" while files are being changed: a run that finds it so (a kill mid-way) makes
everything again.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

import orjson

from ...cache import decode, replace_file
from ...forked import Pool, cores
from ..collect import Entry
from ..render import script_json
from . import postings, tokens

# Articles per segment at most: a day's files re-index the newest segment (~1 s per 1 000 articles on
# one core at 100 000 articles).
SEGMENT_ARTICLES = 2000
# Articles a segment holds before a cut article may end it (with CUT_EVERY, segments of ~1 550 articles
# on average at 100 000 - a day's articles stay together - against ~1 850 counted from the oldest end:
# smaller segments make a larger index, 1 000-article ones 8 % larger than 2 000-article ones) ...
SEGMENT_MIN = SEGMENT_ARTICLES * 3 // 5
# ... and one article in this many (by its path's hash) is a cut article.
CUT_EVERY = 500
# The share of a segment's articles up to which those new or changed since a kept segment (its base:
# the rest are the base's, in the base's order) are indexed as a patch of it rather than the segment
# again (see Patch): an edited title costs its article, a day's new articles themselves, not their
# segment's 2 000 (~3.7 s at 100 000 articles). The base's articles left out count too: they are
# passed over, dead weight in what the page loads, until everything is next written whole ...
PATCH_SHARE = 0.5
# ... in a segment of at least this many articles: a smaller one is indexed again whole in well under
# a second, and a small archive's edit then writes its index whole, as a clean build's.
PATCH_FROM = SEGMENT_ARTICLES // 4
# Articles per text file: a page of results from file:// loads at most a page's worth of files.
TEXT_CHUNK = 32
# Articles to index from which the segments are made in a pool of fresh processes, each of which
# imports the index's code first; fewer are made here. Measured on the 100 000-article bench archive
# (300 new raw files: a 188-article patch and a new segment of 278, beside same story's process),
# alternating, three pairs: the pool 25.4 / 23.8 / 24.3 s, here 23.1 / 23.4 / 24.2 s.
POOL_FROM_ARTICLES = 1000
MANIFEST = "manifest.json"
# New blocks' spill files (_Spill): not served, gone when update() ends.
SPILL = "spill"
# Each segment's Latin words (words/<segment>.json): read only when the word lists are written again.
WORDS = "words/"
# How many segments in use hold each Latin word, one file per word list (counts/<file>.json): not served.
COUNTS = "counts/"
# The two tiers of shard files: MAIN (`ix/<k>`, `c/<k>`), rewritten whole only now and then, and
# RECENT (`r/ix/<j>`, `r/c/<j>`), which the segments made since hold.
MAIN, RECENT = "", "r/"
# Shard files whose recent blocks share one recent file (search.js holds the same number). One
# article's terms fall in most shards: with a recent file for each shard, an edit at 100 000 articles
# rewrote ~3 100 of them (~0.6 s of its build: written, linked into the staged site, renamed into
# site/); now at most 512 + 64. A query loads this many shards' recent blocks with each shard it
# loads: more would cut an edit's files further, at more bytes a query (190 new articles' recent tier
# at 100 000 articles was 3.8 MB; a full one, RECENT_ARTICLES, would be ~160 MB: ~0.28 MB a recent file).
RECENT_FOLD = 8
# Articles the recent files and the main files' stale blocks may hold before everything is written
# into the main files again: what a day's articles or an edit costs is rewriting the recent files
# (at most this many articles' blocks), not the whole index; the page loads that much more at most.
RECENT_ARTICLES = 4 * SEGMENT_ARTICLES
# ...and at most this share of the archive's articles: in a small archive, where writing the whole
# index costs little, it is written whole (and so is byte for byte a clean build's).
RECENT_SHARE = 0.25
# A block in a shard file: [segment name, base64]; in a recent file: [segment name, shard file, base64].
_BLOCK = re.compile(r'\["([0-9a-f]+)","([A-Za-z0-9+/=]*)"\]')
_RECENT_BLOCK = re.compile(r'\["([0-9a-f]+)","((?:ix|c)/[0-9]+)","([A-Za-z0-9+/=]*)"\]')
# The code a segment's files depend on: this package (the texts, tokens, bytes, files), distinct() and
# plain_text; not meta.py, which writes meta.js whole at every build.
_VERSION = hashlib.sha256("".join(path.read_text(encoding="utf-8") for path in sorted(
    [*(p for p in Path(__file__).parent.glob("*.py") if p.name != "meta.py"),
     Path(__file__).parents[1] / "distinct.py",
     Path(__file__).parents[2] / "to_markdown.py"])).encode()).hexdigest()[:16]


def segments(entries: tuple[Entry, ...]) -> list[range]:
    """Ranges of `entries` (newest first), made from the oldest end (see the module docstring)."""
    runs: list[list[int]] = []  # runs of one day (the undated: one run), oldest first
    for n in reversed(range(len(entries))):
        day = (entries[n].date or "")[:10]
        if runs and (entries[runs[-1][0]].date or "")[:10] == day:
            runs[-1].append(n)
        else:
            runs.append([n])
    out: list[list[int]] = []
    open_ = False  # whether out[-1] may take the next day
    for run in runs:
        if open_ and len(out[-1]) + len(run) <= SEGMENT_ARTICLES:
            out[-1] += run
        else:
            out += [run[k:k + SEGMENT_ARTICLES] for k in range(0, len(run), SEGMENT_ARTICLES)]
        dated = bool(entries[run[0]].date)
        open_ = dated and not (len(out[-1]) >= SEGMENT_MIN and any(_cuts(entries[n].path) for n in run))
    return [range(part[-1], part[0] + 1) for part in reversed(out)]


def _cuts(path: str) -> bool:
    """Whether an article is a cut article (see the module docstring): a stable hash of its path."""
    return zlib.crc32(path.encode("utf-8", "surrogatepass")) % CUT_EVERY == 0


def article_key(digest: str) -> str:
    """An article's key in the index, from its digest (see search/__init__.plan): 64 bits of it."""
    return digest[:ARTICLE_KEY_CHARS]


# An article key's length: 16 hex digits, 64 bits (as the blake2b keys before them).
ARTICLE_KEY_CHARS = 16


def segment_name(keys: list[str], layout: postings.Layout) -> str:
    """A segment's name: a hash of the code's version, the layout and its articles' keys, in order."""
    h = hashlib.sha256(f"{_VERSION}\0{layout}".encode())
    for key in keys:
        h.update(b"\0" + key.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


class Patch(NamedTuple):
    """A segment made of a kept one (`base`, whose blocks stay where they are) and a block of its
    new and changed articles only (`patch`; its article n is the segment's rows[n]). The page passes
    over the base's articles `mask` (changed or gone) and gives each other one the next row the patch
    does not hold, in order (`base_rows`): an edit's patch holds the rows its base passes over
    (meta.js: [base, first, count, {"mask": rows}]), one with articles added or removed maps the
    base's articles to their rows ({"map": base_rows}, -1 for one passed over); the patch is
    [patch, first, count, {"rows": rows}]. A patch is never patched again: the next change to the
    segment makes a new patch of the same base. Writing everything into the main files indexes
    every patched segment whole again (a clean build's index)."""
    base: str
    patch: str
    rows: list[int]
    mask: list[int]

    def base_rows(self, count: int) -> list[int]:
        """Each base article's row in the segment of `count` articles (-1: passed over)."""
        masked, held = set(self.mask), set(self.rows)
        free = (n for n in range(count) if n not in held)
        return [-1 if i in masked else next(free) for i in range(count - len(self.rows) + len(self.mask))]

    def base_meta(self, count: int) -> dict:
        """The base's entry in meta.js beyond its name and place, in a segment of `count` articles."""
        return {"mask": self.rows} if self.mask == self.rows else {"map": self.base_rows(count)}


class Store:
    """The kept index in `folder` (the cache tenant)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.recent = False  # after update(): whether the recent files hold any segment's blocks
        self.patches: dict[str, Patch] = {}  # after update(): the patched segments by name
        self._sets: dict[str, frozenset] = {}

    def kept(self, layout: postings.Layout) -> set[str]:
        """The segments update() would not index again (those of the manifest, in use or stale);
        none when the manifest is missing, dirty or of another layout."""
        manifest = self._manifest(layout)
        return set() if manifest is None else {*manifest["segments"], *manifest["stale"], *manifest["patches"]}

    def update(self, layout: postings.Layout, parts: list[tuple[str, list, list]], text_of: Callable[..., str],
               tick) -> None:
        """_update, its new blocks waiting in a _Spill until the shard files are written."""
        spill = _Spill(self.folder / SPILL)
        try:
            self._update(layout, parts, text_of, tick, spill)
        finally:
            spill.close()

    def _update(self, layout: postings.Layout, parts: list[tuple[str, list, list]], text_of: Callable[..., str],
                tick, spill: "_Spill") -> None:
        """Makes the folder hold the index of `parts` ([(segment name, its articles' sources - a
        sequence, read only for the articles to index - their keys)], in the site's order; an
        article's searchable text is text_of(*source), a module-level function; its key names that
        source): new segments indexed (in parallel, their texts written
        as each is made, not all held at once) into the recent files - or only their changed articles,
        as a patch of a kept segment (see Patch) - or everything into the main files when the recent
        and stale blocks have grown past RECENT_ARTICLES. Raises OSError when the folder cannot be written."""
        manifest = self._manifest(layout)
        names = [name for name, _, _ in parts]
        if manifest is not None and manifest["parts"] == names:
            self.recent = _articles(manifest["segments"], RECENT) > 0
            self.patches = {name: Patch(*patch) for name, patch in manifest["patches"].items()}
            return  # every segment kept, in the same order: nothing to write
        if manifest is None:
            shutil.rmtree(self.folder, ignore_errors=True)
            manifest = {"layout": [layout.shards, layout.char_shards], "segments": {}, "stale": {}, "parts": [],
                        "patches": {}}
        known, stale = manifest["segments"], manifest["stale"]
        total = sum(len(sources) for _, sources, _ in parts)
        plan = _Plan.of(parts, known, stale, manifest["patches"], layout)
        whole = not known or plan.spread(known, stale) > _recent_limit(total)
        if whole:  # (everything written into the main files: as a clean build's, no patch kept)
            plan = _Plan.of(parts, known, stale, {}, None)
        made = {}
        for name, texts, block in _blocks(plan.todo, layout, text_of, tick):
            self._put_texts(name, texts)  # (a new segment's own folder: no file the site links to changes)
            self._put_segment_words(name, block)
            made[name] = spill.block(name, block)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write_manifest(manifest, dirty=True)
        blocks = plan.blocks
        segments = {name: made[name] if name in made else known.get(name) or {**stale[name], "tier": MAIN}
                    for name in blocks}
        summaries = {name: _summary(segments[name], plan.counts[name], RECENT, plan.keys.get(name))
                     if name in made else segments[name] for name in blocks}
        left = {**{n: s for n, s in stale.items() if n not in segments},
                **{n: s for n, s in known.items() if n not in segments and s["tier"] == MAIN}}
        if whole:
            self._put_all(layout, blocks, segments)
            summaries = {name: {**summary, "tier": MAIN} for name, summary in summaries.items()}
            left = {}
        else:
            dropped = [n for n, s in known.items() if n not in segments and s["tier"] == RECENT]
            touched = {f for b in made.values() for f in b.shards} | {f for n in dropped for f in known[n]["files"]}
            recent = [n for n in blocks if summaries[n]["tier"] == RECENT]
            if recent:
                for file in sorted({_recent_file(f, layout) for f in touched} | self._missing(layout)):
                    self._put_recent(file, recent, segments, layout)
            else:
                shutil.rmtree(self.folder / RECENT, ignore_errors=True)
        if set(blocks) != set(known):
            self._put_words([n for n in blocks if n not in known], [n for n in known if n not in segments], segments)
        self._drop_segment_files(set(blocks) | set(left))
        manifest["segments"], manifest["stale"] = summaries, left
        manifest["parts"], manifest["patches"] = names, {name: list(patch) for name, patch in plan.patches.items()}
        self._write_manifest(manifest, dirty=False)
        self.recent = _articles(summaries, RECENT) > 0
        self.patches = plan.patches

    def _missing(self, layout: postings.Layout) -> set[str]:
        """The recent files not there yet: while the tier is in use the page loads the recent file of
        every shard it loads, so each is written (some may hold no block)."""
        try:
            there = {f"{kind}/{entry.name.removesuffix('.js')}" for kind in ("ix", "c")
                     for entry in os.scandir(self.folder / RECENT / kind)}
        except OSError:
            there = set()
        return _recent_files(layout) - there

    def _put_all(self, layout: postings.Layout, names: list[str], segments: dict) -> None:
        """Every segment's blocks in the main files (the recent files removed): the first build, and
        when the recent files and the main files' stale blocks have grown too large."""
        old: dict[str, dict[str, str]] = {}  # (kept blocks in the recent files are read before those files go)
        read = {_recent_file(file, layout) for name in names if isinstance(segments[name], dict)
                and segments[name]["tier"] == RECENT for file in segments[name]["files"]}
        for recent_file in sorted(read):  # (each shard file's recent blocks are in one of them)
            old.update(self._recent_blocks_in(recent_file))
        shutil.rmtree(self.folder / RECENT, ignore_errors=True)
        for file in sorted(_shard_files(layout)):
            self._put_shard(file, names, segments, old.get(file))

    def files(self, but: str = ""):
        """(name under search/, path) of every index file, in the order of their names' parts; `but`:
        a folder of the store whose files are left out. (By os.walk: Path.rglob over the 14 000
        files at 100 000 articles was ~0.3 s of every build; no symlink in the store is followed.)"""
        found = []
        for folder, dirs, names in os.walk(self.folder):
            rel = os.path.relpath(folder, self.folder).replace(os.sep, "/")
            prefix = "" if rel == "." else f"{rel}/"
            if not prefix:
                dirs[:] = [d for d in dirs if d != but]
            found += [(prefix + name, folder) for name in names if name.endswith(".js")]
        found.sort(key=lambda item: item[0].split("/"))
        for name, folder in found:
            yield name, Path(folder, name.rpartition("/")[2])

    def _manifest(self, layout: postings.Layout) -> dict | None:
        try:
            data = decode((self.folder / MANIFEST).read_bytes())
        except (OSError, ValueError):
            return None
        if not _manifest_shape(data):
            return None
        fits = data.get("version") == _VERSION and data.get("layout") == [layout.shards, layout.char_shards]
        return data if fits and not data.get("dirty") else None

    def _write_manifest(self, manifest: dict, dirty: bool) -> None:
        # (orjson: the stdlib's encoder took ~35 ms for the 5 MB of 100 000 articles, twice an edit)
        self._write(MANIFEST, orjson.dumps({**manifest, "version": _VERSION, "dirty": dirty}))

    def _put_shard(self, file: str, names: list[str], segments: dict, old: dict | None = None) -> None:
        """A main shard file with the blocks of those of `names` that have one there, in segment
        order: new ones as made, kept ones from the file as it was (or `old`)."""
        old = {**self._blocks_in(file), **(old or {})}
        blocks = [(name, data) for name in names
                  if (data := self._block(name, segments[name], file, old, file)) is not None]
        # (written as JSON by hand: names are hex and blocks base64, nothing to escape - script_json's
        # escaping pass over every file was a fifth of an edit's search time at 100 000 articles)
        self._put_script(file, ",".join(f'["{name}","{data}"]' for name, data in blocks))

    def _put_recent(self, file: str, names: list[str], segments: dict, layout: postings.Layout) -> None:
        """A recent file with the recent blocks of those of `names` (in segment order, then by shard
        file) in the shard files it holds: new ones as made, kept ones from the file as it was."""
        old, shards = self._recent_blocks_in(file), _folded(file, layout)
        blocks = [(name, shard, data) for name in names for shard in shards
                  if (data := self._block(name, segments[name], shard, old.get(shard, {}), RECENT + file)) is not None]
        self._put_script(RECENT + file, ",".join(f'["{name}","{shard}","{data}"]' for name, shard, data in blocks))

    def _block(self, name: str, seg, shard: str, old: dict[str, str], where: str) -> str | None:
        """A segment's block of shard file `shard`: as made (a new Block), kept (`old`: the blocks of
        that shard in the file `where` as it was, by segment), or None when it has none there."""
        if isinstance(seg, postings.Block):
            return seg.shards[shard] if shard in seg.shards else None
        if shard not in self._files_of(name, seg):
            return None
        if name not in old:
            raise OSError(f"the kept search index lacks {name} of {shard} in {where}")
        return old[name]

    def _put_script(self, name: str, listed: str) -> None:
        """An index file: its blocks' JSON (`listed`, without its brackets) handed to the page."""
        self._write(f"{name}.js", f'newsarchiveIndex("{name}",[{listed}]);\n'.encode("ascii"))

    def _recent_blocks_in(self, file: str) -> dict[str, dict[str, str]]:
        """The blocks of a recent file as it is: {shard file: {segment name: base64}}."""
        text = (self._read_bytes(f"{RECENT}{file}.js") or b"").decode("ascii", "replace")
        blocks: dict[str, dict[str, str]] = {}
        for name, shard, data in _RECENT_BLOCK.findall(text):
            blocks.setdefault(shard, {})[name] = data
        return blocks

    def _files_of(self, name: str, summary: dict) -> frozenset:
        """A kept segment's shard files as a set (the manifest's list, looked up for every file)."""
        if name not in self._sets:
            self._sets[name] = frozenset(summary["files"])
        return self._sets[name]

    def _blocks_in(self, file: str) -> dict[str, str]:
        """The blocks of a shard file as it is: {segment name: base64}."""
        return dict(_BLOCK.findall((self._read_bytes(f"{file}.js") or b"").decode("ascii", "replace")))

    def _put_words(self, added: list[str], dropped: list[str], segments: dict) -> None:
        """The word lists (w/<file>) after segments came and went: each word counted by the segments in
        use that hold it (counts/<file>.json beside), so only the lists and counts of the words of
        `added` and `dropped` are read and written - not every segment's words (~6 s of an edit at
        100 000 articles). A list changes only when a word comes or goes. With nothing known before
        (the manifest was missing or dirty: the folder was emptied), every segment is `added`."""
        change: dict[str, dict[str, int]] = {}
        for names, step in ((added, 1), (dropped, -1)):
            for name in names:
                seg = segments.get(name)
                for word, _ in (seg.words.items() if isinstance(seg, postings.Block) else self._words_of(name)):
                    counted = change.setdefault(postings.word_file(word), {})
                    counted[word] = counted.get(word, 0) + step
        for file, counted in sorted(change.items()):
            if any(counted.values()):
                self._put_word_file(file, {w: n for w, n in counted.items() if n})

    def _put_word_file(self, file: str, change: dict[str, int]) -> None:
        """One word list's counts moved by `change`; the list rewritten when a word came or went."""
        counts = self._counts_of(file)
        before = set(counts)
        for word, n in change.items():
            counts[word] = counts.get(word, 0) + n
            if counts[word] <= 0:
                del counts[word]
        if counts.keys() != before:
            if counts:
                self._write(f"w/{file}.js", _script(f"w/{file}", sorted((w, postings.word_number(w)) for w in counts)))
            else:
                (self.folder / "w" / f"{file}.js").unlink(missing_ok=True)
        self._write(f"{COUNTS}{file}.json", json.dumps(counts, ensure_ascii=False, sort_keys=True).encode())

    def _counts_of(self, file: str) -> dict[str, int]:
        """A word list's counts; OSError when they are missing beside the list, or damaged (the caller
        then makes the index aside, and the next build, finding the manifest dirty, makes all again)."""
        data = self._read_bytes(f"{COUNTS}{file}.json")
        if data is None:
            if (self.folder / "w" / f"{file}.js").exists():
                raise OSError(f"the kept search index lacks the word counts of w/{file}")
            return {}
        try:
            counts = json.loads(data)
        except ValueError:
            counts = None
        if not (isinstance(counts, dict) and all(type(n) is int and n > 0 for n in counts.values())):
            raise OSError(f"the kept search index has damaged word counts in {file}")
        return counts

    def _put_segment_words(self, name: str, block: postings.Block) -> None:
        """A new segment's Latin words, in a file of its own (the manifest, read on every build,
        held them all once: 29 MB at 100 000 articles, ~7 s read and written twice)."""
        self._write(f"{WORDS}{name}.json", json.dumps(sorted(block.words.items()), ensure_ascii=False).encode())

    def _words_of(self, name: str) -> list:
        data = self._read_bytes(f"{WORDS}{name}.json")
        if data is None:
            raise OSError(f"the kept search index lacks the words of {name}")
        try:
            return json.loads(data)
        except ValueError:
            raise OSError(f"the kept search index has damaged words for {name}") from None

    def _put_texts(self, name: str, texts: list[str]) -> None:
        for k in range(0, len(texts), TEXT_CHUNK):
            file = f"text/{name}/{k // TEXT_CHUNK}"
            self._write(f"{file}.js", _script(file, {str(n): texts[n] for n in range(k, min(k + TEXT_CHUNK, len(texts)))}))

    def _drop_segment_files(self, names: set[str]) -> None:
        """The texts and words of segments not in `names`: dropped ones', and a killed run's new ones."""
        folder = self.folder / "text"
        for old in (folder.iterdir() if folder.is_dir() else ()):
            if old.name not in names:
                shutil.rmtree(old, ignore_errors=True)
        folder = self.folder / WORDS
        for old in (folder.iterdir() if folder.is_dir() else ()):
            if old.name.removesuffix(".json") not in names:
                old.unlink(missing_ok=True)

    def _read_bytes(self, name: str) -> bytes | None:
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            return None

    def _write(self, name: str, data: bytes) -> None:
        """Whole or not at all (renamed over the old file: a site linked to the old file keeps it)."""
        replace_file(self.folder / name, data)


class _Spilled(Mapping):
    """A new block's shards as its spill file holds them: {shard file: base64}, each read when asked."""

    def __init__(self, fd: int, places: dict[str, tuple[int, int]]):
        self._fd, self._places = fd, places  # shard file -> (offset, length) in the file

    def __getitem__(self, file: str) -> str:
        at, size = self._places[file]
        return os.pread(self._fd, size, at).decode("ascii")

    def __contains__(self, file) -> bool:
        return file in self._places

    def __iter__(self):
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


class _Spill:
    """Where update()'s new blocks wait, on disk, until the shard files are written from them: a first
    build at 100 000 articles held ~0.65 GB of them in its main process, at the build's peak. A file
    a segment in `folder` (emptied first: a killed run's are dropped), kept open; close() drops them."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._fds: list[int] = []
        self._empty()

    def _empty(self) -> None:
        if self.folder.is_symlink():  # (put there by hand: its files are not to be written through it)
            self.folder.unlink()
        shutil.rmtree(self.folder, ignore_errors=True)

    def block(self, name: str, block: postings.Block) -> postings.Block:
        """The block, its shards now read from its spill file."""
        places, at = {}, 0
        for file, data in block.shards.items():
            places[file] = (at, len(data))
            at += len(data)
        path = self.folder / f"{name}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes("".join(block.shards.values()).encode("ascii"))
        self._fds.append(os.open(path, os.O_RDONLY))
        return postings.Block(_Spilled(self._fds[-1], places), block.words)

    def close(self) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()
        self._empty()


def _summary(block: postings.Block, count: int, tier: str, keys: list[str] | None = None) -> dict:
    """A block's record in the manifest; a whole segment's with its articles' keys (a later patch's base)."""
    return {"files": sorted(block.shards), "count": count, "tier": tier, **({"keys": keys} if keys else {})}


def _manifest_shape(data) -> bool:
    """Whether a manifest read has the parts update() relies on (one damaged by hand, even into other
    JSON than an object, is none)."""
    if not isinstance(data, dict):
        return False
    segments, stale, patches = data.get("segments"), data.get("stale"), data.get("patches")
    return (isinstance(segments, dict) and isinstance(stale, dict) and isinstance(patches, dict)
            and isinstance(data.get("parts"), list)
            and all(isinstance(s, dict) and isinstance(s.get("count"), int) and isinstance(s.get("files"), list)
                    for s in (*segments.values(), *stale.values()))
            and all(isinstance(p, list) and len(p) == 4 and p[0] in segments and p[1] in segments
                    and all(isinstance(rows, list) and all(type(r) is int for r in rows) for rows in p[2:])
                    for p in patches.values()))


@dataclass
class _Plan:
    """How update() makes the segments of `parts`: the blocks in use, in the site's order (a patched
    segment's base, then its patch), those to make, how many articles each holds, the new whole
    segments' article keys and the patched segments."""
    blocks: list[str] = field(default_factory=list)
    todo: list[tuple[str, list]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    keys: dict[str, list] = field(default_factory=dict)
    patches: dict[str, Patch] = field(default_factory=dict)

    @classmethod
    def of(cls, parts: list, known: dict, stale: dict, before: dict, layout: postings.Layout | None) -> "_Plan":
        """`before`: the patched segments kept (manifest); `layout`: None when no new patch may be made."""
        plan, bases = cls(), None
        for name, sources, keys in parts:
            patch = Patch(*before[name]) if name in before else None
            if patch is None and layout is not None and name not in known and name not in stale:
                bases = bases or _Bases(known, stale)
                patch = bases.patch_of(keys, layout)
                if patch is not None:
                    plan.todo.append((patch.patch, [sources[r] for r in patch.rows]))
            if patch is not None:
                plan.patches[name] = patch
                plan.blocks += [patch.base, patch.patch]
                plan.counts[patch.base], plan.counts[patch.patch] = len(sources), len(patch.rows)
                continue
            plan.blocks.append(name)
            plan.counts[name] = len(sources)
            if name not in known and name not in stale:
                plan.todo.append((name, list(sources)))
                plan.keys[name] = keys
        return plan

    def spread(self, known: dict, stale: dict) -> int:
        """The articles the recent files and the stale blocks would hold after it (a patched article
        counts twice: in its patch, and passed over in its base)."""
        new, used = {name for name, _ in self.todo}, set(self.blocks)
        recent = sum(self.counts[n] for n in self.blocks if n in new or n in known and known[n]["tier"] == RECENT)
        left = _articles({n: s for n, s in stale.items() if n not in used})
        masked = sum(len(patch.mask) for patch in self.patches.values())
        return recent + left + masked + _articles({n: s for n, s in known.items() if n not in used}, MAIN)


class _Bases:
    """The kept whole segments' articles by key, for patches."""

    def __init__(self, known: dict, stale: dict):
        self._keys = {name: s["keys"] for name, s in (*known.items(), *stale.items())
                      if isinstance(s.get("keys"), list) and len(s["keys"]) == s["count"]}
        self._at: dict[str, list[str]] = {}  # an article's key -> the kept segments holding it
        for name, keys in self._keys.items():
            for key in keys:
                self._at.setdefault(key, []).append(name)

    def patch_of(self, keys: list[str], layout: postings.Layout) -> Patch | None:
        """A patch making these articles (at least PATCH_FROM of them) of the kept segment holding
        most of them: the base's articles they hold, in the base's order, taken from it; the rest (at
        least one, at most PATCH_SHARE of them) in the patch, and at most PATCH_SHARE of the base's
        passed over; or None."""
        if len(keys) < PATCH_FROM:
            return None
        held = Counter(name for key in keys for name in self._at.get(key, ()))
        if not held:
            return None
        base = held.most_common(1)[0][0]
        at = {key: i for i, key in enumerate(self._keys[base])}
        rows, taken = [], []
        for n, key in enumerate(keys):
            i = at.get(key, -1)
            if taken and i <= taken[-1] or i < 0:  # (out of the base's order: in the patch)
                rows.append(n)
            else:
                taken.append(i)
        mask = sorted(set(range(len(at))) - set(taken))
        if not 0 < len(rows) <= PATCH_SHARE * len(keys) or len(mask) > PATCH_SHARE * len(at):
            return None
        return Patch(base, segment_name(["patch", base, *(f"{n}:{keys[n]}" for n in rows)], layout), rows, mask)


def _shard_count(layout: postings.Layout, kind: str) -> int:
    """How many shard files of a kind ("ix", "c") the layout has."""
    return layout.shards if kind == "ix" else layout.char_shards


def _recent_count(layout: postings.Layout, kind: str) -> int:
    """How many recent files the shard files of a kind share."""
    return max(1, _shard_count(layout, kind) // RECENT_FOLD)


def _recent_file(file: str, layout: postings.Layout) -> str:
    """The recent file (under RECENT) that holds shard file `file`'s recent blocks."""
    kind, k = file.split("/")
    return f"{kind}/{int(k) % _recent_count(layout, kind)}"


def _folded(file: str, layout: postings.Layout) -> list[str]:
    """The shard files a recent file holds, in order."""
    kind, j = file.split("/")
    return [f"{kind}/{k}" for k in range(int(j), _shard_count(layout, kind), _recent_count(layout, kind))]


def _recent_files(layout: postings.Layout) -> set[str]:
    """Every recent file: `ix/<j>` and `c/<j>`."""
    return {f"{kind}/{j}" for kind in ("ix", "c") for j in range(_recent_count(layout, kind))}


def _shard_files(layout: postings.Layout) -> set[str]:
    """Every shard file of a tier: `ix/<k>` and `c/<k>`."""
    return {f"{kind}/{k}" for kind in ("ix", "c") for k in range(_shard_count(layout, kind))}


def _recent_limit(articles: int) -> float:
    """How many articles the recent and stale blocks may hold in an archive of `articles`."""
    return min(RECENT_ARTICLES, RECENT_SHARE * articles)


def _articles(summaries: dict, tier: str | None = None) -> int:
    """How many articles the segments summed up hold (those of one tier)."""
    return sum(s["count"] for s in summaries.values() if tier is None or s["tier"] == tier)


def _script(name: str, data) -> bytes:
    return f'newsarchiveIndex("{name}",{script_json(data, separators=(",", ":"))});\n'.encode("utf-8")


def _blocks(todo: list[tuple[str, list]], layout: postings.Layout, text_of, tick):
    """(name, texts, block) of each new segment, as each is made: in a pool of one fresh process per
    core when there are several and POOL_FROM_ARTICLES in all (each task carries its segment's
    sources: a forked worker would soon hold a copy of the gathered site, see forked.Pool)."""
    if len(todo) < 2 or cores() < 2 or sum(len(sources) for _, sources in todo) < POOL_FROM_ARTICLES:
        for name, sources in todo:
            yield (name, *_block((layout, text_of), sources))
            tick(len(sources))
        return
    with Pool((layout, text_of), fresh=True) as pool:
        for (name, sources), (texts, block) in zip(todo, pool.imap(_block, [sources for _, sources in todo])):
            yield name, texts, block
            tick(len(sources))


def _block(handed: tuple, sources: list) -> tuple[list[str], postings.Block]:
    """One segment's searchable texts and block. `handed`: (layout, text_of)."""
    layout, text_of = handed
    texts = [text_of(*source) for source in sources]
    return texts, postings.block([tokens.normalize(text) for text in texts], layout)
