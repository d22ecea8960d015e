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
    Aside(site) .walked() -> write.Present | None      (site/ as found; None: walk it yourself)
                .ready() -> bool                       (whether walked() answers at once)
                .walked_sum() -> int | None

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
from pathlib import Path

from .. import forked
from ..archive import Archive
from .fingerprint import STATE, site_sum
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
        return Aside(archive.site)
    except OSError:  # (no temporary file to be had: the build walks site/ itself)
        return None


class Aside:
    """The walk, being made on a forked child (started here): walked() waits for it."""

    def __init__(self, site: Path):
        context = multiprocessing.get_context("fork")
        # The walk comes in a file without a name that both processes hold, the pipe saying how long
        # it is: through the pipe itself, the 14 MB walk of 130 000 files passed 64 KB at a time, each
        # waiting for the child (niced, beside same story's process) - ~0.3 s of an edit at 100 000
        # articles. (Unnamed: nothing is left behind by a build killed.)
        self._file = tempfile.TemporaryFile()
        self._receive, send = context.Pipe(duplex=False)
        self._child = context.Process(target=_aside, args=(site, send, self._file.fileno(), os.getpid()),
                                      daemon=True, name="build-aside")
        self._child.start()
        send.close()
        self._found: Present | None = None
        self._sum: int | None = None
        self._asked = False

    def ready(self) -> bool:
        """Whether walked() answers at once (the child has sent its walk, or ended)."""
        try:
            return self._asked or self._receive.poll()
        except (OSError, ValueError):  # (closed)
            return True

    def walked(self) -> Present | None:
        """site/'s files with their stats as the child found them, None when it could not walk it."""
        if not self._asked:
            self._asked = True
            self._found = self._read(self._next())
        return self._found

    def _read(self, size: int | None) -> Present | None:
        """The walk the child wrote (`size` bytes), None when it wrote none (or not that much)."""
        if size is None:
            return None
        try:
            data = os.pread(self._file.fileno(), size, 0)
        except (OSError, ValueError):
            return None
        return pickle.loads(data) if len(data) == size else None

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
        self._file.close()


def _aside(site: Path, send, file: int, parent: int) -> None:
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
    data = pickle.dumps(present, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        written = os.pwrite(file, data, 0)
    except OSError:  # (a full disk: the building process walks site/ itself)
        written = -1
    # (the walk first: the build waits for it, and for the sum only once it is done)
    send.send(len(data) if written == len(data) else None)
    send.send(site_sum(present.stats))
