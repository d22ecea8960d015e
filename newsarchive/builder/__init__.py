"""Build: content/ -> site/. Gather everything, render every page into a staging folder, then swap it in.

    build(archive, base_url=None, search=True, quick=False, state=None) -> Outcome   (see outcome.py)

This front only decides whether there is anything to do (a fingerprint of every input); the work is
in `make` (imported when needed: a rebuild with nothing changed must not pay for importing the
renderer, the same-story comparison and their libraries - that was most of its time).
"""
from __future__ import annotations

from pathlib import Path

from .. import forked
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
    state = state or BuildState()
    walk, kept = _content_aside(archive, state)  # (forked first: site/'s aside must not hold its pipe)
    aside = walk_aside(archive)  # (site/ walked on the other core while content/ is walked)
    comparer = None
    try:
        (walked, comparer), stats = _content(archive, state, walk, kept, quick), {}
        print_ = fingerprint.fingerprint(archive, {"base_url": base_url, "search": search, "quick": quick}, stats,
                                         walked.digest if walked is not None else None)
        if fingerprint.unchanged(archive, print_, aside):
            return Unchanged()
        listing = state.content_listing
        listing.stats, listing.files, listing.signed = (stats, len(stats), {}) if walked is None else (
            {}, walked.files, walked.signed)
        try:
            from .make import make

            # (make records the fingerprint of a site it wrote whole)
            return make(archive, base_url, search, quick, state, progress or Progress.off(),
                        tell_changes, print_, aside, comparer)
        except Exception as exc:  # noqa: BLE001 - a failure the archivist can fix is an outcome; a bug raises
            return _failed(exc)
    finally:
        state.kept_ahead = state.memo_ahead = None  # (read ahead for a build that had nothing to do, or failed first)
        if aside is not None:
            aside.close()
        if walk is not None:
            walk.close()
        if comparer is not None:  # (not handed to make: nothing to do, or a failure first)
            comparer.close()


def _content_aside(archive: Archive, state: BuildState) -> tuple:
    """(content/ being walked aside, the last build's rows to read meanwhile) when this build has such
    rows to read (collect.kept_rows) and a second core to walk on; else (None, None): content/ is
    walked here."""
    from . import collect
    from .content_aside import ContentAside

    kept = collect.kept_rows(archive, state) if forked.cores() > 1 else None
    if kept is None:
        return None, None
    try:
        return ContentAside(archive.root, archive.content), kept
    except OSError:  # (no process to start: walked here)
        return None, None


def _content(archive: Archive, state: BuildState, walk, kept, quick: bool) -> tuple:
    """(content/ as the walk made aside found it (content_aside.Walked) - the rows and the page memo's
    file read and the rest of the build imported meanwhile - or None: the fingerprint walks content/
    itself; same story's process forked meanwhile (_comparer_forked), or None)."""
    if walk is None:
        return None, None
    from . import collect, memo
    from . import make  # noqa: F401 - (imported while content/ is walked: the build needs it next)

    comparer = _comparer_forked(quick)

    def then():  # (the page memo's file read too, if the walk has not come yet, then the walk taken)
        if not walk.ready():
            state.memo_ahead = memo.read_ahead(archive)
        return walk.taken()

    try:
        return collect.read_ahead(state, kept, until=walk.ready, then=then), comparer
    except BaseException:
        if comparer is not None:
            comparer.close()
        raise


def _comparer_forked(quick: bool):
    """Same story's process (related.Comparer) forked now - the comparison's code imported, the last
    build's rows not yet read - for a build that may compare in one (make decides, once content/ is
    counted, and ends it if not); None for a quick build, or in a process with other threads (serve's
    own passes: a fork copies the calling thread alone, and the child runs much code): make then
    spawns one."""
    from .related import Comparer, may_fork

    if quick or not may_fork():
        return None
    try:
        return Comparer(fork=True)
    except OSError:  # (no process to start: make tries to spawn one, or compares here)
        return None


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

