"""The archive on disk: paths under the root, raw-file preservation, atomic writes, the lock.

Only this module (and the site writer) touches the archive's files.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import itertools
import os
import re
import threading
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import page
from .cache import FOLDER as CACHE_FOLDER
from .cache import CacheStore, named_error
from .model import InputError
from .parsed import Body

SERVE_LOCK_NAME = ".newsarchive-serve.lock"
CONFIG_NAME = "newsarchive.toml"
# What an archive has unless its root has its own: layouts, static files, outlet rules (in the package).
DEFAULTS = Path(__file__).resolve().parent / "defaults"
# Data the code reads (word lists, the site's own words), in the package.
DATA = Path(__file__).resolve().parent / "data"
# Folders of an archive root that a run reads: raw files, pages, and the overrides of the defaults.
INPUT_FOLDERS = ("sources", "content", "layouts", "rules", "static")
# Longest slug kept from a title, in characters (file names stay well under 255 bytes).
SLUG_CHARS = 48


class ArchiveBusy(Exception):
    """Another run holds the archive's lock."""


@dataclass(frozen=True)
class Archive:
    """Every path of an archive, and of the packaged defaults it falls back on: nothing else joins
    path pieces of an archive."""

    root: Path
    preview: bool = False
    """serve's view of the archive: the same inputs, its own site folder (in the cache folder, built
    for the preview's address) and its own record of what that site holds, so site/ is never touched."""

    def for_preview(self) -> "Archive":
        return Archive(self.root, preview=True)

    def site_tenant(self, name: str) -> str:
        """The cache store's name for a tenant that describes one site folder (its fingerprint, its pages)."""
        return f"preview/{name}" if self.preview else name

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def site(self) -> Path:
        return self.root / CACHE_FOLDER / "preview" / "site" if self.preview else self.root / "site"

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def serve_lock_file(self) -> Path:
        """Held by a running serve (one preview per archive at a time)."""
        return self.root / SERVE_LOCK_NAME

    @property
    def cache(self) -> CacheStore:
        return CacheStore(self.root / CACHE_FOLDER)

    @property
    def home_page(self) -> Path:
        """The built site's front page (a site that has none was never built)."""
        return self.site / "index.html"

    def content_page(self, year_month: tuple[str, str] | None, name: str) -> Path:
        """Where a content page of that month (None: undated) and file name lives."""
        return (self.content.joinpath(*year_month) if year_month else self.content / "undated") / name

    @property
    def media(self) -> Path:
        """The archive's pictures, kept like raw files (byte for byte, by SHA-256), with their manifest."""
        return self.sources / "media"

    @property
    def media_manifest(self) -> Path:
        return self.media / "manifest.json"

    def media_file(self, site_path: str) -> Path:
        """A stored picture by its place in the site (`media/ab/abcd….jpg`): the same place under sources/."""
        return self.sources / site_path

    @property
    def zip_file(self) -> Path:
        """`pack`'s output unless told otherwise."""
        return self.root / "site.zip"

    def layered(self, kind: str) -> tuple[Path, Path]:
        """The archive's own folder of this kind (layouts, static, rules), then the package's default."""
        return self.root / kind, DEFAULTS / kind

    @property
    def layout_dirs(self) -> tuple[Path, Path]:
        return self.layered("layouts")

    @property
    def static_dirs(self) -> tuple[Path, Path]:
        return self.layered("static")

    @property
    def rule_dirs(self) -> tuple[Path, Path]:
        return self.layered("rules")

    @property
    def input_folders(self) -> tuple[Path, ...]:
        return tuple(self.root / name for name in INPUT_FOLDERS)

    def content_pages(self) -> tuple[list[Path], list[tuple[Path, str]]]:
        """The content pages (`*.md` below content/, sorted), never through a symlink: (pages, the
        paths refused with why - symlinks, names that are not UTF-8 - which every reader names)."""
        listed, refused = self.content_listing()
        return [path for path, _stat in listed], refused

    def content_listing(self, listing: Listing | None = None
                        ) -> tuple[list[tuple[Path, os.stat_result]], list[tuple[Path, str]]]:
        """content_pages() with each page's stat (not following links), sorted by path. `listing`:
        what the last listing in this process handed on (see Listing); this one takes it and leaves
        its own there.

        By os.scandir, whose entries know their kind without a call per file: os.walk and
        Path.is_symlink took ~6 s for 100 000 pages here, this ~0.7 s with the stats."""
        known = listing.named if listing is not None else {}
        reuse = listing.folders if listing is not None and listing.fresh else {}
        stats = listing.stats if listing is not None else {}
        pages: list[tuple[Path, os.stat_result]] = []
        links: list[Path] = []
        if not self.content.is_dir() or self.content.is_symlink():
            return pages, ([(self.content, SYMLINK)] if self.content.is_symlink() else [])
        folders, found, start = [self.content], {}, time.time_ns()
        while folders:
            folder = folders.pop()
            listed = folder_listing(folder, known, reuse.get(os.fspath(folder)), stats)
            if listed is None:  # a folder that cannot be listed is passed over, as os.walk did
                continue
            if start - listed.at[1] > SETTLED_NS:
                found[os.fspath(folder)] = listed
            pages += listed.pages
            links += listed.links
            folders += listed.folders
        pages.sort(key=lambda page: page[0].parts)  # (Path's own ordering: a third of the listing's time)
        if listing is not None:
            listing.named = {str(path): path for path, _stat in pages}
            listing.folders, listing.fresh, listing.stats = found, False, {}
        # (a page's name becomes its article's address and is hashed and written in many places: one
        # that is not UTF-8 - bytes the OS hands over as lone surrogates - is refused here, once)
        refused = [(path, NOT_UTF8_PAGE) for path, _stat in pages if not utf8_name(path)]
        if refused:
            pages = [(path, stat) for path, stat in pages if utf8_name(path)]
        return pages, sorted([*((link, SYMLINK) for link in links), *refused])

    def at(self, inside: str) -> Path:
        """The path of a file named by its place inside the archive ("sources/x.txt", "content/...")."""
        return self.root / inside

    def content_file(self, path: Path) -> str:
        """A page's path inside the archive as a string ("content/2020/09/x.md"). On the strings:
        Path.relative_to, called three times per page, was a fifth of gathering 10 000 pages."""
        whole, prefix = str(path), f"{self.root}{os.sep}"
        inside = whole[len(prefix):] if whole.startswith(prefix) else path.relative_to(self.root).as_posix()
        return inside.replace(os.sep, "/")

    def is_inside_sources(self, path: Path) -> bool:
        try:
            path.absolute().relative_to(self.sources.absolute())
            return True
        except ValueError:
            return False


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Errors of the file system that are no one file's fault: the disk (or quota) is full, or it is
# read-only. They stop a run (one line, what to do) instead of failing every file after them.
STOPS_THE_RUN = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


def stops_the_run(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in STOPS_THE_RUN


# What the name of a raw file's or page's copy being written starts with, until it is renamed into
# place (a killed run's are removed by the next, and never read as pages).
TEMPORARY_PREFIX = ".tmp-"
_TMP_COUNTER = itertools.count()


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder, fdatasync, rename: readers see old or new, never half."""
    BatchWriter(size=1).write(path, data)


# Files staged before one group commit: one journal flush then covers them all.
BATCH_FILES = 64


class BatchWriter:
    """Atomic writes in groups: each file is written to a temp name, then the group is
    fdatasync'ed and renamed into place. Every file is on disk before its rename, as with
    atomic_write, but the disk flush is paid about once per group instead of once per file.
    Refuses to write one path twice in a run.
    """

    def __init__(self, size: int = BATCH_FILES):
        self.size = size
        self.staged: list[tuple[int, Path, Path]] = []
        self.written: set[Path] = set()

    def write(self, path: Path, data: bytes) -> list[Path]:
        """Stage one file; returns the paths committed by this call (when the group filled)."""
        if path in self.written:
            raise ValueError(f"refusing to write {path} twice in one run")
        self.written.add(path)
        tmp = path.parent / f"{TEMPORARY_PREFIX}{os.getpid()}-{next(_TMP_COUNTER)}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except OSError as exc:
            os.close(fd)
            os.unlink(tmp)
            raise named_error(exc, path) from None
        self.staged.append((fd, tmp, path))
        return self.commit() if len(self.staged) >= self.size else []

    def commit(self) -> list[Path]:
        """Flush and rename the group into place. On an error (a full disk) the files not yet in place
        are dropped, never left half-written under their names or as temp files."""
        staged, self.staged = self.staged, []
        current = None
        try:
            for fd, _tmp, current in staged:
                os.fdatasync(fd)
            for _fd, tmp, current in staged:
                os.replace(tmp, current)
        except OSError as exc:
            for _fd, tmp, _path in staged:
                Path(tmp).unlink(missing_ok=True)
            raise named_error(exc, current) from None
        finally:
            for fd, _tmp, _path in staged:
                os.close(fd)
        return [path for _fd, _tmp, path in staged]

    def abandon(self) -> None:
        """Drop what is staged (on an error): the temp files go, nothing is renamed."""
        for fd, tmp, _path in self.staged:
            os.close(fd)
            if os.path.exists(tmp):
                os.unlink(tmp)
        self.staged = []


def remove_stale_temp_files(archive: Archive) -> int:
    """Temp files left by a killed run (never renamed into place) are removed, the cache's too."""
    archive.cache.remove_stale()
    removed = 0
    for folder in (archive.sources, archive.content):
        if folder.is_dir():
            for tmp in folder.rglob(f"{TEMPORARY_PREFIX}*"):
                if tmp.is_file() and not tmp.is_symlink():
                    tmp.unlink()
                    removed += 1
    return removed


class Held:
    """A lock held by descriptor (flock) for a run. The archive's lock is on its root folder, which
    no one deletes mid-run; serve's own lock is on a file, which someone may: `kept()` then takes
    it again on a new file, unless another run took it first."""

    def __init__(self, archive: Archive, shared: bool, lock_file: Path | None):
        self.archive, self.shared, self.lock_file = archive, shared, lock_file
        self.fd = self._take()
        # (kept() is asked from serve's thread and its file watcher's at once: taken twice, the second
        # take would find the first's lock and give the lock up)
        self._keeping = threading.Lock()

    def _take(self) -> int:
        path = self.lock_file
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644) if path else os.open(self.archive.root, os.O_RDONLY)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise ArchiveBusy(f"{self.archive.root}: another newsarchive run is working on this archive") from None
            raise
        return fd

    def kept(self) -> bool:
        """Whether the lock is still this run's: its file is the one locked, or (removed or replaced)
        a new one could be locked now."""
        if self.lock_file is None:
            return True
        with self._keeping:
            return self._kept()

    def _kept(self) -> bool:
        try:
            if os.stat(self.lock_file).st_ino == os.fstat(self.fd).st_ino:
                return True
        except OSError:
            pass
        try:
            fd = self._take()
        except (ArchiveBusy, OSError):
            return False
        os.close(self.fd)
        self.fd = fd
        return True

    def release(self) -> None:
        os.close(self.fd)


@contextmanager
def locked(archive: Archive, shared: bool = False, lock_file: Path | None = None):
    """Hold a lock on the archive for the whole run; a run that cannot have it fails at once.
    Exclusive for what writes the archive (ingest, build, the main job); shared for what only reads
    it (check, pack) and for serve, which writes only its own preview (so check and pack may run
    beside it, and ingest or build may not). Yields the Held lock."""
    archive.root.mkdir(parents=True, exist_ok=True)
    # The archive's lock is on its root folder itself: no lock file a run could delete lets a second
    # run in while the first holds it.
    held = Held(archive, shared, lock_file)
    try:
        yield held
    finally:
        held.release()


def utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
        return True
    except UnicodeEncodeError:  # bytes that are not UTF-8, kept by the OS as lone surrogates
        return False


def _utf8_path(relative: Path) -> Path:
    """A name from outside as sources/ keeps it: bytes that are not UTF-8 become U+FFFD (the file's own
    bytes are kept as they are; only its name in the archive is readable)."""
    return relative if utf8_name(relative) else Path(_readable(str(relative)))


def _readable(name: str) -> str:
    """A file name with the bytes that are not UTF-8 (lone surrogates from the OS) as U+FFFD."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", errors="replace")


def preserve(archive: Archive, path: Path, base: Path | None = None, writer: "BatchWriter | None" = None) -> Path:
    """Copy a raw file from outside into sources/ byte for byte; return its path inside sources/.

    A file already there with the same bytes is reused; a different file of the
    same name gets a name with its hash, so nothing archived is ever replaced.
    """
    if archive.is_inside_sources(path):
        return path
    relative = path.relative_to(base) if base else Path(path.name)
    target = archive.sources / _utf8_path(relative)
    nearest = target.parent  # the folder the copy goes in, or the nearest one of its that exists
    while not nearest.exists() and nearest != archive.sources and nearest.parent != nearest:
        nearest = nearest.parent
    if not is_inside(nearest, archive.sources):
        raise ValueError(f"{rel_or_str(archive, target.parent)} leads outside the archive (a symlink): "
                         "nothing is written through it")
    data = path.read_bytes()
    if target.exists():
        if target.read_bytes() == data:
            return target
        target = target.with_name(f"{target.stem}-{sha256(data)[:8]}{target.suffix}")
        if target.exists():
            return target
    if writer is None:
        atomic_write(target, data)
    else:
        writer.write(target, data)
    return target


NOT_REGULAR = "not a regular file (a FIFO, socket or device); skipped"
LEAVES = "leads outside the archive through a symlink: not read"
# Files a folder of raw files holds that are not articles: named as skipped, never read as one.
NOTES = ("SOURCES.md", "README.md")
NOTES_REASON = "a folder's notes (README.md, SOURCES.md), not an article"
HIDDEN = "a hidden file (its name starts with a dot), not an article"
HIDDEN_FOLDER = "a hidden folder (its name starts with a dot), not read"
# The reasons above are skips, not failures.
SKIPS = frozenset({NOTES_REASON, HIDDEN, HIDDEN_FOLDER})
# A raw file already in sources/ is never renamed by ingest (one from outside is copied in under a
# readable name); pages record their raw file's path, which must be text.
NOT_UTF8_NAME = "its name is not UTF-8 (a page records where its raw file is): rename it to ingest it"
NOT_UTF8_PAGE = "its name is not UTF-8 (it becomes the article's address): rename it to build it"
SYMLINK = "symlink, not followed"


def _leaves(archive: Archive, path: Path) -> bool:
    """Whether a path named inside the archive leads outside it (a symlinked folder on the way)."""
    return path.is_relative_to(archive.root) and not is_inside(path, archive.root)


def _refusal(archive: Archive, path: Path) -> str | None:
    """Why a file (not a folder) is not read as a raw file, or None when it is."""
    if path.is_symlink():
        return SYMLINK
    if not path.is_file():  # reading a FIFO would wait for ever
        return NOT_REGULAR if path.exists() else "no such file or folder"
    if not utf8_name(path) and archive.is_inside_sources(path):
        return NOT_UTF8_NAME
    return None


def raw_files(archive: Archive, paths: list[Path]) -> tuple[list[tuple[Path, Path | None]], list[tuple[str, str]]]:
    """Expand files and folders to raw files (sorted), never following symlinks.

    Returns ([(file, base)], problems): `base` is what a file's place under sources/
    is relative to (a folder keeps its name there); problems are (path, reason).
    """
    files, refused = [], []
    for path in (Path(os.path.abspath(p)) for p in paths):  # `..` resolved on the names, not through links
        base = path.parent if path.is_dir() else None
        if _leaves(archive, path) and not path.is_symlink():
            refused.append((str(path), LEAVES))
        elif path.is_dir() and not path.is_symlink():
            for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
                if Path(dirpath) / "sources" == archive.sources:  # a PATH holding the archive: not its own files
                    refused.append((dirpath, "the archive itself: its sources/ are ingested without a PATH"))
                    dirnames[:] = []
                    continue
                refused += [(str(Path(dirpath) / d), HIDDEN_FOLDER) for d in sorted(dirnames) if d.startswith(".")]
                # (the archive's pictures are not articles: never walked)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and Path(dirpath) / d != archive.media)
                for name in sorted(filenames):
                    item = Path(dirpath) / name
                    if name.startswith(".") or name in NOTES:
                        refused.append((str(item), HIDDEN if name.startswith(".") else NOTES_REASON))
                    elif why := _refusal(archive, item):
                        refused.append((str(item), why))
                    else:
                        files.append((item, base))
        elif why := _refusal(archive, path):
            refused.append((str(path), why))
        else:
            files.append((path, None))
    return files, refused


def slug(title: str) -> str:
    """A readable file-name slug: letters (any script) and digits, words joined by '-'."""
    text = unicodedata.normalize("NFKC", title).lower()
    text = re.sub(r"[^\w]+", "-", text, flags=re.U).strip("-_")
    return text[:SLUG_CHARS].rstrip("-_") or "article"


class Existing:
    """A content page already in the archive: its front matter and body, and its text read when first
    asked for (a page the parsed-page cache knows is not read at all unless its raw file is converted
    again)."""

    def __init__(self, path: Path, front: dict, body: Body, text: str | None = None):
        self.path, self.front, self.body, self._text = path, front, body, text

    @property
    def text(self) -> str:
        """Exactly as on disk (line endings too: a curator's editor may have changed them)."""
        if self._text is None:
            try:
                self._text = self.path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"content page {self.path.name} unreadable: {exc}") from None
        return self._text


# A folder whose time is less than this before a listing may yet change within the same tick of its
# time (file systems keep coarse times): such a folder is never handed on as listed (see Listing).
SETTLED_NS = 2_000_000_000


class Listed(NamedTuple):
    """One folder of content/ as a listing found it: the folder's (inode, mtime_ns), taken before it
    was listed; its pages with their stats, its folders and its symlinks."""
    at: tuple[int, int]
    pages: list[tuple[Path, os.stat_result]]
    folders: list[Path]
    links: list[Path]


@dataclass
class Listing:
    """What a listing of content/ hands the next one in this process (Archive.content_listing).

    `named`: each page's Path by its string, taken again (the main job lists content/ for ingest and
    again for the build; making and sorting 100 000 Paths was ~0.8 s of each listing's ~1.4).
    `folders`: each folder as found - taken as it is by the next listing, when that one is `fresh`
    and the folder's inode and time are still those found (nothing added to it, removed or renamed:
    ingest writes each page beside and renames it in). Only the main job's build right after its
    ingest is fresh (its listing was ~1.1-1.6 s of a day's files at 100 000 articles): a page edited
    in place leaves its folder's time as it was, so serve's builds, one after another, never take a
    folder as found; the main job's next run lists every folder again.
    `stats`: content/'s files as the build's fingerprint just took their stats, by path (its walk
    had stat'ed every page: a second stat of each was ~0.2 s of a build at 100 000 articles); taken
    by the next listing, which leaves none. A page changed between the two is then listed as the
    fingerprint saw it, the fingerprint the build records says so, and the next build reads it.
    `files`: how many files that walk found in content/.
    `signed`: each content folder's pages' names and file signatures (gathered.signed), by folder
    (as gathered.Kept names them), when content/ was walked on another process (content_aside.py) -
    which then hands over no stats: the build takes a folder found as it recorded it without a stat
    of each page; taken by the next listing, which leaves none."""
    named: dict[str, Path] = field(default_factory=dict)
    folders: dict[str, Listed] = field(default_factory=dict)
    fresh: bool = False
    stats: dict[str, os.stat_result] = field(default_factory=dict)
    files: int = 0
    signed: dict[str, str] = field(default_factory=dict)


def page_name(name: str) -> bool:
    """Whether a file of content/ by this name is a page (when it is a plain file): *.md, not a
    temporary file of ours."""
    return name.endswith(".md") and not name.startswith(TEMPORARY_PREFIX)


def folder_listing(folder: Path, known: dict[str, Path], was: Listed | None,
                    stats: dict[str, os.stat_result]) -> Listed | None:
    """A folder of content/ listed (`was` when its inode and time are those recorded), None when it
    cannot be. `known`: Paths to take by their strings; `stats`: stats to take by them (Listing)."""
    try:
        stat = os.stat(folder)
        if was is not None and was.at == (stat.st_ino, stat.st_mtime_ns):
            return was
        found = list(os.scandir(folder))
    except OSError:
        return None
    pages, folders, links = [], [], []
    for item in found:
        is_page = page_name(item.name)
        if item.is_symlink():
            if is_page or item.is_dir():
                links.append(folder / item.name)
        elif item.is_dir(follow_symlinks=False):
            folders.append(folder / item.name)
        elif is_page and item.is_file(follow_symlinks=False):  # (a pipe named x.md would block a read)
            try:
                stat_ = stats.pop(item.path, None) or item.stat(follow_symlinks=False)
                pages.append((known.get(item.path) or folder / item.name, stat_))
            except OSError:  # gone since it was listed
                continue
    return Listed((stat.st_ino, stat.st_mtime_ns), pages, folders, links)


def existing_pages(archive: Archive, recorded=None, listing: Listing | None = None
                   ) -> tuple[dict[str, Existing], list[tuple[str, str]]]:
    """Content pages by their source.file; problems are pages that could not be read. `recorded`:
    (path, content file, stat, its text or None) -> (front values, Body) as the parsed-page cache holds the
    page, or None; asked first without the text - such a page is not read at all (at 100 000 pages
    reading and parsing them all was ~30 s of adding a day's files) - then, when it is read, with it
    (a page with the recorded text is not parsed again). `listing`: as content_listing takes it."""
    pages, problems = {}, []
    listed, refused = archive.content_listing(listing)
    problems += [(rel_or_str(archive, path), why) for path, why in refused]
    for path, stat in listed:
        content_file = archive.content_file(path)
        known, text = recorded(path, content_file, stat, None) if recorded else None, None
        try:
            if known is None:
                text = path.read_bytes().decode("utf-8")
                known = recorded(path, content_file, stat, text) if recorded else None
            front, body = known or _split(text)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problems.append((rel_or_str(archive, path), str(exc)))
            continue
        src = front.get("source") if isinstance(front.get("source"), dict) else {}
        if isinstance(src.get("file"), str):
            pages[src["file"]] = Existing(path, front, body, text)
    return pages, problems


def _split(text: str) -> tuple[dict, Body]:
    front, body = page.split(text.replace("\r\n", "\n"))
    return front, Body(body)


def read_raw(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"unreadable: {exc.strerror}") from None


def is_inside(path: Path, folder: Path) -> bool:
    """Whether path (symlinks resolved) lies inside folder."""
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def rel_or_str(archive: Archive, path: Path) -> str:
    """A path as a line names it: inside the archive if it is, bytes that are not UTF-8 shown as U+FFFD."""
    try:
        shown = path.absolute().relative_to(archive.root.absolute()).as_posix()
    except ValueError:
        shown = str(path)
    return _readable(shown)
