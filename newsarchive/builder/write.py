"""Write: pages -> site/, staged beside the old site, then put in place.

The new site's new files are written to `.site-new-<pid>` next to `site/` while it is being rendered
(a writer thread puts each page on disk as it comes, so disk time overlaps rendering). A failure
before the commit leaves the last good site as it was. A path written twice is refused. The commit:

- few new files (at most IN_PLACE_SHARE of the site: an edit, a day's files): each renamed over its
  old file in site/, and the files no page wants removed, under a journal (`.site-commit-<pid>`)
  written first. A kill in that short step leaves the journal, and the next run finishes it before
  anything else. The last site's kept files are not touched: at 100 000 articles, linking the
  130 000 of them into a whole new site and removing the old one was ~10 s of every edit.
- many (a first build, a layout change): the kept files hard-linked in beside them, and the staged
  site swapped for the last one in one atomic exchange.
"""
from __future__ import annotations

import ctypes
import enum
import errno
import json
import os
import queue
import shutil
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from ..cache import TEMPORARY_SUFFIX, named_error, replace_file
from ..model import InputError

# The largest share of the site's files a build may commit in place (see the module's docstring):
# more, and staging the whole site and swapping it in costs little beside writing them.
IN_PLACE_SHARE = 0.25
# The journal of a commit in place (site.parent / f"{JOURNAL}{pid}"), JSON: the site's folder name,
# the staging folder's name, and the files to remove.
JOURNAL = ".site-commit-"

# The name of the thread that writes the staged files (parallel.py forks beside it).
WRITER_THREAD = "site-writer"


class DoubleWrite(Exception):
    pass


class Placed(enum.Enum):
    """A file given to Staging.add as neither bytes nor a file to link (nor Written): KEPT, the last
    site's own file at that path, as it is (a page the memo kept): a Path made for each of them, and
    compared with the site's, was ~0.45 s of an edit at 100 000 articles."""

    KEPT = "kept"


class Written(NamedTuple):
    """A file given to Staging.add that a worker process has already written into Staging.folder
    itself (write_new): its (size, mtime_ns), as site_files() gives them. The bytes of 100 000
    article pages no longer pass through this process and its one writer thread, which could not
    keep up with two workers (starved of the GIL, it let pages pile up by the gigabyte)."""

    size: int
    mtime_ns: int


def write_new(data: bytes, target: Path, made: set | None = None) -> Written:
    """A file put into a staging folder by a worker (see Written). `made`: the folders this worker has
    made already, added to (a folder made again for each page, exist_ok, was two system calls and
    ~15 us of pathlib a page)."""
    if made is None or target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(target.parent)
    return Written(*_put(data, target))


class Staging:
    """The next site, being written. add() every file, then commit(); leaving the `with` block
    without commit() (an error on the way) removes it and keeps the last site.

    A file is bytes (written) or a Path (a file of the last site or of a cache, hard-linked:
    the same bytes without copying them), or Written (a worker wrote it there: not with
    `compare`, which needs the bytes), or Placed.KEPT (the site's own file at that path). That, or a
    Path that is already the site's file at that path (a cached file linked there by the last
    build), is `kept`: nothing is written for it.
    """

    def __init__(self, site: Path, compare: bool = False, tell=print):
        self.site, self.tell = site, tell
        self.committed = False
        # compare: note each file whose bytes differ from the last site's (serve tells the open pages)
        self.compare, self.changed = compare, []
        self.folder = site.parent / f".site-new-{os.getpid()}"
        self.paths: set[str] = set()
        self.kept: set[str] = set()  # files of the last site that stay as they are
        # After the commit: site/'s files as site_files() gives them - in place, from the commit's own
        # walk (a second walk to record the new site was ~1-2 s of an edit at 100 000 articles);
        # swapped in whole, as each file was written (the walk was ~0.15 s at the end of a first
        # build at 10 000 articles, every other process done).
        self.site_files: Mapping[str, tuple[int, int]] | None = None
        self._stats: dict[str, tuple[int, int]] = {}  # each file staged: as written (add(), the writer thread), linked
        self.in_place = False  # whether the commit was made in place
        self.replaced: set[str] = set()  # ... and the files it wrote or removed there (in place)
        self._root = os.fspath(site)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._writer = threading.Thread(target=self._write_all, name=WRITER_THREAD, daemon=True)

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
        if data is Placed.KEPT or isinstance(data, Path) and self._is_kept(rel_path, data):
            self.kept.add(rel_path)
        elif isinstance(data, Written):
            self._stats[rel_path] = (data.size, data.mtime_ns)
        else:
            self._queue.put((rel_path, data))

    def keep(self, rel_paths: set[str]) -> None:
        """add(rel_path, Placed.KEPT) of many files at once (an edit keeps ~100 000 article pages)."""
        if not self.paths.isdisjoint(rel_paths):
            raise DoubleWrite(f"two pages want {min(self.paths & rel_paths)}")
        self.paths |= rel_paths
        self.kept |= rel_paths

    def _is_kept(self, rel_path: str, source: Path) -> bool:
        """Whether `source` is the last site's own file at rel_path (or that file's other name)."""
        here = f"{self._root}/{rel_path}"
        if os.fspath(source) == here:
            return True
        try:
            return os.path.samefile(source, here)
        except OSError:
            return False

    @property
    def writable_by_workers(self) -> Path | None:
        """The folder workers may write new files into themselves (Placed), None when every file
        must pass through here (`compare`)."""
        return None if self.compare else self.folder

    def commit(self, walked=None) -> None:
        """`walked`: site/ as walk() found it during this build (site/ is not changed before the
        commit) - a Present, or aside.Walk - or None: it is walked here."""
        self._finish()
        try:  # (each file stat'ed only when the commit may be made in place: only then is the walk kept)
            present = walked if walked is not None else (
                _present(self.site, stats=self._few_written()) if self.site.is_dir() else None)
        except OSError:  # a folder of site/ that cannot be listed (made unreadable by hand): swapped away whole
            present = None
        gone = sorted(present.files - self.paths) if present is not None else []
        if present is not None and self._in_place(present, gone):
            commit_in_place(self.site, self.folder, gone, self.tell)
            self.in_place = True
            self.site_files = self._after(present, gone)
            self.replaced = (self.paths - self.kept) | set(gone)
        else:
            for rel_path in sorted(self.kept):  # (the staged site must be whole to be swapped in)
                target = self.folder / rel_path
                target.parent.mkdir(parents=True, exist_ok=True)
                self._stats[rel_path] = _put(self.site / rel_path, target)
            swap(self.site, self.folder, self.tell)
            self.site_files = self._stats
        self.committed = True

    def _after(self, present: "Present", gone: list[str]) -> "_After":
        """site/'s files after a commit in place: as walked before it, less the removed ones, with the
        written ones as they were written (_stats: a rename into site/ keeps a file's size and time;
        each was stat'ed a second time here). A file removed from site/ by hand since is the next
        build's fingerprint's to find: its walk of site/ differs from what is recorded."""
        written = {rel_path: self._stats[rel_path] for rel_path in self.paths - self.kept}
        return _After(present.stats, set(gone), written)

    def _few_written(self) -> bool:
        """Whether few enough files were written for a commit in place (IN_PLACE_SHARE)."""
        return len(self.paths) - len(self.kept) <= IN_PLACE_SHARE * len(self.paths)

    def _in_place(self, present: "Present", gone: list[str]) -> bool:
        """Whether this commit may be made in place: few new files, no symlink in site/ to write
        or remove through, no new file where the last site has a folder or under one of its files,
        and every folder it changes writable (one made read-only by hand is swapped away whole, and
        the build says it could not remove it)."""
        if present.links or not self._few_written():
            return False
        written = self.paths - self.kept
        for rel_path in written:
            if rel_path in present.folders or any(p in present.files for p in _parents(rel_path)):
                return False
        changed = {rel_path.rpartition("/")[0] for rel_path in (*written, *gone)}
        return all(_writable(self.site, folder, present.folders) for folder in changed)

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
                self._stats[item[0]] = _put(item[1], target)
            except BaseException as exc:  # noqa: B036 - handed to the building thread
                self._error = exc


class _After(Mapping):
    """site/'s files after a commit in place, as site_files() gives them: `before` (the walk before
    it: path -> (size, mtime_ns)) less the files removed (`gone`), with the ones `written`. Looked up,
    not copied: the site's state after an edit is worked out from the few files it changed, and a
    walk made aside holds its stats as arrays (aside.Walk)."""

    def __init__(self, before: Mapping, gone: set[str], written: dict[str, tuple[int, int]]):
        self._before, self._gone, self._written = before, gone, written

    def __getitem__(self, rel_path: str) -> tuple[int, int]:
        if rel_path in self._written:
            return self._written[rel_path]
        if rel_path in self._gone:
            raise KeyError(rel_path)
        return self._before[rel_path]

    def __iter__(self):
        yield from (p for p in self._before if p not in self._gone and p not in self._written)
        yield from self._written

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Present(NamedTuple):
    """What a site folder holds: its files and folders (relative paths), and whether any entry is a
    symlink; with `stats`, each file's and symlink's (size, mtime_ns) by relative path."""

    files: set[str]
    folders: set[str]
    links: bool
    stats: dict[str, tuple[int, int]] | None = None


def _present(site: Path, stats: bool = False) -> Present:
    """(A walk of our own: os.walk lists a symlink among the files or folders without saying so, and
    telling them apart would take a stat of each; a directory entry tells it for free.) Raises
    OSError when a folder cannot be listed."""
    files, folders, links = set(), set(), False
    found: dict[str, tuple[int, int]] | None = {} if stats else None
    stack, root = [""], os.fspath(site)
    while stack:
        here = stack.pop()
        # Each folder listed from a descriptor of its own and each entry's stat taken relative to it
        # (fstatat): a stat by the file's whole path walks every folder of that path again, ~0.16 of
        # the ~0.84 CPU-s a walk of the 130 000 files of a 100 000-article site took. (Opened here, not
        # when found: tags/ holds thousands of folders, and their descriptors would all be open at once.)
        fd = os.open(f"{root}/{here}" if here else root, _FOLDER_INSIDE if here else FOLDER_OPEN)
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    rel_path = f"{here}/{entry.name}" if here else entry.name
                    if entry.is_symlink():
                        links = True
                    elif entry.is_dir(follow_symlinks=False):
                        folders.add(rel_path)
                        stack.append(rel_path)
                        continue
                    else:
                        files.add(rel_path)
                    if found is not None:
                        found[rel_path] = size_and_time(entry.stat(follow_symlinks=False))
        finally:
            os.close(fd)
    return Present(files, folders, links, found)


# How a folder is opened to be listed (FOLDER_OPEN; fingerprint.py's walk of content/ too): site/
# itself as the caller names it (as os.scandir of its path did), a folder in it never through a
# symlink put there since it was listed.
FOLDER_OPEN = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)
_FOLDER_INSIDE = FOLDER_OPEN | getattr(os, "O_NOFOLLOW", 0)


def walk(site: Path) -> Present:
    """A site folder's files, folders and symlinks, with their stats (what commit() and the memo
    compare). Raises OSError when a folder cannot be listed."""
    return _present(site, stats=True)


def size_and_time(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_size, stat.st_mtime_ns


def site_files(site: Path) -> dict[str, tuple[int, int]]:
    """Every file (and symlink) of a site folder: its (size, mtime_ns) by relative path. Raises
    OSError when a folder cannot be listed or a file is gone while it is."""
    return _present(site, stats=True).stats


def _writable(site: Path, folder: str, folders: set[str]) -> bool:
    """Whether files can be added to and removed from a folder of site/ ("": site/ itself), or, for
    one still to be made, from the deepest of its parents there is."""
    while folder and folder not in folders:
        folder = folder.rpartition("/")[0]
    return os.access(site / folder if folder else site, os.W_OK | os.X_OK)


def _parents(rel_path: str):
    """'a/b/c.html' -> 'a', 'a/b'."""
    at = rel_path.find("/")
    while at != -1:
        yield rel_path[:at]
        at = rel_path.find("/", at + 1)


def commit_in_place(site: Path, staging: Path, gone: list[str], tell=print) -> None:
    """Each file staged renamed over its place in site/, then the `gone` files removed, under a
    journal written first: a kill part way leaves it for finish_commits (the next run)."""
    journal = site.parent / f"{JOURNAL}{os.getpid()}"
    # (written beside and renamed: a journal is whole or not there; a kill mid-write leaves a temporary
    # name remove_stale removes)
    replace_file(journal, json.dumps({"site": site.name, "staging": staging.name, "gone": gone}).encode())
    _roll_forward(site, staging, gone)
    journal.unlink()
    _discard(staging, tell)


def _roll_forward(site: Path, staging: Path, gone: list[str]) -> None:
    """What a commit in place does (again, after a kill: each step may be done already)."""
    made: set[str] = set()
    for dirpath, _dirnames, filenames in os.walk(staging):
        here = os.path.relpath(dirpath, staging)
        for name in filenames:
            target = site / here / name if here != "." else site / name
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            os.replace(os.path.join(dirpath, name), target)
    for rel_path in gone:
        target = site / rel_path
        target.unlink(missing_ok=True)
        for parent in reversed(list(_parents(rel_path))):  # folders left empty go too
            try:
                (site / parent).rmdir()
            except OSError:  # not empty (or gone already)
                break


def finish_commits(site: Path, tell=print) -> None:
    """A commit in place a kill interrupted, finished: site/ becomes the site that build made."""
    for journal in _journals(site):
        plan = _plan(journal)
        if plan is None:  # not one of ours, or damaged by hand
            tell(f"newsarchive: {journal}: not a commit journal this build can read; removed")
            journal.unlink(missing_ok=True)
            continue
        if plan["site"] != site.name:
            continue
        staging, gone = site.parent / plan["staging"], plan["gone"]
        # (only what a commit in place could have planned: else the staging folder is just removed, and
        # the next build, whose page keys were dropped before that commit, renders the whole site again)
        if staging.is_dir() and not staging.is_symlink() and all(map(_inside, gone)) \
                and site.is_dir() and not _present(site).links:
            _roll_forward(site, staging, gone)
        journal.unlink(missing_ok=True)


def interrupted(site: Path) -> bool:
    """Whether a killed build left site/ part way through a commit in place (its journal is there):
    what only reads the site (pack, check) says so instead of taking a mix of two builds."""
    return any((plan := _plan(journal)) is not None and plan["site"] == site.name for journal in _journals(site))


def _journals(site: Path) -> list[Path]:
    return sorted(site.parent.glob(f"{JOURNAL}*"))


def _plan(journal: Path) -> dict | None:
    """A journal's plan (the site's and staging folder's names, the files to remove), None when it
    cannot be read as one."""
    try:
        plan = json.loads(journal.read_bytes())
        if isinstance(plan["site"], str) and isinstance(plan["staging"], str) \
                and all(isinstance(p, str) for p in plan["gone"]):
            return plan
    except (OSError, ValueError, TypeError, KeyError):
        pass
    return None


def _inside(rel_path: str) -> bool:
    """Whether a path from a journal names a file inside the site (not absolute, no '..')."""
    return bool(rel_path) and not os.path.isabs(rel_path) and ".." not in rel_path.split("/")


def _differs(data: bytes | Path, old: Path) -> bool:
    """Whether a new site file differs from the last site's (a file linked from it is the same)."""
    try:
        if isinstance(data, Path):
            return not os.path.samefile(data, old) and data.read_bytes() != old.read_bytes()
        return old.read_bytes() != data
    except OSError:  # no such file in the last site
        return True


def _put(data: bytes | Path, target: Path) -> tuple[int, int]:
    """The file written (or linked): its (size, mtime_ns), taken once it is closed."""
    try:
        if isinstance(data, Path):
            _link(data, target)
        else:
            _write_new(data, target)
        return size_and_time(os.lstat(target))
    except OSError as exc:  # a full disk: the error of a write names no file
        raise named_error(exc, target) from None


# How a new file is opened: created, never an existing one (a path written twice is an error, not an
# overwrite), as open(target, "xb") opens it.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


def _write_new(data: bytes, target: Path) -> None:
    """open(target, "xb").write(data), by the system calls alone: a Python file object for each of a
    site's ~15 000 pages at 10 000 articles was ~17 us of each write's ~50."""
    fd = os.open(target, _NEW_FILE, 0o666)
    try:
        rest = memoryview(data)
        while rest:
            rest = rest[os.write(fd, rest):]
    finally:
        os.close(fd)


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
    before a new one starts; a commit in place it interrupted is finished first."""
    finish_commits(site, tell)
    for half_written in site.parent.glob(f".{JOURNAL}*{TEMPORARY_SUFFIX}"):  # (replace_file's names for one)
        half_written.unlink()
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
