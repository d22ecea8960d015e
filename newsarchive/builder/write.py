"""Write: pages -> site/, staged beside the old site and swapped in whole.

The new site is written to `.site-new-<pid>` next to `site/` while it is being rendered (a
writer thread puts each page on disk as it comes, so disk time overlaps rendering); only when
every file is there does it replace `site/` in one atomic exchange. A failure leaves the last
good site in place. A path written twice is refused.
"""
from __future__ import annotations

import ctypes
import enum
import errno
import os
import queue
import shutil
import threading
from pathlib import Path

from ..cache import named_error, replace_file
from ..model import InputError


class DoubleWrite(Exception):
    pass


class Placed(enum.Enum):
    """A file given to Staging.add that a worker process has already written into Staging.folder
    itself (write_new): the bytes of 100 000 article pages no longer pass through this process and
    its one writer thread, which could not keep up with two workers (starved of the GIL, it let
    pages pile up by the gigabyte)."""

    WRITTEN = "written"


def write_new(data: bytes, target: Path) -> None:
    """A file put into a staging folder by a worker (see Placed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _put(data, target)


class Staging:
    """The next site, being written. add() every file, then commit(); leaving the `with` block
    without commit() (an error on the way) removes it and keeps the last site.

    A file is bytes (written) or a Path (a file of the last site or of a cache, hard-linked:
    the same bytes without copying them), or Placed.WRITTEN (a worker wrote it there: not with
    `compare`, which needs the bytes).
    """

    def __init__(self, site: Path, compare: bool = False, tell=print):
        self.site, self.tell = site, tell
        self.committed = False
        # compare: note each file whose bytes differ from the last site's (serve tells the open pages)
        self.compare, self.changed = compare, []
        self.folder = site.parent / f".site-new-{os.getpid()}"
        self.paths: set[str] = set()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._writer = threading.Thread(target=self._write_all, name="site-writer", daemon=True)

    def __enter__(self) -> "Staging":
        if self.site.is_symlink():  # never written through, nor swapped away: the archivist's to remove
            raise InputError(f"{self.site}: a symlink ({os.readlink(self.site)}); the site is never written "
                             "through one: remove it and build again")
        for folder in (self.site.parent, self.site):
            if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
                raise InputError(f"{folder}: not writable; the site is written there: make it writable "
                                 "(chmod u+w) and build again")
        remove_stale(self.site, self.tell)
        self.folder.mkdir(parents=True)
        self._writer.start()
        return self

    def add(self, rel_path: str, data: bytes | Path | Placed) -> None:
        if rel_path in self.paths:
            raise DoubleWrite(f"two pages want {rel_path}")
        if self._error is not None:
            raise self._error
        self.paths.add(rel_path)
        if data is not Placed.WRITTEN:
            self._queue.put((rel_path, data))

    @property
    def writable_by_workers(self) -> Path | None:
        """The folder workers may write new files into themselves (Placed), None when every file
        must pass through here (`compare`)."""
        return None if self.compare else self.folder

    def commit(self) -> None:
        self._finish()
        swap(self.site, self.folder, self.tell)
        self.committed = True

    def __exit__(self, *exc) -> None:
        if self._writer.is_alive():
            self._finish(raise_error=False)
        if not self.committed and self.folder.exists():  # the half-made site goes
            _discard(self.folder, self.tell)

    def _finish(self, raise_error: bool = True) -> None:
        self._queue.put(None)
        self._writer.join()
        if raise_error and self._error is not None:
            raise self._error

    def _write_all(self) -> None:
        made: set[Path] = set()
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain: the build will fail at its next add() or at commit()
            try:
                target = self.folder / item[0]
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                if self.compare and _differs(item[1], self.site / item[0]):
                    self.changed.append(item[0])
                _put(item[1], target)
            except BaseException as exc:  # noqa: B036 - handed to the building thread
                self._error = exc


def _differs(data: bytes | Path, old: Path) -> bool:
    """Whether a new site file differs from the last site's (a file linked from it is the same)."""
    try:
        if isinstance(data, Path):
            return not os.path.samefile(data, old) and data.read_bytes() != old.read_bytes()
        return old.read_bytes() != data
    except OSError:  # no such file in the last site
        return True


def _put(data: bytes | Path, target: Path) -> None:
    try:
        if isinstance(data, Path):
            _link(data, target)
            return
        with open(target, "xb") as fh:  # 'x': a path written twice is an error, not an overwrite
            fh.write(data)
    except OSError as exc:  # a full disk: the error of a write names no file
        raise named_error(exc, target) from None


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # fails if target exists: no path is written twice
    except OSError as exc:
        if target.exists():
            raise
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
            raise
        shutil.copyfile(source, target)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE).

    Python's os module has no renameat2; two renames would leave a moment with no site/ at
    all, which a kill could freeze. Returns False where the call is unavailable.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def swap(site: Path, staging: Path, tell=print) -> None:
    """The staged site in place of site/; the last site is then removed (`tell`: a line for what
    could not be)."""
    if site.exists() and _exchange(staging, site):
        _discard(staging, tell)  # now holds the old site
        return
    old = site.parent / f".site-old-{os.getpid()}"
    if site.exists():
        os.replace(site, old)
    os.replace(staging, site)
    if old.exists():
        _discard(old, tell)


def remove_stale(site: Path, tell=print) -> None:
    """Staging folders left by a killed build (or a last site that could not be removed) are removed
    before a new one starts."""
    for leftover in site.parent.glob(".site-*-*"):
        if leftover.is_symlink():
            leftover.unlink()
        elif leftover.is_dir():
            _discard(leftover, tell)


def _discard(folder: Path, tell) -> None:
    """A set-aside site removed. One that cannot be (a folder in it made read-only) is not the build's
    failure - the new site is in place - but a line saying what to do; the next build tries again."""
    failed: list[tuple[str, str]] = []

    def note(_function, path, exc_info):
        if not failed:
            failed.append((path, getattr(exc_info[1], "strerror", None) or str(exc_info[1])))

    shutil.rmtree(folder, onerror=note)
    if failed:
        path, reason = failed[0]
        tell(f"newsarchive: {folder}: a last site set aside, not removed ({path}: {reason}); "
             f"make it writable or remove it by hand")


def replace_in_place(site: Path, pages: dict[str, bytes], gone: list[str]) -> int:
    """serve's hot pass: each changed file of site/ replaced whole (written beside it, renamed over
    it: a reader has the old file or the new), `gone` files removed. Files whose bytes did not change
    are left alone. Returns how many files changed."""
    changed = 0
    for rel_path, data in sorted(pages.items()):
        target = site / rel_path
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, data)
        changed += 1
    for rel_path in gone:
        (site / rel_path).unlink(missing_ok=True)
        changed += 1
    return changed
