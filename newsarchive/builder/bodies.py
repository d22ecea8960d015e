"""Article bodies as HTML, kept from one cold build to the next builds that re-render many pages.

Turning markdown into HTML (markdown-it-py, then the nh3 allowlist) is most of rendering an article
page: 6-8 CPU-seconds for 10 000 articles. A cold build makes every body anyway; it stores them here
(`bodies.json` in the archive's cache store), by the body's own text, so a build that re-renders many article
pages - a layout edit, serve's build after one - takes the bodies it finds instead of making them.
An edited body has a new key and is made again; so is every body when the markdown settings, the
allowlist or the libraries change (the store's version). JSON, not pickle: nothing in the archive's
cache folder is run. The store is the archive's own, like its layouts (which can hold any markup).
"""
from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..cache import CacheStore
from ..sanitize import sanitize

# The tenant's file in the cache store.
STORE = "bodies.json"
# Below this many article pages to render, bodies are made as they are needed (reading the store
# costs more than it saves) ...
STORE_FROM = 200
# ... and below this share of the archive's articles: the store holds every article's body, so
# reading it costs ~30 us a stored body (2.9 s at 100 000 articles), making one ~0.56 ms on one
# core, on two workers: under a tenth of the archive, making them is quicker (a day's files).
STORE_SHARE = 0.1

# The name of the thread that saves the bodies (parallel.py forks beside it).
SAVING_THREAD = "body-store"


def worth_reading(to_render: int, articles: int) -> bool:
    """Whether the bodies of `to_render` article pages are better taken from the store than made."""
    return to_render >= max(STORE_FROM, STORE_SHARE * articles)


@lru_cache(maxsize=None)
def version() -> str:
    """What a body's HTML depends on besides its text: the renderer's settings, the allowlist, the libraries."""
    from . import render

    h = hashlib.sha256()
    for source in (render.__file__, sanitize.__code__.co_filename):
        h.update(Path(source).read_bytes())
    for package in ("markdown-it-py", "mdit-py-plugins", "nh3", "markdown-it-pyrs"):
        h.update(f"\0{package}={metadata.version(package)}".encode())
    return h.hexdigest()


def body_key(markdown: str) -> str:
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class BodyStore:
    def __init__(self, store: CacheStore):
        self.store = store
        self._stored: dict | None = None  # the store as read, once per build
        self._saving: threading.Thread | None = None

    def holds_any(self) -> bool:
        """Whether bodies of this version are stored (told from the file's first bytes)."""
        return self.store.version_of(STORE) == version()

    def fill(self, bodies: dict[str, str], entries) -> None:
        """Put the stored HTML of these entries' bodies into `bodies` (by article path), for those it lacks."""
        stored = self._read()
        if not stored:  # (a first build: 10 000 bodies' keys were ~0.15 s before its pools could start)
            return
        for e in entries:
            if e.path not in bodies:
                html = stored.get(body_key(e.body_md))
                if isinstance(html, str):
                    bodies[e.path] = html

    def _read(self) -> dict:
        if self._stored is None:
            stored = self.store.load(STORE, version())
            self._stored = stored if isinstance(stored, dict) else {}
        return self._stored

    def save_in_background(self, bodies: dict[str, str], entries) -> None:
        """Store these entries' bodies (a thread writes it; `wait` joins it). A store that cannot be
        written costs the next builds their shortcut, nothing else."""
        snapshot = [(e.body_md, bodies[e.path]) for e in entries if e.path in bodies]

        def write() -> None:
            self.store.save_mapping(STORE, version(), ((body_key(md), html) for md, html in snapshot),
                                  plain=True)  # (texts only)

        self._saving = threading.Thread(target=write, name=SAVING_THREAD, daemon=True)
        self._saving.start()

    def wait(self) -> None:
        if self._saving is not None:
            self._saving.join()
            self._saving = None
