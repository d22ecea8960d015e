"""What changed since the last build: a fingerprint of every input, kept in the archive's cache store.

The fingerprint covers content/, the layouts and static files in use, the config, the media
manifest, the build options and the build's code. When it matches the last successful build and site/ is there as
that build left it (every file's size and time), the build has nothing to do.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from operator import attrgetter
from pathlib import Path

from .. import failures
from ..archive import Archive
from ..cache import code_files
from .write import FOLDER_OPEN, site_files

# The tenant's file in the cache store.
STATE = "build.json"
# Its format (a different one is no fingerprint at all).
VERSION = "4"


def fingerprint(archive: Archive, options: dict, stats: dict[str, os.stat_result] | None = None,
                content: bytes | None = None) -> str:
    """(content/ walked here, not by content_listing, which collect uses: making its Path objects is
    most of its time, and a build with nothing to do needs only the stats - ~0.8 s against ~1.8 s
    at 100 000 articles.) `stats`: filled with each content/ file's stat as taken here, by its path
    (archive.Listing.stats: the build's listing takes them instead of a second stat of each).
    `content`: content_digest() of content/ as a walk made on another process took it
    (content_aside.py); None: content/ is walked here."""
    h = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
    h.update(content if content is not None else content_digest(archive.content, stats))
    for folder in (*archive.layout_dirs, *archive.static_dirs):
        _hash_folder(h, folder)
    code = [str(path) for path in code_files("build")]
    h.update(_bytes(_lines(code, list(map(os.lstat, code)))))
    # (the problems page shows the failures; pages show the pictures the media manifest lists)
    for path in (archive.config_file, archive.cache.path(failures.STORE), archive.media_manifest):
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def content_digest(content: Path, stats: dict[str, os.stat_result] | None = None,
                   folders: dict[str, tuple[list[str], list[os.stat_result]]] | None = None) -> bytes:
    """content/'s part of the fingerprint, hashed on its own (so that another process can take it:
    content_aside.py): its files' lines - path, size, time - folder by folder. `stats`: as
    fingerprint() fills it; `folders`: filled with each folder's files' names (in order) and stats,
    by its path. Raises OSError when a file listed is gone before its stat."""
    h = hashlib.sha256()
    _hash_folder(h, content, stats, folders)
    return h.digest()


def _hash_folder(h, folder: Path, stats: dict[str, os.stat_result] | None = None,
                 folders: dict[str, tuple[list[str], list[os.stat_result]]] | None = None) -> None:
    h.update(_bytes(f"\\0{folder}"))
    if not folder.is_dir():
        return
    for dirpath, names, found in _walked(os.fspath(folder)):
        paths = [f"{dirpath}/{name}" for name in names]
        if stats is not None:
            stats.update(zip(paths, found))
        if folders is not None:
            folders[dirpath] = (names, found)
        h.update(_bytes(_lines(paths, found)))


def _walked(top: str):
    """(folder, its files' names in order, their lstats) for each folder os.walk(top) lists, top down,
    the folders of each in name order - the folders it lists and the files, as it tells them apart
    (a symlink to a folder is neither listed nor followed; a folder that cannot be listed is left
    out). Written here, not taken from os.walk, to stat each file relative to its folder's descriptor
    (fstatat): by its whole path, each stat walked every folder of that path again (~0.07 s of the
    ~0.54 s content/ of 100 000 articles took, on the way to everything else). Raises OSError when a
    file listed is gone before its stat."""
    try:
        fd = os.open(top, FOLDER_OPEN)
    except OSError:
        return
    try:
        try:
            subfolders, names = _listed(fd)
        except OSError:
            return
        # (a symlink is what it is: the build refuses to follow it, dangling or not)
        yield top, names, [os.stat(name, dir_fd=fd, follow_symlinks=False) for name in names]
    finally:
        os.close(fd)
    for name in subfolders:
        yield from _walked(os.path.join(top, name))


def _listed(fd: int) -> tuple[list[str], list[str]]:
    """(folders to walk, the files' names) of a folder, each in name order, told apart as os.walk
    does (a symlink by what it leads to; one to a folder is neither, as os.walk does not walk it -
    told by its directory entry, not by another lstat of its path). Raises OSError when it cannot
    be listed."""
    folders, names = [], []
    with os.scandir(fd) as entries:
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                names.append(entry.name)
            elif not entry.is_symlink():
                folders.append(entry.name)
    folders.sort()
    names.sort()
    return folders, names


def _lines(paths: list[str], stats: list[os.stat_result]) -> str:
    """These files' lines in the fingerprint, joined (a folder's lines hashed at once: the same bytes
    as line by line, ~0.1 s sooner at 100 000 articles; made by map() in C, not a line at a time:
    ~0.08 s sooner again)."""
    return "".join(map("{}\\0{}\\0{}\\n".format, paths, map(_SIZE, stats), map(_TIME, stats)))


_SIZE, _TIME = attrgetter("st_size"), attrgetter("st_mtime_ns")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")  # (a file name need not be UTF-8)


def site_state(archive: Archive, files: Mapping[str, tuple[int, int]] | None = None, since: tuple | None = None
               ) -> str | None:
    """The built site as it is on disk: every file's path, size and time (a page deleted or edited in
    site/ makes the next build run, and the page memo renders it again). `files`: write.site_files()
    as the caller already has it (a commit in place), else the site is walked. `since`: (the
    site_sum of a walk of site/ before the commit, that walk's files, the paths the commit wrote or
    removed): only those are summed again. None when the site cannot be walked."""
    if files is None:
        try:
            files = site_files(archive.site)
        except OSError:
            return None
    if since is None:
        return _spelled(site_sum(files))
    total, walked, replaced = since
    for rel_path in replaced:
        if rel_path in walked:
            total -= _line_sum(rel_path, *walked[rel_path])
        if rel_path in files:
            total += _line_sum(rel_path, *files[rel_path])
    return _spelled(total)


# The site's state is a sum of its files' lines' hashes, modulo 2**SUM_BITS: the same whatever their
# order (no sort of 130 000 paths), and after a commit that changed a few files, worked out from the
# sum before it by those files alone (aside.py sums the walk while the build runs).
SUM_BITS = 128


def _spelled(total: int) -> str:
    """The site's state as recorded: a sum of its lines (site_sum), modulo 2**SUM_BITS, in hex."""
    return f"{total % (1 << SUM_BITS):0{SUM_BITS // 4}x}"


def site_sum(files: Mapping[str, tuple[int, int]]) -> int:
    """The sum of the lines of these files (path: (size, mtime_ns)), modulo 2**SUM_BITS."""
    return sum(_line_sum(rel_path, size, time) for rel_path, (size, time) in files.items()) % (1 << SUM_BITS)


def _line_sum(rel_path: str, size: int, time: int) -> int:
    line = _bytes(f"{rel_path}\0{size}\0{time}\n")
    return int.from_bytes(hashlib.blake2b(line, digest_size=SUM_BITS // 8).digest(), "big")


def unchanged(archive: Archive, print_: str, aside=None) -> bool:
    """Whether the inputs and the site are as the last build that wrote the site whole left them.
    `aside`: site/ being walked on a process of its own (aside.Aside), whose sum is taken, or None."""
    if not archive.site.is_dir():
        return False
    saved = archive.cache.load(archive.site_tenant(STATE), VERSION)
    if not isinstance(saved, dict) or saved.get("inputs") != print_:
        return False  # (the site is walked only when the inputs are the last build's: ~2 s at 100 000 articles)
    if aside is not None:
        aside.sum_first()
    total = aside.walked_sum() if aside is not None else None
    state = _spelled(total) if total is not None else site_state(archive)
    return state is not None and saved == {"inputs": print_, "site": state}


def remember(archive: Archive, print_: str, files: Mapping[str, tuple[int, int]] | None = None,
             since: tuple | None = None) -> None:
    """The inputs and the site of a build that wrote it whole (`files`, `since`: as site_state takes them)."""
    state = site_state(archive, files, since)
    if state is not None:
        archive.cache.save(archive.site_tenant(STATE), VERSION, {"inputs": print_, "site": state})
