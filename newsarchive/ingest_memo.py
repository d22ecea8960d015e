"""What the last ingest made of each raw file, so that an unchanged file is not converted again.

The main job (`python build.py`) ingests "what is new or changed" before every build; telling that
by converting every raw file again took 22 s for 9 672 files with nothing new. A raw file's last
outcome (its page written, a duplicate, not an article, a hand edit kept; never a failure, which is
tried again) is reported again without converting it while

* the raw file has the size and modification time it had then - or, when only its time changed (a
  fresh checkout in a deploy's CI job, the cache restored), the same bytes (its SHA-256),
* the converter is the same: ingest's own code (cache.CODE) and the rules, by content,
* and the content page it wrote (or kept) has the size and modification time ingest left it with
  (or, likewise, the same bytes):
  a hand edit, a move or a deletion sends the file through conversion again, which decides as
  before (a hand edit is kept; a deleted page is written again).

A duplicate holds while the page it duplicates holds. The memo lives in the archive's cache folder;
without it (a fresh clone, a deleted cache) every file is converted, as before.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from . import cache
from .cache import file_stat as _stat
from .archive import Archive

# The memo's file in the archive's cache store.
MEMO = "ingest.json"


def _stored(archive: Archive) -> tuple[str | None, dict]:
    """(the memo's version, its entries by raw file key), whatever the version; (None, {}) without one."""
    stored = archive.cache.load_any(MEMO)
    if stored is None or not isinstance(stored[1], dict):
        return None, {}
    return stored


def recorded_digests(archive: Archive) -> dict[str, str]:
    """Raw file key -> the SHA-256 ingest last read in it, for every file the memo holds (any version:
    `check` verifies raw files that have no page by this)."""
    return {key: entry["sha256"] for key, entry in _stored(archive)[1].items()
            if isinstance(entry, dict) and isinstance(entry.get("sha256"), str)}


def _written_pages(files: dict) -> dict[str, str]:
    """Content page path -> the SHA-256 of the page as ingest last wrote it, from the memo of any
    version (a rule change, which makes every file be converted again, must not forget what ingest
    wrote): a page whose bytes differ was edited by hand, whatever the edit."""
    return {entry["page"]: entry["page_sha256"] for entry in files.values()
            if isinstance(entry, dict) and entry.get("kind") == "written"
            and isinstance(entry.get("page"), str) and isinstance(entry.get("page_sha256"), str)}


def converter_key(rules) -> str:
    """Names the converter: ingest's own code and data (cache.CODE), by content, and the rules."""
    return hashlib.sha256(f"{cache.code_key('ingest')}\0{rules!r}".encode("utf-8")).hexdigest()


def _same(path: Path, stat: list[int], sha256: str | None) -> bool:
    """Whether a file is as it was: the same size and time, or the same size and bytes (its time moved)."""
    return _as_was(path, stat, sha256) is not None


def _as_was(path: Path, stat: list[int], sha256: str | None) -> list[int] | None:
    """The file's [size, mtime_ns] now when it is as it was (see _same), else None."""
    now = _stat(path)
    if now is None or now == stat:
        return now
    return now if sha256 is not None and now[0] == stat[0] and _sha256(path) == sha256 else None


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None



class IngestMemo:
    """Outcomes by raw file key (its path inside the archive, `sources/...`):
    {"source": [size, mtime_ns], "kind": written|kept|duplicate|skipped (failures are not kept),
     "page": content page path (written, kept), "page_stat": [size, mtime_ns], "detail": str}."""

    def __init__(self, archive: Archive, key: str):
        self.archive, self.key = archive, key
        version, files = _stored(archive)  # read once: this converter's outcomes, any version's pages
        self.before = files if version == key else {}
        self.written_pages = _written_pages(files)  # (see _written_pages)
        self.now: dict[str, dict] = {}
    def recall(self, key: str) -> dict | None:
        """The last outcome for raw file `key` if it still holds (see the module's docstring), else None."""
        try:
            now = self._holds(key)
        except (KeyError, TypeError, AttributeError):  # a memo damaged by hand: convert the file
            now = None
        if now is None:
            return None
        self.now[key] = dict(self.before[key], source=now)  # its time, as it is now
        return self.before[key]

    def _holds(self, key: str) -> list[int] | None:
        """The raw file's [size, mtime_ns] when its last outcome still holds, else None. (The stat its
        check took, not a second one: stats were about a third of the 10.5 s an ingest with nothing
        new took over 107 523 raw files.)"""
        seen = self.before.get(key)
        now = _as_was(self.archive.at(key), seen["source"], seen.get("sha256")) if seen is not None else None
        return now if now is not None and self._outcome_holds(seen) else None

    def _outcome_holds(self, seen: dict) -> bool:
        """Whether an unchanged raw file's last outcome still holds: its page (or, for a duplicate,
        the page of the file it duplicates) is as ingest left it."""
        if seen["kind"] in ("written", "kept") and not self._page_holds(seen):
            return False
        if seen["kind"] == "duplicate":
            original = self.before[seen["detail"]]
            return original["kind"] == "written" and self._page_holds(original)
        return seen["kind"] in ("written", "kept", "skipped")

    def _page_holds(self, seen: dict) -> bool:
        return _same(self.archive.at(seen["page"]), seen["page_stat"], seen.get("page_sha256"))

    def remember(self, key: str, kind: str, detail: str = "", page: Path | None = None,
                 sha256: str | None = None) -> None:
        """A conversion's outcome (`sha256`: the raw file's, when it was read); a page's size, time and
        digest are read when the memo is saved (after the pages are on disk)."""
        entry = {"source": _stat(self.archive.at(key)), "kind": kind, "detail": detail}
        if sha256 is not None:
            entry["sha256"] = sha256
        if page is not None:
            entry["page"] = Path(os.path.relpath(page, self.archive.root)).as_posix()
        self.now[key] = entry

    def save(self) -> None:
        """Write what this run knows (the outcomes recalled and the new ones); an entry whose page cannot
        be read now is left out (its file is converted next time)."""
        files = {}
        for key, entry in sorted(self.now.items()):
            if "page" in entry:
                entry = self._with_page(entry)
                if entry is None:
                    continue
            files[key] = entry
        # (texts and integers only: written by orjson, 0.07 s for the 40 MB of 107 523 raw files where
        # json took 0.58 s; what orjson cannot write goes by json. A memo that cannot be written costs
        # the next run its speed.)
        self.archive.cache.save(MEMO, self.key, files, plain=True)

    def _with_page(self, entry: dict) -> dict | None:
        """The entry with its page's size, time and digest as they are now (the digest read again only
        when the size or time moved); None when the page cannot be read."""
        path = self.archive.at(entry["page"])
        stat = _stat(path)
        if stat is None:
            return None
        digest = entry.get("page_sha256") if entry.get("page_stat") == stat else None
        digest = digest or _sha256(path)
        return None if digest is None else dict(entry, page_stat=stat, page_sha256=digest)
