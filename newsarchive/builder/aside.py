"""Work of a build that keeps most of the last site, done on a process of its own (forked) while the
building process makes the pages: the two share nothing but the gathered site. Two parts of an edit
that the other core could take (one title edited at 100 000 articles, ~10.5 s in one process):

- site/ walked, each file's stat taken (write.walk): what the memo checks each kept page against and
  what the commit compares the new site with (~0.9 s there: the article pages' stats, then the walk);
- the search index (when the build has one), planned and made (~1.7 s after the list pages).

    Aside(renderer, site, search cache or None, staging folder or None)
        .walked() -> write.Present | None        (site/ at the build's start; None: walk it yourself)
        .files() -> ("made", [(site path, data)]) | ("late", search.Plan) | None

A first build (or one after a code, layout or config change: no page of the last site kept) has no
aside: its index is most of the archive's text, made late, after the article pages, so that its
blocks are not held beside theirs (pages.all_pages), and a forked copy of the gathered site would
add to that build's peak. site/ is not changed before the commit (the new files are staged beside
it), so a walk at the start is the walk at the commit; the memo's stats taken ahead rely on it too.
"""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from .. import forked
from ..progress import Progress
from . import search
from .render import Renderer
from .write import Placed, Present, walk, write_new

# Articles to index up to which the search index is made before the article pages (see all_pages):
# as many as the recent tier holds - an edit's or a day's files' segments, not a first build's.
EARLY_SEARCH_ARTICLES = search.store.RECENT_ARTICLES

# How much lower the aside's priority is than the build's (os.nice): its work fills the time the building
# process waits for same story, instead of slowing that comparison, which shares the other core with it
# while the list pages are made.
NICENESS = 10

# (what walked() holds until it has asked the child)
_NOT_YET = object()


class Aside:
    """The helper (a forked child, started here): walked() and files() wait for its answers."""

    def __init__(self, r: Renderer, site: Path, cache_dir: Path | None, write_to: Path | None):
        context = multiprocessing.get_context("fork")  # (the gathered site inherited, not pickled)
        self._receive, send = context.Pipe(duplex=False)
        self._child = context.Process(target=_aside, args=(r, site, cache_dir, write_to, send, os.getpid()),
                                      daemon=True, name="build-aside")
        self._child.start()
        send.close()
        self._walk = _NOT_YET

    def walked(self) -> Present | None:
        """site/'s files with their stats as the child found them, None when it could not walk it."""
        if self._walk is _NOT_YET:
            self._walk = self._next()
        return self._walk

    def files(self):
        """The search index: ("made", [(site path, bytes, a kept file or Placed.WRITTEN)]), or ("late",
        its plan) when it has more to index than an early one (EARLY_SEARCH_ARTICLES); None when the
        child failed or died - the caller makes the index itself (and meets its error, if any)."""
        self.walked()
        return self._next()

    def _next(self):
        try:
            return self._receive.recv()
        except (EOFError, OSError):
            return None

    def close(self) -> None:
        """End the child (a build that failed before it asked for everything must not leave it running)."""
        if self._child.is_alive():
            self._child.kill()
        self._child.join()
        self._receive.close()


def _aside(r: Renderer, site: Path, cache_dir: Path | None, write_to: Path | None, send, parent: int) -> None:
    forked.die_with_parent(parent)
    try:
        os.nice(NICENESS)
    except OSError:  # (not allowed here: the aside runs at the build's priority)
        pass
    try:
        send.send(walk(site))
    except OSError:  # a folder that cannot be listed: the building process meets it
        send.send(None)
    if cache_dir is None:
        return
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
