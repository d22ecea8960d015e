"""The archive's cache folder: one store, each stage's remembered work a tenant of it.

    .newsarchive-cache/ingest.json      what ingest made of each raw file (ingest_memo)
    .newsarchive-cache/build.json       the last good build's input fingerprint (builder/fingerprint)
    .newsarchive-cache/pages.json       each page's key in the last site (builder/memo)
    .newsarchive-cache/bodies.json      article bodies as HTML (builder/bodies)
    .newsarchive-cache/parsed/*.json    each content folder's pages as the build last parsed them, by file stat
                                        (parsed; ingest reads it for what the archive already holds)
    .newsarchive-cache/related/*.arrays same-story answers per language (builder/related), and
                                        related/<language>/*.arrays: its term table and each day's
                                        first stage (builder/windows)
    .newsarchive-cache/search/          the search index's segments and files (builder/search/store.py)
    .newsarchive-cache/layouts/<code>/  the layouts as jinja2 compiled them (builder/compiled)
    .newsarchive-cache/failures.json    raw files that could not be ingested (failures)
    .newsarchive-cache/preview/         serve's preview site and its own build.json, pages.json, search/

Every JSON tenant is written the same way - whole, beside the old file and renamed over it (a kill
leaves the old or the new) - and read the same way: its data only when the version stored with it
is the one asked for; a missing, damaged or other-version file is no cache at all. A cache is never
the only copy of anything (content/ and sources/ are), so a store that cannot be written costs the
next run its speed, nothing else, and is not flushed to disk. Deleting the folder clears it all.

What a stage's cached work depends on in the package's code is named per stage (CODE), so that an
edit to the build's code does not make ingest convert every raw file again, and the reverse.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zlib
from functools import lru_cache
from pathlib import Path

import orjson

FOLDER = ".newsarchive-cache"
PACKAGE = Path(__file__).resolve().parent
# The package files (and folders) each stage's code reads: its own modules, those they import, and
# the data they load. tests/test_cache.py holds each list to the stage's real import graph.
CODE = {
    "ingest": ("ingest.py", "ingest_memo.py", "readers", "clean", "decode.py", "dedupe.py", "extract.py",
               "lang.py", "to_markdown.py", "sanitize.py", "page.py", "fields.py", "model.py", "urls.py",
               "archive.py", "cache.py", "forked.py", "failures.py", "progress.py", "schema.py", "bylines.py",
               "outlets.py", "parsed.py", "data/bylines.toml", "data/outlets.toml"),
    "build": ("builder", "parsed.py", "page.py", "schema.py", "fields.py", "config.py", "model.py", "to_markdown.py",
              "to_html.py", "lang.py", "urls.py", "sanitize.py", "archive.py", "cache.py", "forked.py", "failures.py",
              "progress.py", "data", "media/__init__.py", "media/show.py", "media/addresses.py", "media/store.py",
              "media/kinds.py"),
}
# How save() begins a tenant's file, and how much of it version_of() reads: a version is a key or
# a hash spelled in ASCII letters, digits and punctuation (json.dumps leaves those as they are).
_VERSION_AT_START = re.compile(rb'\{"version": ?"([\x20-\x21\x23-\x5b\x5d-\x7e]*)"[,}]')
_VERSION_HEAD = 512
# Which files of a code folder count: source and the data it reads.
_CODE_SUFFIXES = (".py", ".txt", ".json", ".toml")


def decode(data: bytes):
    """A JSON document as json.loads gives it. By orjson, twice as fast (the parsed-page cache at
    100 000 articles: 2.9 -> 1.5 s, the cycle collector off as collect runs it: most of an edit's
    gathering); what orjson refuses and json takes (NaN, a lone surrogate written with surrogatepass)
    by json. One difference: orjson reads an integer past 64 bits as a float - no tenant stores one
    (the only values from outside, the parsed pages' front matter, keep such a page out: parsed.py)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def _plain_json(version: str, data, sort_keys: bool) -> bytes:
    """save()'s document by orjson: the version first, as version_of reads it."""
    option = orjson.OPT_SORT_KEYS if sort_keys else 0
    return b'{"version": ' + orjson.dumps(version) + b', "data": ' + orjson.dumps(data, option=option) + b"}"


def _pair(key: str, value) -> bytes:
    """One pair of save_mapping's document, by json."""
    return f"{json.dumps(key, ensure_ascii=False)}:{json.dumps(value, ensure_ascii=False)}".encode("utf-8", "surrogatepass")


def _plain_pair(key: str, value) -> bytes:
    """_pair by orjson, for a value with no float that is not finite; by json what orjson refuses (a
    lone surrogate, an integer past 64 bits)."""
    try:
        return orjson.dumps(key) + b":" + orjson.dumps(value)
    except TypeError:  # (orjson.JSONEncodeError)
        return _pair(key, value)


def code_files(stage: str, package: Path | None = None) -> list[Path]:
    """The files of the package that stage reads (see CODE), sorted."""
    package = package or PACKAGE
    found = []
    for name in CODE[stage]:
        path = package / name
        if path.is_dir():
            found += [p for p in path.rglob("*") if p.suffix in _CODE_SUFFIXES and p.is_file()
                      and "__pycache__" not in p.parts]
        elif path.is_file():
            found.append(path)
    return sorted(found)


@lru_cache(maxsize=None)
def _code_key(stage: str, package: Path) -> str:
    h = hashlib.sha256(stage.encode())
    for path in code_files(stage, package):
        h.update(f"\0{path.relative_to(package).as_posix()}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def code_key(stage: str) -> str:
    """The stage's code by content. Once per process: a process runs the code it imported."""
    return _code_key(stage, PACKAGE)


class CacheStore:
    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, name: str) -> Path:
        """A tenant's own file or folder (a tenant that keeps more than one JSON file)."""
        return self.folder / name

    def load(self, name: str, version: str):
        """The data stored under name with this version; None when there is none."""
        stored = self.load_any(name)
        return stored[1] if stored is not None and stored[0] == version else None

    def load_any(self, name: str) -> tuple[str, object] | None:
        """(version, data) stored under name, whatever the version; None when there is none."""
        try:
            saved = decode((self.folder / name).read_bytes())
            return saved["version"], saved["data"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def version_of(self, name: str) -> str | None:
        """The version stored under name, read from the file's first bytes (save() writes it first),
        without decoding its data; None when there is none or it cannot be told so."""
        try:
            with open(self.folder / name, "rb") as fh:
                head = fh.read(_VERSION_HEAD)
        except OSError:
            return None
        found = _VERSION_AT_START.match(head)
        return found.group(1).decode("ascii") if found else None

    def save(self, name: str, version: str, data, plain: bool = False, **dump) -> bool:
        """Store data under name (replacing it whole); False when it could not be written. `plain`:
        the data holds no float (texts, integers, None, booleans, lists, mappings by text), and is
        written by orjson, several times json's speed (the same-story answer at 100 000 articles:
        45 MB; the page keys) - orjson would write a NaN as null, so a float may not take that way.
        What orjson cannot write (a lone surrogate) is written by json."""
        text = None
        if plain and set(dump) <= {"sort_keys"}:
            try:
                text = _plain_json(version, data, bool(dump.get("sort_keys")))
            except TypeError:  # (orjson.JSONEncodeError)
                pass
        if text is None:
            text = json.dumps({"version": version, "data": data}, ensure_ascii=False, **dump).encode("utf-8", "surrogatepass")
        try:
            replace_file(self.folder / name, text)
            return True
        except OSError:
            return False

    def save_mapping(self, name: str, version: str, items, plain: bool = False) -> bool:
        """save() of a mapping given as (key, value) pairs, written out pair by pair: the JSON text of
        a large one is never held whole (the article bodies at 100 000 articles: 350 MB, twice).
        `plain`: no value holds a float that is not finite, and each pair is written by orjson (which
        would write a NaN as null; json.dumps of each pair was ~0.3 s of an edit at 100 000 articles,
        writing the edited folder's parsed pages again)."""
        dumps = _plain_pair if plain else _pair

        def write(fh) -> None:
            fh.write(b'{"version":' + json.dumps(version).encode() + b',"data":{')
            for n, (key, value) in enumerate(items):
                fh.write(b"," + dumps(key, value) if n else dumps(key, value))
            fh.write(b"}}")
        try:
            replace_file(self.folder / name, write)
            return True
        except OSError:
            return False

    def forget(self, name: str) -> None:
        """Remove one tenant's file (before what it vouches for is changed in place)."""
        try:
            (self.folder / name).unlink(missing_ok=True)
        except OSError:
            pass

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def remove_stale(self) -> None:
        """Files and folders a killed run left half-written (named `.*.new`, see `temporary_name`),
        removed before a run writes the store. serve's preview site is not searched: it holds none."""
        for folder, dirs, files in os.walk(self.folder):
            here = Path(folder)
            for name in [d for d in dirs if _temporary(d)]:
                shutil.rmtree(here / name, ignore_errors=True)
            dirs[:] = [d for d in dirs if not _temporary(d) and d != "site"]
            for name in filter(_temporary, files):
                (here / name).unlink(missing_ok=True)


# What a temporary name in the store ends with: whatever a tenant writes before renaming it into place.
TEMPORARY_SUFFIX = ".new"


def temporary_name(name: str) -> str:
    """The name `name` is written under before it is renamed into place (a kill leaves it to remove_stale)."""
    return f".{name}.{os.getpid()}{TEMPORARY_SUFFIX}"


def _temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMPORARY_SUFFIX)


def file_stat(path: Path | str) -> list[int] | None:
    """[size, mtime_ns] of a file, None when there is none: how the tenants tell a file is as it was."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def replace_file(target: Path, data) -> None:
    """target replaced whole by `data` (bytes, or a function writing them to the file it is given):
    written beside it, renamed over it (a reader or a kill sees the old file or the new). Not flushed
    to disk: for files rebuilt from content/ (site/, caches)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(temporary_name(target.name))
    try:
        with open(temporary, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
        os.replace(temporary, target)
    except OSError as exc:  # a full disk: no half file left, and the error names the file
        temporary.unlink(missing_ok=True)
        raise named_error(exc, target) from None


# A checked file (write_checked) begins with this many characters: the hex CRC-32 of the rest. A check
# against damage, not against a forger (who could write any digest beside his bytes): CRC-32 catches
# every burst of damage up to 32 bits and misses other damage one time in 4 billion, at ~5 times
# blake2b's speed (the gathered rows at 100 000 articles, 165 MB read at each build: 0.24 -> 0.05 s).
CHECK_CHARS = 8


def write_checked(target: Path, data: bytes) -> None:
    """target replaced by `data` behind a check of it (read_checked gives `data` back): for a
    tenant's files whose content no version covers, so that one damaged since is no cache."""
    replace_file(target, _check(data) + data)


def read_checked(path: Path) -> memoryview | None:
    """What write_checked wrote there, None when there is no file or it fails its check."""
    try:
        with open(path, "rb") as fh:
            data = memoryview(fh.read())
    except OSError:
        return None
    check, rest = data[:CHECK_CHARS], data[CHECK_CHARS:]
    return rest if check == _check(rest) else None


def _check(data) -> bytes:
    return f"{zlib.crc32(data):0{CHECK_CHARS}x}".encode("ascii")


def own_folder(folder: Path) -> None:
    """A tenant's folder as its own: a symlink made there by hand unlinked (what it leads to is never
    written through), the folder made. Raises OSError."""
    if folder.is_symlink():
        folder.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def remove_others(folder: Path | str, keep: set[str]) -> None:
    """The files of a tenant's own folder whose names are not in `keep` removed (and anything else
    there: the folder is the tenant's alone). Folders, and files that cannot be removed, are left:
    the next run tries again. No folder: nothing to do."""
    try:
        found = list(os.scandir(folder))
    except OSError:
        return
    for entry in found:
        if entry.name not in keep and not entry.is_dir(follow_symlinks=False):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def named_error(exc: OSError, path: Path | None) -> OSError:
    """The error naming the file it was about (a write's own error names none)."""
    return exc if exc.filename or path is None else OSError(exc.errno, exc.strerror, str(path))
