"""Pages kept from the last build: a page whose inputs did not change is linked from the last good
site instead of being rendered again, across runs.

A page's key hashes everything it is made of: the site-wide part (the code, layouts, static files,
config, and the few site facts every page shows - article and outlet counts, outlet and tag slugs)
and the page's own inputs (template, path, language, and its context, where an article stands for
its content page's digest, which covers its path). The keys of the site last written are kept in
`pages.json` of the archive's cache store, each with its file's size and time; a page whose key
matches, and whose file is still in site/ as it was written (not deleted, not edited by hand), is
hard-linked into the new site (site files are never changed in place, only replaced whole; serve's
hot pass replaces single files by rename, with the keys removed from disk until it is done).
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path

from ..archive import Archive
from ..cache import code_key, decode
from ..cache import file_stat as _stat
from .collect import Entry, Group
from .shape import SHAPE
from .write import Placed

# The tenant's file in the cache store.
MANIFEST = "pages.json"


def fingerprint(value) -> str:
    """A page's context value spelled out as a string that changes whenever what the page shows can:
    an article stands for its digest (of its path and text), a group for one digest of its members
    (index pages show every group). Every piece carries its type and strings their length, so two
    different contexts never spell the same."""
    parts: list[str] = []
    _spell(value, parts)
    return "".join(parts)


def _spell(value, parts: list[str]) -> None:
    speller = _SPELLERS.get(type(value))
    if speller is not None:
        speller(value, parts)
    else:
        _spell_any(value, parts)


def _spell_any(value, parts: list[str]) -> None:
    """The spelling of a value of any type _spell's look-up does not hold (a subclass: Markup, a named
    tuple, an enum of int...), by the first isinstance test it passes."""
    if isinstance(value, Entry):
        _spell_entry(value, parts)
    elif isinstance(value, Group):
        _spell_group(value, parts)
    elif isinstance(value, (list, tuple)):
        _spell_sequence(value, parts)
    elif isinstance(value, dict):
        _spell_dict(value, parts)
    elif isinstance(value, str):
        _spell_str(value, parts)
    elif value is None or isinstance(value, (int, float, bool)):
        _spell_value(value, parts)
    elif is_dataclass(value):
        parts.append(f"D{type(value).__name__}(")
        for f in fields(value):
            _spell(f.name, parts)
            _spell(getattr(value, f.name), parts)
        parts.append(")")
    else:
        raise TypeError(f"no fingerprint for {type(value).__name__}: a page input the cache cannot see")


def _spell_entry(value: Entry, parts: list[str]) -> None:
    parts.append(f"E{value.digest}")  # the page's path and text


def _spell_group(value: Group, parts: list[str]) -> None:
    parts.append(f"G{len(value.name)}:{value.name}{len(value.slug)}:{value.slug}{value.members}")


def _spell_str(value: str, parts: list[str]) -> None:
    parts.append(f"S{len(value)}:{value}")


def _spell_value(value, parts: list[str]) -> None:
    parts.append(f"V{value!r}\0")


def _spell_sequence(value, parts: list[str]) -> None:
    parts.append("[")
    for v in value:
        kind = type(v)
        # (most items of a list page's key: spelled here as _spell_entry, _spell_str and _spell_value
        # spell them, not by a call each)
        if kind is Entry:
            parts.append(f"E{v.digest}")
        elif kind is str:
            parts.append(f"S{len(v)}:{v}")
        elif v is None:
            parts.append("VNone\0")
        else:
            _spell(v, parts)
    parts.append("]")


def _spell_dict(value: dict, parts: list[str]) -> None:
    parts.append("{")
    for k in sorted(value):
        _spell(k, parts)
        _spell(value[k], parts)
    parts.append("}")


# The spelling of a value of exactly these types (_spell_any's, by one look-up: a list page's key
# spells some 200 values, 38 us by the isinstance chain, 12 us so; 15 000 keys at 10 000 articles).
_SPELLERS = {Entry: _spell_entry, Group: _spell_group, list: _spell_sequence, tuple: _spell_sequence,
             dict: _spell_dict, str: _spell_str, type(None): _spell_value, int: _spell_value,
             float: _spell_value, bool: _spell_value}


# How many pages are checked by a stat of their own between two asks whether the walk made aside has
# come (each ask polls its pipe: ~20 us, ~0.3 s of an edit at 100 000 articles asked page by page).
READY_EVERY = 256


class Memo:
    """carry: the pages not looked at stay recorded as they were (serve's hot pass, which renders
    only what an edit touched and leaves every other file of site/ in place)."""

    def __init__(self, archive: Archive, site_key: str, carry: bool = False, ahead: tuple | None = None):
        """`ahead`: read_ahead() of this archive, taken when the file is still the one it read."""
        self.site, self.store, self.site_key = archive.site, archive.cache, site_key
        self._root = str(self.site)  # (a page's file as a string: joining Paths was most of a stat's time)
        self.name = archive.site_tenant(MANIFEST)  # each site folder (site/, serve's preview) has its own
        self.shape_name = archive.site_tenant(SHAPE)
        # (the file as it is read: the walk made aside compares with it, if it read the same file)
        self._recorded_as = recorded_as(self.store.path(self.name))
        stored = self._stored(ahead) if self.site.is_dir() else None
        saved = stored[1] if stored is not None and stored[0] == site_key else None
        # {"keys": {path: key}, "files": {path: [size, mtime_ns] of the file the key was recorded for]}
        self.before: dict[str, str] = {}
        self._files: dict[str, list] = {}  # (as loaded: each checked when compared, see _recorded)
        if isinstance(saved, dict) and isinstance(saved.get("keys"), dict) and isinstance(saved.get("files"), dict) \
                and saved["keys"].keys() == saved["files"].keys():
            self._files, self.before = saved["files"], saved["keys"]
        self.now: dict[str, str] = dict(self.before) if carry else {}
        # Pages taken from the last site as they were: their recorded size and time still hold.
        self._unchanged: set[str] = set(self.before) if carry else set()
        self._looked: dict[str, tuple[int, int] | None] = {}  # path -> its file's stat, taken ahead (look_ahead)
        # The recorded pages whose files are not as recorded, once a walk of site/ has come (walk_from)
        self._differ: frozenset[str] | set[str] | None = None
        self._walk = self._walk_ready = None
        self._checks = 0  # pages checked by a stat of their own while the walk had not come

    def _stored(self, ahead: tuple | None) -> tuple | None:
        """(version, data) of the memo's file: as read ahead while the file there is the one read."""
        if ahead is not None and ahead[0] is not None and ahead[0] == self._recorded_as:
            return ahead[1]
        return self.store.load_any(self.name)

    def key(self, *inputs) -> str:
        text = self.site_key + fingerprint(inputs)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def reuse(self, path: str, key: str) -> Placed | None:
        """Placed.KEPT (the last site's file for path, as it is) when its key is unchanged (the key is
        recorded either way)."""
        self.now[path] = key
        if self.before.get(path) == key and self._intact(path):
            self._unchanged.add(path)
            return Placed.KEPT
        self._unchanged.discard(path)
        return None

    def _intact(self, path: str) -> bool:
        """Whether the last site's file is the one its key was recorded for (not deleted, not edited).
        By the walk made aside once it has come (the list pages, before the article pages look
        ahead, took a stat each: ~0.8 s of an edit at 100 000 articles)."""
        if self._differ is None and self._walk_ready is not None:
            self._checks += 1  # (asked at the first check, then at every READY_EVERY-th)
            if self._checks % READY_EVERY == 1 and self._walk_ready():
                self.look_ahead(())
        if self._differ is not None:
            return path in self._files and path not in self._differ
        stat = self._looked.pop(path) if path in self._looked else self._stat(path)
        return stat is not None and stat == _recorded(self._files.get(path))

    def _stat(self, path: str) -> tuple[int, int] | None:
        stat = _stat(f"{self._root}/{path}")
        return (stat[0], stat[1]) if stat is not None else None

    def walk_from(self, walked, ready=None) -> None:
        """`walked`: a callable giving site/ as write.walk() found it during this build (aside.py), or
        None when it could not: look_ahead() takes the stats from there, and so does each check of a
        page once `ready()` says the walk has come."""
        self._walk, self._walk_ready = walked, ready

    def look_ahead(self, paths) -> None:
        """Take the stats of these pages' files now (site/ is not changed before the commit): a build
        waiting for same story checks the article pages it will keep while it waits (100 000 stats,
        ~1.4 s after the wait otherwise) - or every page's from a walk of site/ made aside."""
        walked = self._walk() if self._walk is not None else None
        self._walk_ready = None
        if walked is not None:
            differ = walked.differ(self._recorded_as) if hasattr(walked, "differ") else None
            # (compared here when the aside could not: ~0.25 s at 100 000 articles)
            self._differ = differ if differ is not None else differing(self._files, walked.stats)
            return
        self._looked.update((path, self._stat(path)) for path in paths if path in self._files)

    def kept(self, path: str) -> Placed | None:
        """Placed.KEPT (the last site's file for path, as it is), its recorded key carried over
        unchanged (see Renderer.kept); None when there is no such file."""
        if path in self.before and self._intact(path):
            self.now[path] = self.before[path]
            self._unchanged.add(path)
            return Placed.KEPT
        return None

    def kept_all(self, paths: set[str]) -> set[str]:
        """kept() of many pages at once: those whose last file is as recorded, their keys carried
        over (one pass over the walk made aside, when it has come: kept() a page at a time was ~0.3 s
        of the 100 000 article pages an edit keeps)."""
        if self._differ is None:
            return {path for path in paths if self.kept(path)}
        intact = (paths & self.before.keys()) - self._differ  # (set operations, in C)
        self.now.update(zip(intact, map(self.before.__getitem__, intact)))
        self._unchanged |= intact
        return intact

    def forget(self, path: str) -> None:
        self.now.pop(path, None)

    def drop_saved(self) -> None:
        """Before site/ files are replaced in place: no recorded key may vouch for a file being changed,
        nor the recorded site shape for the pages they are kept by (shape.py, saved after the keys)."""
        self.store.forget(self.name)
        self.store.forget(self.shape_name)

    def save(self, site_files: Mapping[str, tuple[int, int]] | None = None) -> None:
        """After the new site is in place: its keys become the ones to compare with. `site_files`:
        the site's files' stats as the commit knows them (Staging.site_files), or None: each page's
        file is stat'ed here.

        Written beside and renamed over (a kill leaves the old file or the new), not flushed to disk:
        site/ itself is not flushed either (it is rebuilt from content/), so a flush would buy nothing
        after a power cut, and it cost serve's hot pass up to 50 ms here."""
        # (the recorded stats copied whole, those of the pages no longer there dropped and those of
        # the pages written now taken: a list made for each of 130 000 pages was ~0.3 s of an edit)
        files = dict(self._files)
        for path in files.keys() - self.now.keys():
            del files[path]
        known = site_files if site_files is not None else {}
        for path in self.now.keys() - self._unchanged:
            files[path] = known.get(path) or self._stat(path) or (-1, -1)
        # (in the order the build met the pages, not sorted: nothing reads the file by its order, and
        # sorting its 2 x 130 000 keys was ~0.04-0.07 s of an edit at 100 000 articles, after the commit)
        self.store.save(self.name, self.site_key, {"keys": self.now, "files": files}, plain=True)


def memo_file(archive: Archive) -> Path:
    """The page memo's file of the archive's site (each site folder has its own tenant)."""
    return archive.cache.path(archive.site_tenant(MANIFEST))


def read_ahead(archive: Archive) -> tuple:
    """The page memo's file as a Memo of `archive` reads it - (recorded_as, CacheStore.load_any) - read
    before its site key is known: while content/ is walked aside (decoding it was ~0.15 s of one
    title edited at 100 000 articles, after that walk)."""
    return recorded_as(memo_file(archive)), archive.cache.load_any(archive.site_tenant(MANIFEST))


def first_build(archive: Archive) -> bool:
    """Whether a build of `archive` will keep no page of the last site, as told before the site is
    read: there is no site/, or no memo file of it. (A memo file of another site key keeps none
    either: such a build is not told apart here.)"""
    return not archive.site.is_dir() or recorded_as(memo_file(archive)) is None


def recorded_as(file: Path) -> tuple[int, int, int] | None:
    """Which file the memo's is (inode, size, mtime_ns: it is replaced whole when saved), None when
    there is none."""
    try:
        st = os.stat(file)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def recorded_files(file: Path) -> tuple[tuple[int, int, int], dict] | None:
    """(which file it is - recorded_as -, the stats it records by page) of a memo's file, whatever
    site key it was saved under; None when there is none or it is not of the memo's shape."""
    was = recorded_as(file)
    try:
        files = decode(file.read_bytes())["data"]["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (was, files) if was is not None and isinstance(files, dict) else None


def differing(files: dict, stats) -> set[str]:
    """The recorded pages (`files`: as saved, path -> [size, mtime_ns]) whose files are not as
    recorded in `stats` (path -> (size, mtime_ns): a walk of site/), or whose record is damaged."""
    return {path for path, stat in files.items()
            if (recorded := _recorded(stat)) is None or stats.get(path) != recorded}


def _recorded(stat) -> tuple | None:
    """A recorded [size, mtime_ns] as a stat is compared with it; None when it is not one (damaged)."""
    return tuple(stat) if isinstance(stat, list) and len(stat) == 2 else None


def site_key(layout_files: tuple, assets: dict[str, str], config, problems: int = 0) -> str:
    """Everything every page depends on, hashed once per build (layout_files: render.Layouts.files):
    the build's code (cache.CODE), layouts, static files, config and the one site fact every page
    shows (how many problems its footer names). Not the archive's size or its outlets and tags: a
    page that shows them has them in its own key (an article its outlet's and tags' pages), so a
    new article changes the pages that show it, not every page."""
    h = hashlib.sha256(code_key("build").encode())
    h.update(repr(layout_files).encode())
    h.update(repr(sorted(assets.items())).encode())
    h.update(fingerprint(config).encode("utf-8", "surrogatepass"))
    h.update(repr(problems).encode())
    return h.hexdigest()
