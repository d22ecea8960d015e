"""Gather: content/ -> everything the site knows before a page is written (articles, taxonomies)."""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import marshal
import os
import re
import stat as stat_kind
import time
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from .. import fields, forked, page, parsed, schema
from ..archive import DATA, Archive, folder_listing, rel_or_str, slug, utf8_name
from ..model import ArticleText
from ..parsed import LEDE_CHARS
from ..progress import Progress
from ..to_markdown import plain_text
from . import gathered
from .reading import minutes_of_plain
from .state import BuildState


@dataclass(frozen=True, kw_only=True, slots=True)
class Entry(ArticleText):
    """One article as the site shows it.

    Slotted: a build at 100 000 articles makes some fifteen passes over its entries (the site's
    order, its shape, page keys, lists), and an entry whose fields sit in the object itself, not in a
    dict of its own elsewhere in memory, made each pass 2-4x faster there (a list of the paths: 38 ->
    9 ms; of four fields: 103 -> 38 ms)."""

    path: str                 # output path inside site/, e.g. "articles/2020/09/x.html"
    content_file: str         # e.g. "content/2020/09/x.md"
    source: dict = field(default_factory=dict, compare=False, hash=False)
    cleaning: dict = field(default_factory=dict, compare=False, hash=False)
    body: parsed.Body = field(compare=False, hash=False, repr=False)  # (the digest stands for it)
    digest: str = ""          # of the content page's path and text: what a rebuild compares (see parsed.digest)
    minutes: int = 1          # reading time (reading.py), worked out when the page is parsed and kept with it
    # An entry made of a kept row: (its folder's _Provenance, its number there) until its source,
    # cleaning or summary is first asked for (those slots unset till then: see _kept); else None.
    _provenance: object = field(default=None, init=False, compare=False, hash=False, repr=False)

    @property
    def body_md(self) -> str:
        return self.body.text

    def __getattr__(self, name: str):
        """The held fields of an entry made of a kept row, decoded when first asked for (see _kept);
        called only for a slot the entry has not set."""
        held = self._provenance if name in _HELD_FIELDS else None
        if held is None:
            raise AttributeError(name)
        provenance, n = held
        for field_name, value in zip(_HELD_FIELDS, provenance.of(n)):
            object.__setattr__(self, field_name, value)
        object.__setattr__(self, _HELD, None)
        return object.__getattribute__(self, name)

    def __getstate__(self) -> list:
        """(pickled - to a worker - with its provenance, never its folder's: the state is each field's
        value, as dataclasses pickles a frozen slotted class)"""
        if self._provenance is not None:
            self.__getattr__(_HELD_FIELDS[0])
        return [getattr(self, name) for name in _FIELDS]

    def __setstate__(self, state: list) -> None:
        """(unpickled as dataclasses unpickles a frozen slotted class, without asking fields() for the
        names each time: that was ~20 of an entry's ~45 us, ~5 000 entries a worker of a cold build's
        article pages at 10 000 articles)"""
        for name, value in zip(_FIELDS, state):
            object.__setattr__(self, name, value)

    @property
    def sort_key(self) -> tuple:
        return (-instant(self.date), self.path)

    @property
    def year_month(self) -> tuple[str, str] | None:
        return (self.date[:4], self.date[5:7]) if self.date else None


# An entry's fields in order (its pickled state), the fields an entry made of a kept row holds
# undecoded - its provenance, and its summary, which only the pages made show - and the slot where it
# holds them until asked (_kept).
_FIELDS = tuple(f.name for f in dataclasses.fields(Entry))
_HELD_FIELDS = ("source", "cleaning", "summary")
_HELD = "_provenance"


# An entry's path and digest, for map(): taken in C over a list of 100 000 entries (a Python loop
# over them was 0.1-0.2 s of an edit each time).
path_of, digest_of = attrgetter("path"), attrgetter("digest")


@functools.lru_cache(maxsize=1 << 16)
def instant(date: str | None) -> float:
    """Seconds since the epoch, for ordering; undated articles sort last."""
    if not date:
        return float("-inf")
    try:
        moment = datetime.fromisoformat(date.replace("Z", "+00:00"))
    except ValueError:
        return float("-inf")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


@dataclass(frozen=True)
class Group:
    """A named list of articles: an outlet, a tag, a month."""

    name: str
    slug: str
    entries: tuple[Entry, ...]

    @functools.cached_property
    def members(self) -> str:
        """What page keys spell the group's articles by (index pages show every group): a digest of
        its members' digests - or, once members_of has given the site's groups theirs, of every
        article of the site."""
        # (the digests joined once: the same bytes as hashing them one by one)
        return hashlib.sha256("".join([e.digest for e in self.entries]).encode()).hexdigest()


def members_of(site: "Site") -> None:
    """Every outlet's, tag's and month's `members`: one digest of every article of the site (its
    entries' digests, in order). A group's own members are among them, so an index page's key still
    changes whenever a group it shows does, and also after any other edit (three pages made again);
    one pass over the site instead of one over every tag, outlet and month (500 000 entries read, ~0.3
    s of an edit at 100 000 articles)."""
    every = hashlib.sha256("".join(map(digest_of, site.entries)).encode()).hexdigest()
    for group in (*site.outlets, *site.tags, *site.months):
        group.__dict__["members"] = every


@dataclass(frozen=True)
class Site:
    entries: tuple[Entry, ...]            # newest first: the latest version of each article
    outlets: tuple[Group, ...]            # by name
    tags: tuple[Group, ...]
    months: tuple[Group, ...]             # "2020-09", newest first
    problems: tuple[tuple[str, str], ...] = ()
    earlier: tuple[Entry, ...] = ()       # earlier versions: a page each, in no list
    versions: dict = field(default_factory=dict, compare=False, hash=False)
    """Article page path -> every version of its article, oldest first (only articles with several)."""

    @functools.cached_property
    def placement(self) -> str:
        """One digest of where the site's articles stand: the site's part of its shape (shape.of). A
        site reassembled from the order the last build kept (nothing in it moved: see _from_kept) has
        the placement kept with that order: working it out was ~0.2 s of an edit at 100 000 articles."""
        h = hashlib.sha256()  # (each part's lines joined once and hashed: the same bytes as line by line)
        h.update("".join([f"{e.path}\0{e.lang}\0{e.date}\0{e.outlet}\0{e.tags!r}\n"
                          for e in self.entries]).encode("utf-8", "surrogatepass"))
        h.update(b"\1")
        h.update("".join([f"{e.path}\0{e.lang}\0{e.outlet}\0{e.tags!r}\n"
                          for e in self.earlier]).encode("utf-8", "surrogatepass"))
        h.update(b"\1")
        for path in sorted(self.versions):
            h.update(f"{path}\0{[v.path for v in self.versions[path]]!r}\n".encode("utf-8", "surrogatepass"))
        for groups in (self.outlets, self.tags, self.months):
            h.update(b"\1" + repr([(g.name, g.slug, len(g.entries)) for g in groups]).encode("utf-8", "surrogatepass"))
        return h.hexdigest()


def _unique_slugs(names: list[str]) -> dict[str, str]:
    """Readable slugs; two names with one slug get a short hash each, so no page is written twice."""
    by_slug: dict[str, list[str]] = {}
    for name in names:
        by_slug.setdefault(slug(name), []).append(name)
    out = {}
    for s, owners in by_slug.items():
        for name in owners:
            out[name] = s if len(owners) == 1 else f"{s}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"
    return out


def _groups(entries: list[Entry], key) -> tuple[Group, ...]:
    members: dict[str, list[Entry]] = {}
    for e in entries:
        for name in key(e):
            members.setdefault(name, []).append(e)
    slugs = _unique_slugs(sorted(members))
    return tuple(Group(name, slugs[name], tuple(members[name])) for name in sorted(members))


@dataclass(frozen=True)
class Gathered:
    """What a collect() found (kept in a BuildState for the next build of the same process)."""

    entries: Mapping[Path, Entry]  # (a dict, or _ByPath)
    problems: tuple[tuple[str, str], ...]
    site: Site | None = None


def _entry(archive: Archive, path: Path, last: Gathered | None, cache: parsed.ParsedPages | None = None,
           stat: os.stat_result | None = None) -> Entry:
    return _recorded(archive, path, last, cache, stat) or _read(archive, path, last, cache, stat,
                                                                _parsed(archive, cache, path, stat))


def _recorded(archive: Archive, path: Path, last: Gathered | None, cache: parsed.ParsedPages | None,
              stat: os.stat_result | None) -> Entry | None:
    """The page's entry as the parsed-page cache recorded it (the file not read), or None."""
    content_file = archive.content_file(path)  # "content/2020/09/x.md"
    folder, _, name = content_file.rpartition("/")
    recorded = cache.get(folder, name, stat, path) if cache is not None and stat is not None else None
    if recorded is None:
        return None
    known = last.entries.get(path) if last else None
    return known if known is not None and known.digest == recorded[0] else _made(content_file, recorded)


def _parsed(archive: Archive, cache: parsed.ParsedPages | None, path: Path,
            stat: os.stat_result | None) -> tuple[str, parsed.Body, dict, int]:
    """A page read: (digest, Body, fields.read values, reading minutes), from the cache when its text
    is the recorded one. Raises what reading or checking it raises. (In a pool on a first build:
    what it does to `cache` there is lost, and _read does it again.)"""
    content_file = archive.content_file(path)
    folder, _, name = content_file.rpartition("/")
    text = parsed.read_page(path)
    digest = parsed.digest(content_file, text)
    same = cache.same_text(folder, name, stat, digest, text) if cache is not None and stat is not None else None
    if same is not None:  # (a checked-out or copied file: the text is the recorded one)
        return same
    return _parsed_text(text, digest)


def _parsed_text(text: str, digest: str) -> tuple[str, parsed.Body, dict, int]:
    """A page's text parsed (its `digest`), as _parsed gives it."""
    front, body = page.split(text)
    problems = schema.problems(front)
    if problems:
        raise ValueError("; ".join(problems))
    # (its plain text once, for the reading time and for what same story compares: made again in
    # the building process for every article of a first build, it was ~0.6 s there at 10 000
    # articles, while same story's process waited for it)
    plain = plain_text(body)
    return (digest, parsed.Body(body, start=len(text) - len(body), lede=plain[:LEDE_CHARS]), fields.read(front),
            minutes_of_plain(plain))


def _read(archive: Archive, path: Path, last: Gathered | None, cache: parsed.ParsedPages | None,
          stat: os.stat_result | None, made: tuple[str, parsed.Body, dict, int]) -> Entry:
    """The entry of a page _parsed read, kept in the cache under its stat now."""
    content_file = archive.content_file(path)
    known = last.entries.get(path) if last else None
    if known is not None and known.digest == made[0]:
        return known
    if cache is not None and stat is not None:
        folder, _, name = content_file.rpartition("/")
        cache.put(folder, name, stat, made)
    return _made(content_file, made)


def _made(content_file: str, made: tuple[str, parsed.Body, dict, int]) -> Entry:
    """The entry of a page parsed or recorded: (digest, Body, fields.read values, reading minutes)."""
    digest, body, values, minutes = made
    return Entry(path=_site_path(content_file), content_file=content_file, body=body, digest=digest,
                 minutes=minutes, **values)


def _site_path(content_file: str) -> str:
    """An article page's path in site/ ("articles/2020/09/x.html"), of its content file's."""
    return f"articles/{content_file.removeprefix('content/').removesuffix('.md')}.html"


def collect(archive: Archive, state: BuildState | None = None, progress: Progress | None = None,
            later: list | None = None) -> Site:
    """Read every content page; a page that cannot be read is reported and left out. `state`: the
    last build's (pages parsed then are taken when their text is the same), kept for the next; pages
    whose files are as the parsed-page cache recorded them are not read at all (parsed.py). `later`:
    a list the saving of what was read for the next build (the parsed pages, the gathered rows) is
    appended to, as one call, for the caller to make when it has started the work that waits for the
    site (else it is saved here)."""
    state = state or BuildState()
    if state.gathered is None:  # (a new process: the last build's entries may be kept on disk)
        with _collector_paused(thaw=state.kept_ahead is None):
            site = _from_kept(archive, state, progress or Progress.off())
        if site is not None:
            return site
    entries: dict[Path, Entry] = {}
    listed, refused = archive.content_listing(state.content_listing)
    problems = [(rel_or_str(archive, path), why) for path, why in refused]
    cache = parsed.ParsedPages(archive.cache, state.parsed_files)
    state.parsed_files = None
    with _collector_paused():
        for path, stat, found in _reading(archive, listed, state.gathered, cache, progress or Progress.off()):
            if isinstance(found, Entry):
                entries[path] = found
            elif isinstance(found, str):  # what reading or checking the page raised
                problems.append((archive.content_file(path), found))
            else:
                entries[path] = _read(archive, path, state.gathered, cache, stat, found)
        site = _assemble(entries.values(), tuple(problems))
        save = functools.partial(_save, archive, cache, state.content_listing.folders if not problems else None,
                                 entries, site)
        if later is None:
            save()
    if later is not None:
        later.append(save)
    state.gathered = Gathered(entries, tuple(problems), site)  # only what exists now: deleted pages are forgotten
    return site


def _save(archive: Archive, cache: parsed.ParsedPages, folders: dict | None, entries: dict[Path, Entry],
          site: Site) -> None:
    """What collect() read, kept for the next build: the parsed pages, and the gathered rows of these
    listed folders (None when a page could not be read). (Saved after the build has handed out the
    work that waits for the site - its bodies, same story - they were ~0.25 s at 10 000 articles
    before either could start.)"""
    cache.save()
    if folders is not None:
        _keep(archive, folders, entries, site)


# What gathered.py keeps of a folder: [its rows, their provenance]. A row holds the page's name, its
# file's signature (parsed.signature, 4 numbers), where its body begins, then its entry's fields but
# the body and the held ones (_HELD_FIELDS), in this order. The provenance of every row is one marshal
# blob of (source, cleaning, summary), decoded when one of the folder's entries is first asked for
# one of them (see Entry.__getattr__): source and cleaning were ~55 % of the rows' bytes, decoded at
# every build, the summaries a third of the rest (~0.1 s of loading the rows of 100 000 articles),
# and an edit asks for the few pages it makes. Nor the entry's two paths, which its folder and name
# spell (_site_path): 20 of the 51 MB of strings the rows of 100 000 articles decoded at every build.
_ROW_FIELDS = tuple(name for name in _FIELDS if name not in ("body", "path", "content_file", *_HELD_FIELDS, _HELD))
# Each of those slots' setter, then the body's and the held provenance's (an entry is made of a row
# without Entry's __init__: see _entry_of_row).
_ROW_SETTERS = tuple(getattr(Entry, name).__set__ for name in _ROW_FIELDS)
_SET_BODY, _SET_HELD = Entry.body.__set__, getattr(Entry, _HELD).__set__
_SET_TAGS, _SET_DIGEST = Entry.tags.__set__, Entry.digest.__set__
_SET_PATH, _SET_CONTENT_FILE = Entry.path.__set__, Entry.content_file.__set__
_SIGNATURE = slice(1, 5)
_START = 5
_DIGEST = _START + 1 + _ROW_FIELDS.index("digest")


def _row(name: str, stat: os.stat_result, entry: Entry) -> tuple:
    return (name, *parsed.signature(stat), entry.body.start, *(getattr(entry, f) for f in _ROW_FIELDS))


def _kept(named: list[tuple[str, os.stat_result, Entry]]) -> list:
    """A folder's pages (name, stat, entry) as gathered.py keeps them."""
    held = [tuple(getattr(entry, f) for f in _HELD_FIELDS) for _, _, entry in named]
    return [[_row(*item) for item in named], _marshalled(held)]


def _marshalled(held: list) -> bytes | list:
    """A folder's held fields as its provenance blob (see _kept)."""
    try:
        return marshal.dumps(held)
    except ValueError:  # a value marshal cannot write (front matter by hand): nor can Kept.save, which
        return held  # leaves the folder unrecorded (listed and read each time)


def _rows(kept: list | None) -> tuple[list, "_Provenance"] | None:
    """A folder's rows and their provenance as gathered.py kept them, None when there are none (or
    they are not of the shape _kept writes)."""
    if not (isinstance(kept, list) and len(kept) == 2 and isinstance(kept[0], list) and isinstance(kept[1], bytes)):
        return None
    return kept[0], _Provenance(kept[1], len(kept[0]))


class _Provenance:
    """A kept folder's rows' held fields, decoded when first asked for (see _kept). One that does
    not decode to two mappings and a summary for each row gives empty ones and none (the file passed
    its check: written so by hand)."""

    __slots__ = ("_blob", "_count", "_held")

    def __init__(self, blob: bytes, count: int):
        self._blob, self._count, self._held = blob, count, None

    def of(self, n: int) -> tuple[dict, dict, str | None]:
        if self._held is None:
            self._held = self._decoded()
            self._blob = None
        return self._held[n]

    def _decoded(self) -> list:
        try:
            held = marshal.loads(self._blob)
        except (EOFError, ValueError, TypeError):
            held = None
        if isinstance(held, list) and len(held) == self._count and all(
                isinstance(p, tuple) and len(p) == 3 and isinstance(p[0], dict) and isinstance(p[1], dict)
                and (p[2] is None or isinstance(p[2], str)) for p in held):
            return held
        return [({}, {}, None)] * self._count


def _entry_of_row(row: tuple, folder_path: str, provenance: _Provenance, n: int, inside: int) -> Entry:
    """The entry a kept row holds (the folder's `provenance`, the row's number in it; `folder_path`,
    its folder's, from `inside` on inside the archive). Made without Entry's __init__ (its fields
    set one by one were most of making 100 000): the row holds what an entry made of the same page
    held, but its paths, which are its folder's and name's."""
    entry = object.__new__(Entry)
    for put, value in zip(_ROW_SETTERS, row[_START + 1:]):
        put(entry, value)
    content_file = f"{folder_path[inside:]}/{row[0]}"
    _SET_CONTENT_FILE(entry, content_file)
    _SET_PATH(entry, _site_path(content_file))
    _SET_BODY(entry, parsed.Body(None, f"{folder_path}/{row[0]}", row[_START], list(row[_SIGNATURE])))
    _SET_HELD(entry, (provenance, n))
    return entry


def _entries_of_rows(rows: tuple[list, _Provenance], folder_path: str, inside: int) -> list[Entry]:
    """A kept folder's entries (`rows`: _rows())."""
    return [_entry_of_row(row, folder_path, rows[1], n, inside) for n, row in enumerate(rows[0])]


def _inside(archive: Archive) -> int:
    """Where a path inside the archive begins in one made as f"{archive.root}/{inside}"."""
    return len(str(archive.root)) + 1


def _signed(named: list[tuple[str, os.stat_result, Entry]]) -> str:
    """gathered.signed() of a folder's pages (`named`: in the order of their names)."""
    return gathered.signed([name for name, _, _ in named], [stat for _, stat, _ in named])


def _folder_key(named: list[tuple[str, os.stat_result, Entry]]) -> str:
    """What a folder's rows are made from: its pages' names, file signatures and digests."""
    return gathered.folder_key(f"{name}\0{parsed.signature(stat)}\0{entry.digest}" for name, stat, entry in named)


def _keep(archive: Archive, listed: dict, entries: dict[Path, Entry], site: Site) -> None:
    """The folders a full listing recorded (settled ones: archive.Listing.folders), kept with their
    pages' entries for the next build in a new process (see _from_kept)."""
    kept, inside = gathered.Kept(archive.cache), len(str(archive.root)) + 1
    folders = {}
    for path, found in listed.items():
        if any(page not in entries for page, _ in found.pages):
            continue  # (not as the entries were made: left to be listed)
        named = sorted(((page.name, stat, entries[page]) for page, stat in found.pages), key=lambda item: item[0])
        key = _folder_key(named)
        was = kept.folders.get(path[inside:])
        rows = None if was is not None and was.key == key else _kept(named)
        folders[path[inside:]] = (gathered.Recorded(found.at, tuple(f.name for f in found.folders), key,
                                                    signed=_signed(named)), rows)
    kept.save(folders, _order(site, entries.values(), folders))


class _ByPath(Mapping):
    """Entries by their page's Path, made when first asked for: a command-line build never asks
    (making 100 000 Paths was ~0.6 s); serve's next build does."""

    def __init__(self, root: Path, entries: list[Entry]):
        self._root, self._entries, self._made = root, entries, None

    def _all(self) -> dict[Path, Entry]:
        if self._made is None:
            self._made = {self._root / e.content_file: e for e in self._entries}
        return self._made

    def __getitem__(self, path: Path) -> Entry:
        return self._all()[path]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._entries)


def _placed(e: Entry) -> tuple:
    """What of an entry places it in the site: all _assemble reads of it but its digest, and its
    language (Site.placement)."""
    return (e.path, e.content_file, e.date, e.outlet, e.tags, e.lang, e.source.get("file"),
            e.source.get("version_of"), e.source.get("archive_url"))


def _order(site: Site, found, folders: dict) -> dict | None:
    """The site's order, kept with the folders (gathered.Kept.assembled): every article's content
    file, latest versions first, then the groups, versions and retagged articles by their places
    there. None unless every article's folder is kept (else it would stand for pages not kept)."""
    raw = {id(e) for e in found}
    if any(e.content_file.rpartition("/")[0] not in folders for e in chain(site.entries, site.earlier)):
        return None
    listed = [*site.entries, *site.earlier]
    place = {id(e): n for n, e in enumerate(listed)}
    return {"files": [e.content_file for e in listed], "latest": len(site.entries),
            "groups": [[(g.name, g.slug, [place[id(e)] for e in g.entries]) for g in groups]
                       for groups in (site.outlets, site.tags, site.months)],
            "versions": [(path, [place[id(e)] for e in found_]) for path, found_ in site.versions.items()],
            "retagged": [(n, list(e.tags)) for n, e in enumerate(listed) if id(e) not in raw],
            "placement": site.placement}


def _reassembled(order: dict, found: list[Entry]) -> Site | None:
    """The site in the kept order, each article's entry the one found now (none of them placed
    otherwise: see _from_kept): what _assemble makes of them, without sorting and grouping 100 000
    articles again (~0.6 s of an edit). None when the order does not name exactly these articles."""
    by_file = {e.content_file: e for e in found}
    try:
        listed = [by_file[name] for name in order["files"]]
        if len(listed) != len(by_file):
            return None
        for n, tags in order["retagged"]:
            listed[n] = _retagged(listed[n], tuple(tags))
        groups = [tuple(Group(name, slug_, tuple(listed[i] for i in members)) for name, slug_, members in kind)
                  for kind in order["groups"]]
        versions = {path: tuple(listed[i] for i in members) for path, members in order["versions"]}
        latest, placement = order["latest"], order["placement"]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    site = Site(tuple(listed[:latest]), *groups, problems=(), earlier=tuple(listed[latest:]), versions=versions)
    if isinstance(placement, str):
        site.__dict__["placement"] = placement  # (what Site.placement gives: see there)
    return site


def _from_kept(archive: Archive, state: BuildState, progress: Progress) -> Site | None:
    """collect() from the folders the last build kept (gathered.py): a folder whose inode and time
    are the recorded ones holds the recorded pages, and each page whose file's signature is the
    recorded one is its recorded entry; a folder otherwise, or one with a page changed, is read as
    collect reads its pages (the parsed-page cache first). None when this is not the way - nothing
    kept, a page that cannot be read (collect names it), a symlink or a name that is not UTF-8
    (collect refuses them), more pages to parse than are parsed in this process - and collect
    reads every page."""
    kept, state.kept_ahead = state.kept_ahead or gathered.Kept(archive.cache), None
    if not kept.folders:
        return None
    cache = parsed.ParsedPages(archive.cache, state.parsed_files)
    stats, now = state.content_listing.stats, time.time_ns()
    found, folders, todo, parsing, placed = [], {}, [archive.content_file(archive.content)], 0, True
    while todo:
        folder = todo.pop()
        taken = _kept_folder(archive, kept, folder, stats, state.content_listing.signed, cache, now)
        if taken is None or (parsing := parsing + taken.parsed) >= PARALLEL_READ_FROM:
            return None
        found += taken.entries
        placed = placed and taken.placed
        folders[folder] = (taken.recorded, taken.rows)
        todo += [f"{folder}/{name}" for name in taken.folders]
    state.parsed_files, state.content_listing.stats, state.content_listing.signed = None, {}, {}
    cache.save(every_folder=False)
    order = kept.assembled() if placed else None
    site = _reassembled(order, found) if order is not None else None
    if site is None:
        site, order = _assemble(found, ()), None
    # (an order taken is kept as it is: nothing in it moved - working it out again was ~0.25 s)
    kept.save(folders, order if order is not None and set(folders) == set(kept.folders) else _order(site, found, folders))
    shown = progress.below(len(found))
    shown.phase("reading", len(found), "page")(len(found))
    shown.end()
    state.gathered = Gathered(_ByPath(archive.root, found), (), site)
    return site


def kept_rows(archive: Archive, state: BuildState) -> gathered.Kept | None:
    """The last build's gathered rows (gathered.Kept) when this build's collect would read them - a
    build in a new process, after one that kept its folders - else None."""
    if state.gathered is not None:  # (serve's next build: collect takes the last build's entries)
        return None
    kept = gathered.Kept(archive.cache)
    return kept if kept.folders else None


def read_ahead(state: BuildState, kept: gathered.Kept, until, then):
    """The rows _from_kept reads first (`kept`: kept_rows()) read now, until `until()` says to stop,
    and left in `state` for collect: the build does this while content/ is walked aside for its
    fingerprint (content_aside.py; reading the rows was ~0.5 s of one title edited at 100 000
    articles, after that walk). Gives then() (the walk taken), with the collector still paused."""
    with _collector_paused():
        kept.read_ahead(until)
        found = then()
    state.kept_ahead = kept
    return found


class _Folder(NamedTuple):
    """One content folder as _from_kept took it."""

    entries: list[Entry]
    recorded: gathered.Recorded         # as it is to be recorded
    rows: list | None                   # what to keep of it (_kept); None: the kept file stands
    folders: tuple[str, ...]            # the names of the folders in it
    parsed: int = 0                     # how many of its pages were parsed
    placed: bool = True                 # whether each of its pages is the recorded one, or placed as it (_placed)


def _kept_folder(archive: Archive, kept: gathered.Kept, folder: str, stats: dict, signed: dict[str, str],
                 cache: parsed.ParsedPages, now: int) -> _Folder | None:
    """`stats`: pages' stats as the fingerprint took them (archive.Listing.stats; others are taken
    here); `signed`: each folder's gathered.signed() as the walk of content/ made aside found it (a
    folder it does not name has no pages; none named when content/ was walked here)."""
    path, inside = f"{archive.root}/{folder}", _inside(archive)
    try:
        at = os.lstat(path)
    except OSError:
        return None
    if not stat_kind.S_ISDIR(at.st_mode):
        return None  # (a folder made a symlink: collect refuses it)
    recorded = kept.folders.get(folder)
    if recorded is not None and recorded.at == (at.st_ino, at.st_mtime_ns):
        rows = _rows(kept.rows(folder))
        if rows is not None and recorded.signed and signed.get(folder, gathered.NO_PAGES) == recorded.signed:
            # (every page as recorded, as the walk made aside found them: no stat of each taken here)
            return _Folder(_entries_of_rows(rows, path, inside), recorded, None, recorded.folders)
        pages = _as_recorded(path, rows[0], stats) if rows is not None else None
        if pages is not None:
            if all(tuple(parsed.signature(st)) == row[_SIGNATURE] for row, (_, st) in zip(rows[0], pages)):
                return _Folder(_entries_of_rows(rows, path, inside), recorded, None, recorded.folders)
            return _amended(archive, path, pages, rows, recorded, recorded.at, now) or _read_folder(
                archive, [(Path(path, name), st) for name, st in pages], cache, recorded.at, recorded.folders, now,
                rows)
    listed = folder_listing(Path(path), {}, None, stats)
    if listed is None or listed.links or not all(utf8_name(p) for p, _ in listed.pages):
        return None
    folders, rows = tuple(f.name for f in listed.folders), _rows(kept.rows(folder))
    named = [(page.name, st) for page, st in listed.pages]
    return _amended(archive, path, named, rows, recorded._replace(folders=folders) if recorded else None,
                    listed.at, now) or _read_folder(archive, listed.pages, cache, listed.at, folders, now, rows)


# Pages of a kept folder read again since its parsed-page cache's file was last written (_amended)
# up to which the folder is not read whole. Ingest reads that file (parsed.py), and reads such a page
# itself, as the file does not hold it as it is; past this many the folder is read whole, its file
# written again.
STALE_UP_TO = 64


def _amended(archive: Archive, path: str, pages: list[tuple[str, os.stat_result]], rows: tuple | None,
             recorded: gathered.Recorded | None, at: tuple[int, int], now: int) -> _Folder | None:
    """A kept folder in which a few pages changed, came or went (`pages`: its pages now, by name, with
    their stats): the others are their rows' entries, and the few are read - not through the
    parsed-page cache, whose file of the folder (11 000 pages in a month's folder of the bench
    archive) was ~0.3 s of an edit to load and write again for one page. None when this is not the
    way (no rows, too many pages read since that file was written: STALE_UP_TO; one that cannot be
    read): the folder is read whole."""
    if rows is None or recorded is None:
        return None
    old, provenance = rows
    by_name = {row[0]: n for n, row in enumerate(old)}
    pages = sorted(pages, key=lambda page: page[0])
    changed = {name for name, st in pages
               if (n := by_name.get(name)) is None or tuple(parsed.signature(st)) != old[n][_SIGNATURE]}
    if recorded.stale + len(changed) > STALE_UP_TO:
        return None
    named, kept_rows, held, placed = [], [], [], len(pages) == len(old)
    inside = _inside(archive)
    for name, st in pages:
        n = by_name.get(name)
        if name in changed:
            try:
                entry, row = _reread(archive, f"{path}/{name}", st, old[n] if n is not None else None, provenance, n)
            except (OSError, UnicodeDecodeError, ValueError):
                return None
            placed = placed and n is not None and _placed(entry) == _placed(
                _entry_of_row(old[n], path, provenance, n, inside))
            held.append(tuple(getattr(entry, f) for f in _HELD_FIELDS))
        else:  # (its held fields as kept, not decoded into its entry: ~0.14 s for a folder of 11 000)
            entry, row = _entry_of_row(old[n], path, provenance, n, inside), old[n]
            held.append(provenance.of(n))
        named.append((name, st, entry))
        kept_rows.append(row)
    recorded = gathered.Recorded(gathered.settled_at(at, now), recorded.folders, _folder_key(named),
                                 recorded.stale + len(changed), _signed(named))
    return _Folder([entry for _, _, entry in named], recorded, [kept_rows, _marshalled(held)], recorded.folders,
                   len(changed), placed)


def _reread(archive: Archive, file: str, st: os.stat_result, row: tuple | None, provenance: "_Provenance",
            n: int | None) -> tuple[Entry, tuple]:
    """A page of an amended folder read (its kept `row`, if it had one, the `n`th of `provenance`):
    its entry and row. A page whose text is its row's (touched, checked out again) is its row's
    entry under its stat now, not parsed."""
    content_file = archive.content_file(Path(file))
    text = parsed.read_page(file)
    digest = parsed.digest(content_file, text)
    if row is not None and row[_DIGEST] == digest:
        row = (row[0], *parsed.signature(st), *row[_START:])
        return _entry_of_row(row, file.rpartition("/")[0], provenance, n, _inside(archive)), row
    entry = _made(content_file, _parsed_text(text, digest))
    return entry, _row(row[0] if row is not None else Path(file).name, st, entry)


def _as_recorded(path: str, rows: list, stats: dict) -> list | None:
    """Each recorded page's name and its file's stat now (as the build's fingerprint took it, else
    taken here); None when one is gone or not a plain file any more (collect says why)."""
    out = []
    for row in rows:
        full = f"{path}/{row[0]}"
        st = stats.get(full)
        if st is None:
            try:
                st = os.lstat(full)
            except OSError:
                return None
        if not stat_kind.S_ISREG(st.st_mode):
            return None
        out.append((row[0], st))
    return out


def _read_folder(archive: Archive, pages: list[tuple[Path, os.stat_result]], cache: parsed.ParsedPages,
                 at: tuple[int, int], folders: tuple[str, ...], now: int, rows: tuple | None) -> _Folder | None:
    """A folder's pages read as collect reads them (the parsed-page cache, else the page itself);
    None when one cannot be. `rows`: the folder's kept rows and their provenance (_rows), if any
    (are its pages placed as they were? see _placed)."""
    named, parsed_here = [], 0
    for path, st in sorted(pages, key=lambda page: page[0].name):
        try:
            entry = _recorded(archive, path, None, cache, st)
            if entry is None:
                parsed_here += 1
                entry = _read(archive, path, None, cache, st, _parsed(archive, cache, path, st))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        named.append((path.name, st, entry))
    folder = archive.content_file(pages[0][0]).rpartition("/")[0] if pages else ""  # (none: `was` not looked into)
    was = dict(zip((row[0] for row in rows[0]), _entries_of_rows(rows, f"{archive.root}/{folder}", _inside(archive)))) \
        if rows is not None else {}
    placed = was.keys() == {name for name, _, _ in named} and all(
        _placed(entry) == _placed(was[name]) for name, _, entry in named)
    # (a folder changed too lately to be taken by its time next time is listed again then: its rows
    # are kept to tell whether its pages stayed where they were)
    recorded = gathered.Recorded(gathered.settled_at(at, now), folders, _folder_key(named), signed=_signed(named))
    return _Folder([entry for _, _, entry in named], recorded, _kept(named), folders, parsed_here, placed)


# Pages to read and parse (not taken from the parsed-page cache) from which a first build parses them in
# a pool of one process per core: reading 100 000 pages was ~60 s of one core (parsing the front
# matter, working out the reading time), before same story could start; an edit or a day's files read
# a few, in this process.
PARALLEL_READ_FROM = 2000
# Pages a worker is handed at a time.
READ_CHUNK = 64


def _reading(archive: Archive, listed: list, last: Gathered | None, cache: parsed.ParsedPages, progress: Progress):
    """(path, stat, what was found) for each listed page, in order: its Entry (recorded, or kept from
    the last build), what _parsed gave, or the line of what reading it raised."""
    shown = progress.below(len(listed))
    tick = shown.phase("reading", len(listed), "page")
    found = [_recorded(archive, path, last, cache, stat) for path, stat in listed]
    todo = [(path, stat) for (path, stat), entry in zip(listed, found) if entry is None]
    tick(len(listed) - len(todo))
    with contextlib.ExitStack() as stack:
        if len(todo) >= PARALLEL_READ_FROM and forked.cores() > 1:
            pool = stack.enter_context(forked.Pool((archive, cache)))
            read = pool.imap(_parse_in_worker, todo, chunksize=READ_CHUNK)
        else:
            read = (_parse_here(archive, cache, path, stat) for path, stat in todo)
        # (in the listing's order, each read page as it comes: its entry is made here while the pool
        # reads on - after the pool, making 10 000 was ~0.15 s of a first build with the other core idle)
        for (path, stat), entry in zip(listed, found):
            if entry is None:
                entry = next(read)
                tick(1)
            yield path, stat, entry
    shown.end()


def _parse_here(archive: Archive, cache, path: Path, stat) -> tuple | str:
    try:
        return _parsed(archive, cache, path, stat)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return str(exc)


def _parse_in_worker(handed, item) -> tuple | str:
    archive, cache = handed
    return _parse_here(archive, cache, *item)


@contextlib.contextmanager
def _collector_paused(thaw: bool = True):
    """Python's cycle collector off while the site's objects are made, and those objects then moved
    out of its reach (gc.freeze). They are all kept (none is garbage), yet its passes walked them:
    full passes as their number grew (2.5 s of gathering 100 000 pages), then every pass that reached
    the oldest generation for the rest of the build (one title edited at 100 000: 37-39 s with the
    collector off for the whole build, 49-53 s with it on; with the gathered site frozen 42 s against
    47 s, medians of three side by side). What an earlier build of this process froze (serve) is
    handed back to the collector first, so a last site's cycles, if it had any, are still freed - not
    when `thaw` is false: what is frozen is this build's own (the rows read ahead: read_ahead; a
    full pass over them was ~0.17 s of one title edited at 100 000 articles)."""
    was = gc.isenabled()
    if thaw and gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def settle() -> None:
    """What the build has made so far and keeps moved out of the cycle collector's reach, as collect()
    does with the gathered site (see _collector_paused): the tables made after it - the last site's
    page keys and file stats, its shape - were walked again by every pass that reached the oldest
    generation (one title edited at 100 000 articles: ~1 s of ~12). Young cycles are collected first;
    the next collect() of this process hands everything back to the collector."""
    gc.collect(1)
    gc.freeze()


def collect_changed(archive: Archive, changed: set[Path], state: BuildState) -> tuple[Site | None, bool]:
    """The last collect() with only the `changed` content pages read again (serve's hot pass, told
    by the file watcher what changed); a full collect() when this state has none yet. Also whether
    the site kept its shape (every list the same articles in the same order).
    The site is None when a page is left out (a full build names every such page)."""
    last = state.gathered
    if last is None:
        site = collect(archive, state)
        return (None if site.problems else site), False
    if last.problems:
        return None, False
    entries = dict(last.entries)
    for path in changed:
        if path.is_symlink():
            return None, False  # a full build names it
        if not path.is_file():
            entries.pop(path, None)
            continue
        try:
            entries[path] = _entry(archive, path, last)
        except (OSError, UnicodeDecodeError, ValueError):
            return None, False
    swaps = {id(last.entries[p]): entries[p] for p in changed if p in last.entries and p in entries}
    site = _swapped(last.site, swaps) if len(entries) == len(last.entries) and last.site else None
    same_shape = site is not None
    site = site or _assemble(entries.values(), ())
    state.gathered = Gathered(entries, (), site)
    return site, same_shape


def _swapped(site: Site, swaps: dict[int, Entry]) -> Site | None:
    """The site with edited entries put in their predecessors' places, when each keeps its path, date,
    outlet and tags (so every list keeps its order and members: the usual edit); None otherwise.
    Groups without an edited member stay the same objects (their member digests are kept)."""
    old = {id(e): e for e in site.entries if id(e) in swaps}
    if len(old) != len(swaps) or any((e.path, e.date, e.outlet, e.tags) != (swaps[i].path, swaps[i].date,
                                     swaps[i].outlet, swaps[i].tags) for i, e in old.items()):
        return None

    def entries(found: tuple[Entry, ...]) -> tuple[Entry, ...]:
        return tuple(swaps.get(id(e), e) for e in found)

    def groups(found: tuple[Group, ...]) -> tuple[Group, ...]:
        return tuple(Group(g.name, g.slug, entries(g.entries)) if any(id(e) in swaps for e in g.entries) else g
                     for g in found)

    if site.versions and any(e.path in site.versions for e in old.values()):
        return None  # a version's edit may change which is the latest: the site is assembled again
    return Site(entries(site.entries), groups(site.outlets), groups(site.tags), groups(site.months), site.problems,
                site.earlier, site.versions)


def captured(e: Entry) -> tuple:
    """When a version was captured, for ordering versions: the Wayback capture's time where there is
    one, else the article's date; then its raw file's name."""
    stamp = WAYBACK_TIME.search(e.source.get("archive_url") or "")
    return (stamp.group(1) if stamp else "", instant(e.date), e.source.get("file") or "")


# A Wayback capture's time in its address: /web/20201020052559/...
WAYBACK_TIME = re.compile(r"/web/(\d{14})")


def _versions(found) -> tuple[list[Entry], tuple[Entry, ...], dict]:
    """The latest version of each article (and every article with one version), the earlier versions,
    and each version's page path -> all its versions, oldest first. Versions are the pages whose
    `source.version_of` names one raw file, with that file's own page."""
    found = sorted(found, key=lambda e: e.content_file)
    version_of = [e.source.get("version_of") for e in found]
    first_page = {}  # raw file -> the page of its capture (a page written without version_of)
    for e, of in zip(found, version_of):
        if not of:
            first_page.setdefault(e.source.get("file"), e.content_file)
    # (two pages of one raw file - a curator's copy - are two articles, not versions)
    roots = [first_page.get(of, e.content_file) if of else e.content_file for e, of in zip(found, version_of)]
    shared = {root for root, of in zip(roots, version_of) if of}  # (the roots with versions: few)
    latest, earlier, versions = [], [], {}
    by_root: dict[str, list[Entry]] = {}
    for e, root in zip(found, roots):
        if root in shared:
            by_root.setdefault(root, []).append(e)
        else:
            latest.append(e)  # (one version: nothing to order)
    for group in by_root.values():
        group.sort(key=captured)
        latest.append(group[-1])
        if len(group) > 1:
            earlier += group[:-1]
            versions.update({e.path: tuple(group) for e in group})
    return latest, tuple(sorted(earlier, key=lambda e: e.path)), versions


# Tags that mean one thing: data/tag_aliases.toml (see there).
TAG_ALIASES = DATA / "tag_aliases.toml"


def _tag_key(tag: str) -> str:
    return "".join(unicodedata.normalize("NFKC", tag).casefold().split())


@functools.lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    table = tomllib.loads(TAG_ALIASES.read_text(encoding="utf-8"))["aliases"]
    return {_tag_key(alias): name for name, aliases in table.items() for alias in [name, *aliases]}


def _one_tag_each(found: list[Entry]) -> list[Entry]:
    """The articles with their tags as one name each: an alias's canonical name, else the most used
    spelling of those differing only in case, width or spacing. An article whose tags change gets a
    digest that says so (its page and the tag lists are keyed by it)."""
    used = Counter(tag for e in found for tag in e.tags)
    key_of = {tag: _tag_key(tag) for tag in used}  # (each spelling keyed once, not at each use)
    spellings: dict[str, Counter] = {}
    for tag, count in used.items():
        spellings.setdefault(key_of[tag], Counter())[tag] += count
    aliases = _aliases()
    name = {key: aliases.get(key) or min(c, key=lambda t: (-c[t], t)) for key, c in spellings.items()}
    rename = {tag: name[key] for tag, key in key_of.items()}
    out = []
    for e in found:
        tags = tuple(dict.fromkeys(rename[t] for t in e.tags))
        if tags != e.tags:
            e = _retagged(e, tags)
        out.append(e)
    return out


def _retagged(e: Entry, tags: tuple[str, ...]) -> Entry:
    """An entry with its tags as the site spells them, and a digest that says so."""
    digest = hashlib.sha256(f"{e.digest}\0{tags}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    # (its fields copied as they are - dataclasses.replace would read every field, and decode the
    # provenance of each kept folder an entry retagged is in: ~0.3 s of an edit at 100 000 articles)
    retagged = object.__new__(Entry)
    for name in _FIELDS:
        slot = getattr(Entry, name)
        with contextlib.suppress(AttributeError):  # (the held fields unset while held)
            slot.__set__(retagged, slot.__get__(e))
    _SET_TAGS(retagged, tags)
    _SET_DIGEST(retagged, digest)
    return retagged


def _assemble(found, problems: tuple[tuple[str, str], ...]) -> Site:
    found, earlier, versions = _versions(_one_tag_each(list(found)))
    entries = sorted(found, key=lambda e: e.sort_key)
    months = _groups(entries, lambda e: [f"{e.date[:4]}-{e.date[5:7]}"] if e.date else [])
    months = tuple(sorted(months, key=lambda g: g.name, reverse=True))
    return Site(entries=tuple(entries), outlets=_groups(entries, lambda e: [e.outlet]),
                tags=_groups(entries, lambda e: e.tags), months=months, problems=problems, earlier=earlier,
                versions=versions)
