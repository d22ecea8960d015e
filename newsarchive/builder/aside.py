"""site/ walked on a process of its own (forked) while a build that keeps most of the last site gathers
what its pages need: each file's stat - what the memo checks each kept page against and what the
commit compares the new site with - then the walk's sum of file lines (fingerprint.site_sum), from
which the built site's state is worked out after the commit (sent after the walk: summing 130 000
lines took ~1 s, while the build waited for the walk). In the building process these were
~1.5 s of one title edited at 100 000 articles (the article pages' stats, the commit's walk, the
state's walk of 130 000 files), on the way from same story's answer to the end; the walk is done
on the other core while the build walks content/ for its fingerprint and gathers the site
(walk_aside, called by build() first). When the fingerprint says the inputs are the last build's, the
walk's sum is what the build compares the site with (fingerprint.unchanged).

    walk_aside(archive) -> Aside | None
    Aside(site, memo_file) .walked() -> Walk | None    (site/ as found; None: walk it yourself)
                           .ready() -> bool            (whether walked() answers at once)
                           .walked_sum() -> int | None

The walk comes as a few strings and arrays (Walk), not as the sets and dict of a write.Present:
unpickling those, 130 000 files at 100 000 articles, was ~0.35 s of an edit in the building process.
The aside also compares the walk with the stats the page memo recorded (its file read here too) and
sends the recorded pages whose files are not as recorded: the memo checks its kept pages by that,
not by a comparison of its own (~0.25 s there).

A first build (or one after a code, layout or config change: no page of the last site kept) has none.
site/ is not changed before the commit (the new files are staged beside it; a commit a killed run
left half done is finished before the aside starts), so a walk made early is the walk at the
commit; the memo's stats taken ahead rely on it too.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
from array import array
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from .. import forked
from ..archive import Archive
from .fingerprint import STATE, site_sum
from .memo import differing, memo_file, recorded_files
from .write import Present, interrupted, walk

# How much lower the aside's priority is than the build's (os.nice): same story's comparison, on the
# other core once it is handed its sheets, goes first.
NICENESS = 10


def walk_aside(archive: Archive) -> "Aside | None":
    """site/ walked aside when pages of the last site may be kept - a build recorded the site it
    wrote whole (fingerprint.remember; whether its page keys hold for this build is known once the
    site is gathered: an aside not needed then is ended) - and site/ is as the commit will find it:
    not a symlink (refused), no commit a killed run left half done (finished first, by the staging).
    Started before the build's fingerprint: started after it, the walk came after the first list
    pages and the build waited ~0.3 s for it at 100 000 articles (started after gathering, ~1 s);
    the other core, where it runs, is free while content/ is walked and the site gathered."""
    if not archive.cache.path(archive.site_tenant(STATE)).is_file() or not archive.site.is_dir() \
            or archive.site.is_symlink() or interrupted(archive.site):
        return None
    try:
        return Aside(archive.site, memo_file(archive))
    except OSError:  # (no temporary file to be had: the build walks site/ itself)
        return None


class Aside:
    """The walk, being made on a forked child (started here): walked() waits for it."""

    def __init__(self, site: Path, memo_file: Path | None = None):
        """`memo_file`: the page memo's recorded keys and stats (memo.MANIFEST), compared with the
        walk (Walk.differ); None: not compared."""
        context = multiprocessing.get_context("fork")
        # The walk comes in a file without a name that both processes hold, the pipe saying how long
        # it is: through the pipe itself, the 14 MB walk of 130 000 files passed 64 KB at a time, each
        # waiting for the child (niced, beside same story's process) - ~0.3 s of an edit at 100 000
        # articles. (Unnamed: nothing is left behind by a build killed.)
        self._file = tempfile.TemporaryFile()
        self._receive, send = context.Pipe(duplex=False)
        asked, self._ask = context.Pipe(duplex=False)
        self._child = context.Process(target=_aside, args=(site, send, self._file.fileno(), os.getpid(), memo_file,
                                                           asked), daemon=True, name="build-aside")
        self._child.start()
        send.close()
        asked.close()
        self._found: Walk | None = None
        self._sum: int | None = None
        self._asked = False

    def sum_first(self) -> None:
        """Tell the child its sum is wanted before the memo's comparison (a build whose inputs are
        the last build's asks for the sum alone: the comparison first, reading the memo's file, was
        ~0.3 s of a build with nothing to do at 100 000 articles). Told after the walk, too late."""
        try:
            self._ask.send_bytes(b"sum")
        except (OSError, ValueError):  # (the child is gone: walked_sum says so)
            pass

    def ready(self) -> bool:
        """Whether walked() answers at once (the child has sent its walk, or ended)."""
        try:
            return self._asked or self._receive.poll()
        except (OSError, ValueError):  # (closed)
            return True

    def walked(self) -> "Walk | None":
        """site/'s files with their stats as the child found them, None when it could not walk it."""
        if not self._asked:
            self._asked = True
            self._found = self._read(self._next())
        return self._found

    def _read(self, size: int | None) -> "Walk | None":
        """The walk the child wrote (`size` bytes), None when it wrote none (or not that much)."""
        if size is None:
            return None
        try:
            data = os.pread(self._file.fileno(), size, 0)
        except (OSError, ValueError):
            return None
        return Walk(pickle.loads(data)) if len(data) == size else None

    def walked_sum(self) -> int | None:
        """fingerprint.site_sum of walked()'s files, None when there is no walk."""
        if self.walked() is None:
            return None
        if self._sum is None:
            self._sum = self._next()
            self.close()
        return self._sum

    def _next(self):
        """What the child sends next; None once it has died."""
        try:
            return self._receive.recv()
        except (EOFError, OSError):  # (the child died, or was ended)
            return None

    def close(self) -> None:
        """End the child (a build that failed before it asked must not leave it running)."""
        if self._child.is_alive():
            self._child.kill()
        self._child.join()
        self._receive.close()
        self._ask.close()
        self._file.close()


class _Sent(NamedTuple):
    """A walk as the child writes it (a few objects: see Walk)."""

    names: str                 # each file's and symlink's path, NUL-joined: the files first
    files: int                 # how many of them are files
    sizes: bytes               # each one's size (array "q")
    times: bytes               # each one's mtime_ns (array "q")
    folders: str               # each folder's path, NUL-joined
    links: bool                # whether any entry is a symlink
    memo: tuple | None         # the memo's file as it was read (recorded_as), None: not read
    differ: list | None        # its recorded pages whose files are not as recorded (None: not read)


def _sent(present: Present, memo_file: Path | None) -> _Sent:
    stats = present.stats
    files = [path for path in stats if path in present.files]
    names = files + [path for path in stats if path not in present.files]
    found = recorded_files(memo_file) if memo_file is not None else None
    memo, differ = (found[0], list(differing(found[1], stats))) if found is not None else (None, None)
    return _Sent("\0".join(names), len(files), array("q", [stats[n][0] for n in names]).tobytes(),
                 array("q", [stats[n][1] for n in names]).tobytes(), "\0".join(present.folders), present.links,
                 memo, differ)


class Walk(Mapping):
    """site/ as the aside walked it: its `files`, `folders` and `links` as write.Present has them,
    and as a mapping (its `stats`) each file's and symlink's (size, mtime_ns) by relative path - each
    made when first asked for, from the few strings and arrays sent (_Sent)."""

    def __init__(self, sent: _Sent):
        self._sent, self.links = sent, sent.links

    @cached_property
    def _names(self) -> list[str]:
        return self._sent.names.split("\0") if self._sent.names else []

    @cached_property
    def files(self) -> set[str]:
        return set(self._names[:self._sent.files])

    @cached_property
    def folders(self) -> set[str]:
        return set(self._sent.folders.split("\0")) if self._sent.folders else set()

    @cached_property
    def _at(self) -> dict[str, int]:
        return dict(zip(self._names, range(len(self._names))))

    @cached_property
    def _stats(self) -> tuple:
        return array("q", self._sent.sizes), array("q", self._sent.times)

    @property
    def stats(self) -> "Walk":
        return self

    def __getitem__(self, path: str) -> tuple[int, int]:
        n = self._at[path]
        sizes, times = self._stats
        return sizes[n], times[n]

    def __contains__(self, path) -> bool:
        return path in self._at

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def differ(self, memo_file_was: tuple | None) -> frozenset[str] | None:
        """The memo's recorded pages whose files are not as recorded, when the aside read the memo's
        file as it was when the memo read it (`memo_file_was`: recorded_as then), else None."""
        sent = self._sent
        if sent.differ is None or memo_file_was is None or tuple(sent.memo) != tuple(memo_file_was):
            return None
        return frozenset(sent.differ)


def _aside(site: Path, send, file: int, parent: int, memo_file: Path | None = None, asked=None) -> None:
    forked.die_with_parent(parent)
    try:
        os.nice(NICENESS)
    except OSError:  # (not allowed here: the aside runs at the build's priority)
        pass
    try:
        present = walk(site)
    except OSError:  # a folder that cannot be listed: the building process meets it
        send.send(None)
        return
    if asked is not None and asked.poll():  # (the sum wanted first: the memo is compared by the build, if at all)
        memo_file = None
    data = pickle.dumps(_sent(present, memo_file), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        written = os.pwrite(file, data, 0)
    except OSError:  # (a full disk: the building process walks site/ itself)
        written = -1
    # (the walk first: the build waits for it, and for the sum only once it is done)
    send.send(len(data) if written == len(data) else None)
    send.send(site_sum(present.stats))
