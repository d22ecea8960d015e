"""Build: content/ -> site/. Gather everything, render every page into a staging folder, then swap it in.

    build(archive, base_url=None, search=True, quick=False, state=None) -> Outcome   (see outcome.py)

This front only decides whether there is anything to do (a fingerprint of every input); the work is
in `make` (imported when needed: a rebuild with nothing changed must not pay for importing the
renderer, the same-story comparison and their libraries - that was most of its time).
"""
from __future__ import annotations

from pathlib import Path

from ..archive import Archive
from ..progress import Progress
from . import fingerprint
from .aside import walk_aside
from .outcome import Built, Failed, LeftOut, Outcome, Unchanged, failure_line
from .state import BuildState

__all__ = ["BuildState", "Built", "Failed", "LeftOut", "Outcome", "Unchanged", "build", "hot"]


def build(archive: Archive, base_url: str | None = None, search: bool = True, quick: bool = False,
          state: BuildState | None = None, progress: Progress | None = None, tell_changes: bool = False) -> Outcome:
    """Build the archive's site. `quick` is serve's first pass after an edit: the whole-archive parts
    are taken from the last build as they are - the search index files, and same-story links
    computed before the edit - so the edited pages show at once; a full build follows and brings
    those up to date. `state`: what a long-lived process keeps between its builds (serve).
    `progress`: the phases shown on a terminal (reading, list pages, same story, article pages,
    search index). `tell_changes`: the outcome lists the site files whose bytes changed."""
    archive.cache.remove_stale()  # what a killed build left half-written
    state, stats = state or BuildState(), {}
    aside = walk_aside(archive)  # (site/ walked on the other core while content/ is walked here)
    try:
        print_ = fingerprint.fingerprint(archive, {"base_url": base_url, "search": search, "quick": quick}, stats)
        if fingerprint.unchanged(archive, print_, aside):
            return Unchanged()
        state.content_listing.stats = stats
        try:
            from .make import make

            return make(archive, base_url, search, quick, state, progress or Progress.off(),
                        tell_changes, print_, aside)  # (which records the fingerprint of a site it wrote whole)
        except Exception as exc:  # noqa: BLE001 - a failure the archivist can fix is an outcome; a bug raises
            return _failed(exc)
    finally:
        if aside is not None:
            aside.close()


def hot(archive: Archive, changed: set[Path], lock, state: BuildState, base_url: str | None = None) -> Outcome:
    """serve's hot pass after content pages changed: see make.hot."""
    try:
        from . import make

        return make.hot(archive, changed, lock, state, base_url)
    except Exception as exc:  # noqa: BLE001 - as in build()
        return _failed(exc)


def _failed(exc: Exception) -> Failed:
    line = failure_line(exc)
    if line is None:
        raise exc
    return Failed(line)

