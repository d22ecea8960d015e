"""The gathered entries kept between builds, one file a content folder: a build in a new process takes
each page whose file is as recorded as the last build made its entry, without listing content/ page
by page, decoding the parsed-page cache and checking its rows (collect's ~2.9 s of one title edited
at 100 000 articles: the listing and its Paths ~0.9 s, the cache's rows ~1.1 s; the rows load here in
~0.7 s).

    .newsarchive-cache/gathered/index.bin     {"version": ..., "folders": {folder: [inode, mtime_ns, [its folders], key, stale]},
                                               "site": [made_of, digest of site.bin] or None}
    .newsarchive-cache/gathered/site.bin      the site's order (collect._order)
    .newsarchive-cache/gathered/<key>.bin     [[row, ...], provenance]  (a row: what collect makes an entry of,
                                              the provenance and summary of every row apart: see collect._kept)

Each file is checked (cache.write_checked), its value written by marshal. Why marshal: rows of plain values
(strings, numbers, tuples, dicts) load ~3x faster than orjson decodes the same as JSON, and loading
runs no code (pickle's would); a file damaged since it was written fails its check and counts as
none. The index names the code that wrote the rows (their values are made by it). A folder's key is a
hash of what its rows are made from (its pages' names, file signatures and digests) and names its
file, so a build writes only the folders whose pages changed.

Which folders and pages are taken as recorded is collect's business (collect._from_kept). A folder
is recorded with its inode and modification time, taken before it was listed, once settled
(archive.SETTLED_NS, as the listing keeps folders; else with UNSETTLED): while they are the same, no
page, folder or link was added to it, removed or renamed.
"""
from __future__ import annotations

import hashlib
import marshal
from typing import NamedTuple

from ..archive import SETTLED_NS
from ..parsed import SIGNATURE
from ..cache import CacheStore, code_key, own_folder, read_checked, remove_others, write_checked

FOLDER = "gathered"
INDEX = "index.bin"
SITE = "site.bin"  # the site assembled from the recorded folders' rows (collect._reassembled)
SUFFIX = ".bin"
# The row format (with the build's code, the index's version).
FORMAT = "7"
# The time a folder is recorded with when it changed too lately to be taken by it (SETTLED_NS): no
# folder has it, so the next build lists the folder again; its rows are kept all the same.
UNSETTLED = (-1, -1)


def settled_at(at: tuple[int, int], now: int) -> tuple[int, int]:
    """A folder's (inode, mtime_ns) as it is recorded: UNSETTLED when it changed within SETTLED_NS of
    `now` (time_ns)."""
    return at if now - at[1] > SETTLED_NS else UNSETTLED


class Recorded(NamedTuple):
    """One content folder as the index records it."""

    at: tuple[int, int]       # its (inode, mtime_ns) when it was listed
    folders: tuple[str, ...]  # the names of the folders in it
    key: str                  # what its rows are made from (folder_key), naming its file
    stale: int = 0            # pages read since the parsed-page cache's file of the folder was written
                              # (collect._amended: their rows there are not what the page is now)
    signed: str = ""          # its pages' names and file signatures (signed()): a walk that finds them
                              # so need not hand over each page's stat (content_aside.py)


def signed(names: list[str], stats: list) -> str:
    """A folder's pages' names and file signatures (parsed.SIGNATURE of each stat), hashed: `names`
    in their order, `stats` theirs - what collect records of a folder, and what the walk of content/
    made aside finds of it (content_aside.py). (Joined by map() in C, hashed once: the walk signs
    100 000 pages.)"""
    text = "".join(map("{}\0{}\n".format, names, map(SIGNATURE, stats)))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def folder_key(parts) -> str:
    """A folder's key from the strings that say what its rows are made from (collect gives each
    page's name, file signature and digest)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


# signed() of a folder without pages.
NO_PAGES = signed([], [])


class Kept:
    """The kept folders as one build uses them: rows() of the recorded ones, then save() them all."""

    def __init__(self, store: CacheStore | None):
        self._dir = store.path(FOLDER) if store is not None else None
        self._version = f"{FORMAT}:{code_key('build')}"
        # (a symlink made there by hand holds nothing, and is unlinked before anything is written:
        # never read or written through)
        linked = self._dir is not None and self._dir.is_symlink()
        self._site = None  # the index's [made_of, digest] of site.bin
        self._order = None  # (the order site.bin holds, its digest), once read or written
        self._ahead: dict[str, list | None] = {}  # rows() read ahead, by folder (read_ahead)
        self.folders: dict[str, Recorded] = {} if linked else self._index()

    def assembled(self):
        """The site's order as the last build assembled it from the recorded folders (what
        collect._order gives), None when there is none made from these very folders."""
        if self._dir is None or not self.folders or not (
                isinstance(self._site, list) and len(self._site) == 2 and self._site[0] == made_of(self.folders)):
            return None
        data = read_checked(self._dir / SITE)
        order = _loaded(data) if data is not None and _digest(data) == self._site[1] else None
        if order is not None:
            self._order = (order, self._site[1])
        return order

    def read_ahead(self, until) -> None:
        """rows() of the recorded folders read now, one folder after another, until `until()` says
        to stop (the build reads them while content/ is walked aside: content_aside.py). Each is
        given once: a second rows() of a folder reads its file again."""
        for folder in self.folders:
            if until():
                return
            self._ahead[folder] = self.rows(folder)

    def rows(self, folder: str) -> list | None:
        """What is kept of a recorded folder (collect._kept), None when it has none to take (not
        recorded, or its file gone or damaged)."""
        if folder in self._ahead:
            return self._ahead.pop(folder)
        recorded = self.folders.get(folder)
        rows = _read(self._dir / f"{recorded.key}{SUFFIX}") if recorded is not None else None
        return rows if isinstance(rows, list) else None

    def save(self, folders: dict[str, tuple[Recorded, list | None]], order=None) -> None:
        """The index written as `folders` say - each folder's Recorded, and its rows when its file may
        need writing (None: the recorded file stands) - and the files no folder names removed. A
        store that cannot be written is no error: the next build reads the pages as collect does."""
        if self._dir is None:
            return
        written = {}
        try:
            own_folder(self._dir)
            for folder, (recorded, rows) in folders.items():
                was = self.folders.get(folder)
                if rows is not None and not (was is not None and was.key == recorded.key
                                             and (self._dir / f"{recorded.key}{SUFFIX}").is_file()):
                    try:
                        _write(self._dir / f"{recorded.key}{SUFFIX}", rows)
                    except ValueError:  # a value marshal cannot write (none is expected): not recorded
                        continue
                written[folder] = recorded
            index = {folder: [*recorded.at, list(recorded.folders), recorded.key, recorded.stale, recorded.signed]
                     for folder, recorded in written.items()}
            site = None
            if order is not None and len(written) == len(folders):  # (made of every folder it names)
                site = [made_of(written), self._order_written(order)]
            else:
                (self._dir / SITE).unlink(missing_ok=True)
            _write(self._dir / INDEX, {"version": self._version, "folders": index, "site": site})
        except (OSError, ValueError):
            return
        remove_others(self._dir, {INDEX, SITE, *(f"{recorded.key}{SUFFIX}" for recorded in written.values())})
        self.folders = written

    def _order_written(self, order) -> str:
        """site.bin holding `order`, written unless it holds it already (the order assembled() gave,
        taken as it was: writing its 100 000 files again was ~0.1 s of an edit); its digest."""
        if self._order is not None and self._order[0] is order:
            return self._order[1]
        data = marshal.dumps(order)
        write_checked(self._dir / SITE, data)
        self._order = (order, _digest(data))
        return self._order[1]

    def _index(self) -> dict[str, Recorded]:
        found = _read(self._dir / INDEX) if self._dir is not None else None
        if not (isinstance(found, dict) and found.get("version") == self._version
                and isinstance(found.get("folders"), dict)):
            return {}
        self._site = found.get("site")
        try:
            return {folder: Recorded((ino, mtime), tuple(names), key, int(stale), str(signed_))
                    for folder, (ino, mtime, names, key, stale, signed_) in found["folders"].items()}
        except (TypeError, ValueError):
            return {}


def made_of(folders: dict[str, Recorded]) -> str:
    """What an assembled order was made from: every recorded folder's key."""
    return folder_key(f"{folder}\0{recorded.key}" for folder, recorded in sorted(folders.items()))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _write(path, value) -> None:
    write_checked(path, marshal.dumps(value))


def _read(path):
    """A file's value, None when there is none or it fails its check."""
    data = read_checked(path)
    return _loaded(data) if data is not None else None


def _loaded(data) -> object | None:
    """The value a checked file's data holds, None when it does not load."""
    try:
        return marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None

