"""The parsed-page cache: each content page as the build last read it, kept by content folder and
keyed by the page file's stat, so a command-line build (a new process, with no BuildState) reads and
parses only the pages written since the last one. At 100 000 articles reading and parsing every page
was ~30 s of a build in which one title had changed; listing them with their stats takes ~1 s.
Ingest reads it too (never writes it), for what the archive already holds when new raw files come.

    .newsarchive-cache/parsed/<folder key>.json    {file name: [stat, digest, body start, fields, minutes]}

A page is taken from here as it is when its size, modification time, change time and inode are all
the ones recorded (the change time cannot be set back by hand: any write moves it); a page whose
file is new but whose text is the same (a fresh checkout in CI, a copied archive: every file's
times and inode are new) is read and its digest compared, but not parsed again (reading and hashing
100 000 pages ~6 s here, parsing their front matter ~20 s more). Only a page
whose values come back from JSON as they went in is kept (hand-written YAML may hold dates or
number keys): any other is parsed every time. A page's body is not kept: only where in the page
it begins (see Body).
"""
from __future__ import annotations

import hashlib
import math
import os
from operator import attrgetter
from pathlib import Path

from . import fields, page
from .cache import CacheStore, code_key

# Characters of body text same story compares (builder.windows.lede): the lede names the event; the
# rest only costs time. Here, beside the Body that carries a page's lede from the process that parsed it.
LEDE_CHARS = 1200

FOLDER = "parsed"


def digest(content_file: str, text: str) -> str:
    """One string standing for a content page's place and text (two pages with one digest are one
    page): page keys and caches spell an article by it alone. `text` as read_text reads it."""
    return hashlib.sha256(f"{content_file}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def read_page(file) -> str:
    """A content page's text as Path.read_text(encoding="utf-8") reads it: UTF-8 (an error raises
    UnicodeDecodeError), universal newlines ("\\r\\n" and a lone "\\r" read as "\\n"). Read as bytes,
    then decoded at once: read_text decodes through a text stream, chunk by chunk, ~40 us of a
    page's ~100 (the 10 000 pages of a cold build: 0.39 s, this way 0.2 s)."""
    with open(file, "rb", buffering=0) as fh:
        return _text(fh)


def _text(fh) -> str:
    """What read_page reads from a page file opened "rb": decoded, then universal newlines ("\\r\\n",
    then each "\\r" left, read as "\\n")."""
    text = fh.read().decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def signature(stat: os.stat_result) -> list[int]:
    """What says a page file is the one recorded (see the module docstring)."""
    return list(SIGNATURE(stat))


# signature()'s fields of a stat, as a tuple (gathered.signed takes them of many stats at once).
SIGNATURE = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")


class Body:
    """A content page's markdown body (what page.split gives after the front matter): held, or read
    from the page file when first asked. The cache keeps where in the page the body begins, not its
    text: at 100 000 articles the bodies were 382 of the cache's 545 MB of JSON, decoded at every
    build for the few hundred pages a day's files render (~1 s of each). A page file that is no longer
    the one recorded (changed since it was listed) gives its body as it is now; one gone or unreadable
    since, an empty body (the next build leaves it out)."""

    __slots__ = ("_text", "file", "start", "recorded", "_lede")

    def __init__(self, text: str | None, file: Path | None = None, start: int = 0,
                 recorded: list[int] | None = None, lede: str | None = None):
        """`text`, or None to read it from `file`, from character `start` of its text as read_text
        reads it (universal newlines: the digest's text), when its stat is still `recorded`. `lede`:
        the start of its plain text that same story compares (builder.windows.lede), when the
        process that parsed the page made it - in memory only, taken once (take_lede)."""
        self._text, self.file, self.start, self.recorded, self._lede = text, file, start, recorded, lede

    def take_lede(self) -> str | None:
        """The lede given at parsing, once (None after, or if none was): it is held only until same
        story takes it (at 100 000 articles, ~240 MB)."""
        lede, self._lede = self._lede, None
        return lede

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._read()
        return self._text

    @property
    def held(self) -> bool:
        """Whether the text is in memory (parsed now, or asked for before)."""
        return self._text is not None

    def _read(self) -> str:
        try:
            with open(self.file, "rb", buffering=0) as f:
                now, same = _text(f), signature(os.fstat(f.fileno())) == self.recorded
            return now[self.start:] if same else page.split(now)[1]
        except (OSError, UnicodeDecodeError, ValueError):
            return ""


class ParsedPages:
    """The cache as one collect() uses it: get() each page it lists, put() each it parsed, save()."""

    def __init__(self, store: CacheStore | None, loaded: dict[str, dict] | None = None):
        """`loaded`: the files another ParsedPages of this process decoded (see `loaded`), taken as
        they are instead of being decoded again."""
        self.store, self.version = store, code_key("build")
        self._folders: dict[str, dict] = loaded or {}  # content folder -> its file as loaded ({} when none)
        self._now: dict[str, dict] = {}       # content folder -> its pages found this time
        self._changed: set[str] = set()

    def get(self, folder: str, name: str, stat: os.stat_result, file: Path):
        """(digest, Body, fields, reading minutes) of the page `file` as recorded (its body read from
        it when asked), or None when it must be read."""
        row = self._folder(folder).get(name)
        self._now.setdefault(folder, {})
        if not (_row_shape(row) and row[0] == signature(stat)):
            return None  # (a row damaged by hand is no cache, like a damaged file)
        self._now[folder][name] = row
        return row[1], Body(None, file, row[2], row[0]), fields.read_again(dict(row[3])), row[4]

    def same_text(self, folder: str, name: str, stat: os.stat_result, digest_now: str, text: str):
        """What get() gives, for a page whose file is not the one recorded but whose text is (`text`,
        its digest `digest_now`), its row kept under the new stat; None when the text is not the
        recorded one."""
        row = self._folder(folder).get(name)
        self._now.setdefault(folder, {})
        if not (_row_shape(row) and row[1] == digest_now):
            return None
        self._now[folder][name] = [signature(stat), *row[1:]]
        self._changed.add(folder)
        return row[1], Body(text[row[2]:], start=row[2]), fields.read_again(dict(row[3])), row[4]

    def put(self, folder: str, name: str, stat: os.stat_result, made: tuple[str, Body, dict, int]) -> None:
        """A page just parsed, as get() gives it: (digest, Body, fields, reading minutes); kept only if
        JSON carries its values unchanged."""
        self._now.setdefault(folder, {})
        self._changed.add(folder)
        digest_, body, values, minutes = made
        if _plain(values):
            self._now[folder][name] = [signature(stat), digest_, body.start, values, minutes]

    def save(self, every_folder: bool = True) -> None:
        """Each folder's file written again where its pages changed, came or went (its rows hold no
        float that is not finite: put() keeps only _plain values); the files of
        folders no longer in content/ removed - unless not `every_folder` was asked about (a build
        that took the other folders from gathered.py): then the others are left as they are. A cache
        that cannot be written is no error."""
        if self.store is None:
            return
        for folder, pages in self._now.items():
            if folder in self._changed or pages.keys() != self._folders.get(folder, {}).keys():
                self.store.save_mapping(_name(folder), self.version, sorted(pages.items()), plain=True)
        if not every_folder:
            return
        kept = {Path(_name(folder)).name for folder in self._now}
        try:
            for old in os.scandir(self.store.path(FOLDER)):
                if old.name.endswith(".json") and old.name not in kept:
                    os.unlink(old.path)
        except OSError:
            pass

    def loaded(self) -> dict[str, dict]:
        """The files decoded so far, as they are on disk (get() and same_text() never change them):
        the main job's ingest hands them to its build, which would otherwise decode them again (at
        100 000 articles ~7 s a time; nothing writes the cache between the two)."""
        return self._folders

    def _folder(self, folder: str) -> dict:
        if folder not in self._folders:
            loaded = self.store.load(_name(folder), self.version) if self.store is not None else None
            self._folders[folder] = loaded if isinstance(loaded, dict) else {}
        return self._folders[folder]


def _name(folder: str) -> str:
    """A content folder's file in the store (by a hash: folder names are the archivist's)."""
    return f"{FOLDER}/{hashlib.sha256(folder.encode('utf-8', 'surrogatepass')).hexdigest()[:24]}.json"


def _row_shape(row) -> bool:
    """Whether a recorded row has the shape put() writes (a stat, a digest, where the body begins, read()'s keys
    with lists of texts and mappings where read() has them, reading minutes)."""
    if not (isinstance(row, list) and len(row) == 5 and isinstance(row[4], int)):
        return False
    values = row[3]
    return (isinstance(row[1], str) and isinstance(row[2], int) and row[2] >= 0 and isinstance(values, dict)
            and values.keys() == fields.READ_KEYS
            and all(isinstance(values[f.key], list) and all(isinstance(t, str) for t in values[f.key])
                    for f in fields.TOP_LEVEL if f.kind == "texts")
            and all(isinstance(values[m], dict) for m in fields.MAPPINGS))


def _plain(values: dict) -> bool:
    """Whether JSON gives read()'s values back as they are (its lists of texts are tuples, which come
    back as lists: read_again mends those)."""
    return all(isinstance(v, tuple) and all(map(_same, v)) or _same(v) for v in values.values())


def _same(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # (a lone surrogate from a \ud800 escape would not read back)
            return True
        except UnicodeEncodeError:
            return False
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):  # (cache.decode reads an integer past 64 bits as a float)
        return -(1 << 63) <= value < 1 << 64
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(map(_same, value))
    if isinstance(value, dict):
        return all(isinstance(k, str) and _same(k) and _same(v) for k, v in value.items())
    return False
