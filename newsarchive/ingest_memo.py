"""What the last ingest made of each raw file, so that an unchanged file is not converted again.

The main job (`python build.py`) ingests "what is new or changed" before every build; telling that
by converting every raw file again took 22 s for 9 672 files with nothing new. A raw file's last
outcome (its page written, a duplicate, not an article, a hand edit kept; never a failure, which is
tried again) is reported again without converting it while

* the raw file has the size and modification time it had then,
* the converter is the same: the package's code and the rules, by content,
* and the content page it wrote (or kept) has the size and modification time ingest left it with:
  a hand edit, a move or a deletion sends the file through conversion again, which decides as
  before (a hand edit is kept; a deleted page is written again).

A duplicate holds while the page it duplicates holds. The memo lives in the archive's cache folder;
without it (a fresh clone, a deleted cache) every file is converted, as before.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .archive import atomic_write
from .build.cache import CACHE_DIR

PACKAGE_DIR = Path(__file__).resolve().parent
# Beside the build's own cache files.
MEMO = Path(CACHE_DIR) / "ingest.json"
# The package files whose content the converter's key covers (code and the data it reads).
_CODE_SUFFIXES = (".py", ".txt", ".json", ".toml")


def converter_key(rules) -> str:
    """Names the converter: every code and data file of the package, by content, and the rules."""
    h = hashlib.sha256(repr(rules).encode("utf-8"))
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            h.update(f"\0{path.relative_to(PACKAGE_DIR).as_posix()}\0".encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


class IngestMemo:
    """Outcomes by raw file key (its path inside the archive, `sources/...`):
    {"source": [size, mtime_ns], "kind": written|kept|duplicate|skipped (failures are not kept),
     "page": content page path (written, kept), "page_stat": [size, mtime_ns], "detail": str}."""

    def __init__(self, root: Path, key: str):
        self.root, self.key = root, key
        self.before = self._load()
        self.now: dict[str, dict] = {}

    def _load(self) -> dict[str, dict]:
        try:
            data = json.loads((self.root / MEMO).read_text(encoding="utf-8"))
            return data["files"] if data["key"] == self.key else {}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def recall(self, key: str) -> dict | None:
        """The last outcome for raw file `key` if it still holds (see the module's docstring), else None."""
        try:
            holds = self._holds(key)
        except (KeyError, TypeError, AttributeError):  # a memo damaged by hand: convert the file
            holds = False
        if not holds:
            return None
        self.now[key] = self.before[key]
        return self.before[key]

    def _holds(self, key: str) -> bool:
        seen = self.before.get(key)
        if seen is None or _stat(self.root / key) != seen["source"]:
            return False
        if seen["kind"] in ("written", "kept") and _stat(self.root / seen["page"]) != seen["page_stat"]:
            return False
        if seen["kind"] == "duplicate":
            original = self.before[seen["detail"]]
            return original["kind"] == "written" and _stat(self.root / original["page"]) == original["page_stat"]
        return seen["kind"] in ("written", "kept", "skipped")

    def remember(self, key: str, kind: str, detail: str = "", page: Path | None = None) -> None:
        """A conversion's outcome; a page's size and time are read when the memo is saved (after the
        pages are on disk)."""
        entry = {"source": _stat(self.root / key), "kind": kind, "detail": detail}
        if page is not None:
            entry["page"] = Path(os.path.relpath(page, self.root)).as_posix()
        self.now[key] = entry

    def save(self) -> None:
        """Write what this run knows (the outcomes recalled and the new ones); an entry whose page cannot
        be read now is left out (its file is converted next time)."""
        files = {}
        for key, entry in sorted(self.now.items()):
            if "page" in entry:
                entry = dict(entry, page_stat=_stat(self.root / entry["page"]))
                if entry["page_stat"] is None:
                    continue
            files[key] = entry
        try:
            (self.root / MEMO).parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.root / MEMO, json.dumps({"key": self.key, "files": files}, ensure_ascii=False).encode())
        except OSError:  # a memo that cannot be written costs the next run its speed, nothing else
            pass
