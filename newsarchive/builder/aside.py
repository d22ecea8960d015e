"""The search index of a build that keeps most of the last site, made on a process of its own (forked)
while this one makes the pages: the two share nothing but the gathered site, and the index was the
largest part of an edit's work in the building process that the other core could take (one title
edited at 100 000 articles: ~1.7 s of ~10.5, planned and made after the list pages).

    SearchAside(renderer, cache_dir, write_to) -> .files() -> ("made", [(site path, data)]) | ("late", Plan) | None

A first build (or one after a code, layout or config change: no page of the last site kept) is not
made aside: its index is most of the archive's text, made late, after the article pages, so that its
blocks are not held beside theirs (pages.all_pages), and a forked copy of the gathered site would
add to that build's peak.
"""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from .. import forked
from ..progress import Progress
from . import search
from .render import Renderer
from .write import Placed, write_new

# Articles to index up to which the search index is made before the article pages (see all_pages):
# as many as the recent tier holds - an edit's or a day's files' segments, not a first build's.
EARLY_SEARCH_ARTICLES = search.store.RECENT_ARTICLES


class SearchAside:
    """The index being made on a forked child (started here): files() waits for it."""

    def __init__(self, r: Renderer, cache_dir: Path, write_to: Path | None):
        context = multiprocessing.get_context("fork")  # (the gathered site inherited, not pickled)
        self._receive, send = context.Pipe(duplex=False)
        self._child = context.Process(target=_index_in_child, args=(r, cache_dir, write_to, send, os.getpid()),
                                      daemon=True, name="search-aside")
        self._child.start()
        send.close()

    def files(self):
        """What the child made: ("made", [(site path, bytes, a kept file or Placed.WRITTEN)]), or
        ("late", its plan) when the index has more to index than an early one (EARLY_SEARCH_ARTICLES);
        None when it failed or died - the caller makes the index itself (and meets its error, if any)."""
        try:
            found = self._receive.recv()
        except (EOFError, OSError):
            found = None
        self.close()
        return found

    def close(self) -> None:
        """End the child (a build that failed before it asked for the files must not leave it running)."""
        if self._child.is_alive():
            self._child.kill()
        self._child.join()
        self._receive.close()


def _index_in_child(r: Renderer, cache_dir: Path, write_to: Path | None, send, parent: int) -> None:
    forked.die_with_parent(parent)
    r.progress = Progress.off()  # (this process's copy: the building process shows its own phases)
    try:
        planned = search.plan(r, cache_dir)
        if planned.to_index > EARLY_SEARCH_ARTICLES:
            send.send(("late", planned))
            return
        send.send(("made", [(path, _handed(path, data, write_to))
                            for path, data in search.search_files(r, cache_dir, planned)]))
    except Exception:  # noqa: BLE001 - the building process makes the index again and reports what fails
        send.send(None)


def _handed(path: str, data, write_to: Path | None):
    """A file's data as the building process is handed it: bytes written into the staging folder
    here (Placed.WRITTEN) when there is one to write to (meta.js is ~20 MB at 100 000 articles)."""
    if isinstance(data, bytes) and write_to is not None:
        write_new(data, write_to / path)
        return Placed.WRITTEN
    return data
