"""The build's work: gather the site, render its pages (only those whose inputs changed), write them.

    make(archive, base_url, search, quick, state) -> Outcome        (a full or quick build; see build())
    hot(archive, changed, lock, state, base_url) -> Outcome         (serve's hot pass)
"""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from .. import config as site_config
from .. import failures, forked
from ..archive import Archive
from ..media.show import Pictures
from . import compiled, fingerprint, memo, parallel, shape
from .aside import Aside
from .bodies import BodyStore
from .collect import collect, collect_changed, settle
from ..progress import Progress
from .outcome import Built, HotDeclined, LeftOut, Outcome, Unchanged
from .pages import all_pages, pages_showing
from .related import BACKGROUND_FROM, Comparer, may_fork, same_story
from .render import TAG_PAGE_ARTICLES, Renderer, load_assets, read_layouts
from .state import BuildState
from .write import Staging, replace_in_place

# The search index's tenant folder in the cache store (the index of one site folder: serve's preview
# keeps its own, so that pack's texts are always those of site/).
SEARCH_CACHE = "search"


@dataclass(frozen=True)
class _Inputs:
    """What every page is made from besides the articles: read once per build."""

    config: object
    layouts: object  # render.Layouts
    assets: object
    memo: memo.Memo
    failures: tuple  # failures.Failure: raw files ingest could not make articles of (the problems page)


def _inputs(archive: Archive, base_url: str | None, site, carry: bool = False, ahead: tuple | None = None) -> _Inputs:
    """`ahead`: the page memo's file read ahead (memo.read_ahead)."""
    config = site_config.load(archive).with_base_url(base_url)
    layouts = read_layouts(list(archive.layout_dirs), compiled.folder(archive.cache))
    assets = load_assets(list(archive.static_dirs))
    failed = failures.load(archive)
    key = memo.site_key(layouts.files, assets.paths, config, len(failed) + len(site.problems))
    return _Inputs(config, layouts, assets, memo.Memo(archive, key, carry, ahead), failed)


def make(archive: Archive, base_url: str | None, search: bool, quick: bool, state: BuildState,
         progress: Progress, tell_changes: bool = False, print_: str | None = None,
         aside: Aside | None = None, comparer: Comparer | None = None) -> Outcome:
    """`print_`: the build's fingerprint, recorded with the site when every page was built
    (fingerprint.remember). `aside`: site/ being walked aside (aside.walk_aside; started by build(),
    before its fingerprint, and forked before the comparison's process starts, there or here: a
    fork holds every pipe this process has open, and that process ends when the pipe of its tasks is
    closed - forked after it, a walk waiting to be read held it open, and a build that closed it
    unused waited for ever). `comparer`: same story's process, forked by build() (see there), or None."""
    comparer = _comparer(archive, state, quick, comparer, aside)
    try:
        return _made(archive, base_url, search, quick, state, progress, tell_changes, print_, comparer, aside)
    finally:
        if aside is not None:
            aside.close()
        if comparer is not None:
            comparer.close()


def _comparer(archive: Archive, state: BuildState, quick: bool, early: Comparer | None,
              aside: Aside | None) -> Comparer | None:
    """The same-story comparison's process, started before the pages are read (see related.Comparer):
    `early` (forked by build()) or one started now, told to read the stored days ahead; None when this
    build is not likely to compare in one (`early` is then ended). One started now is forked when no
    walk of site/ is under way (`aside`: a fork would hold its pipe) and no other thread runs (serve's
    passes): it starts with the comparison's code this process has imported (a spawned one imported
    it again: ~0.25 CPU-s of a first build at 10 000 articles, beside the readers); else spawned."""
    if not _compares_aside(state, quick):
        if early is not None:
            early.close()
        return None
    if early is None:
        return Comparer(archive.cache, fork=aside is None and may_fork())
    early.read_ahead(archive.cache)
    return early


def _compares_aside(state: BuildState, quick: bool) -> bool:
    """Whether this build is likely to compare same story in a process of its own: a full build of as
    many pages as that takes (the pages as the build's fingerprint found them: see build())."""
    return not quick and state.content_listing.files >= BACKGROUND_FROM and forked.cores() > 1


def _made(archive: Archive, base_url: str | None, search: bool, quick: bool, state: BuildState,
          progress: Progress, tell_changes: bool, print_: str | None, comparer, aside: Aside | None) -> Outcome:
    later: list = []  # (collect's saving, made once the work that waits for the site is handed out)
    # (a first build's bodies' workers, forked before the site is read: see parallel.bodies_pool)
    bodies = parallel.bodies_pool(state.content_listing.files, BodyStore(archive.cache), memo.first_build(archive))
    try:
        site = collect(archive, state, progress, later)
        ahead, state.memo_ahead = state.memo_ahead, None
        made = _inputs(archive, base_url, site, ahead=ahead)
        if aside is not None and not made.memo.before:  # (no page of the last site to keep: no walk needed)
            aside.close()
            aside = None
        if aside is not None:
            made.memo.walk_from(aside.walked, aside.ready)
        with _collector_off(bool(made.memo.before)):
            return _built(archive, site, made, search, quick, state, progress, tell_changes, print_, comparer, aside,
                          later, bodies)
    finally:
        if bodies is not None:  # (stopped already where its bodies were taken)
            bodies.stop()


@contextlib.contextmanager
def _collector_off(keeping: bool):
    """Python's cycle collector off for a build that keeps the last site's pages (an edit, a day's
    files: few pages made, little garbage to leave for later), on again after it. Its passes over
    what such a build makes after gathering - the walk of site/, the page keys, the lists - were
    ~0.27 s of one title edited at 100 000 articles (seven full passes among 1 500). A build that
    makes every page keeps it on: it renders ~20 000 list pages here."""
    was = gc.isenabled()
    if keeping:
        gc.disable()
    try:
        yield
    finally:
        if keeping and was:
            gc.enable()


def _built(archive: Archive, site, made: _Inputs, search: bool, quick: bool, state: BuildState, progress: Progress,
           tell_changes: bool, print_: str | None, comparer, aside: Aside | None, later: list,
           bodies: forked.Pool | None = None) -> Outcome:
    """`bodies`: the bodies' workers forked before the site was read (parallel.bodies_pool), or None."""
    body_store, cold = BodyStore(archive.cache), not made.memo.before
    # Every body to make (none stored): its pool starts before same story's plan, which left the
    # second core idle (~0.6 s of a cold build at 10 000 articles); stored bodies are read after same
    # story's process has started (~3 s at 100 000, when a change to its code alone makes it compare again).
    early = not body_store.holds_any()
    ahead = parallel.bodies_ahead(site.entries, body_store, cold, bodies) if early else None
    try:
        renderer, shape_now, last = _renderer(archive, site, made, body_store, search, quick, state, progress,
                                              comparer)
    except BaseException:
        if ahead is not None:  # (serve goes on: its pool must not outlive a failed build)
            ahead.close()
        raise
    finally:
        for save in later:
            save()
    settle()
    related, pictures = renderer.related, renderer.pictures
    if not early:
        ahead = parallel.bodies_ahead(site.entries, body_store, cold, bodies)
    walked = None
    try:
        with Staging(archive.site, compare=tell_changes, tell=progress.notice) as staging:
            # (a quick build keeps the site's search index as it is; a full one updates the kept index)
            search_cache = archive.cache.path(archive.site_tenant(SEARCH_CACHE)) if search and not quick else None
            pages = all_pages(renderer, search_cache, kept_search=archive.site if search and quick else None,
                              ahead=ahead, write_to=staging.writable_by_workers, keep=staging.keep)
            for path, data in chain(pages, made.assets.files.items(), pictures.files.items()):
                staging.add(path, data)
            made.memo.drop_saved()  # a kill between the swap and the save must not leave old keys vouching
            walked = aside.walked() if aside is not None else None
            staging.commit(walked)
            made.memo.save(staging.site_files)
            if not quick:  # (a quick build's same-story links are the last build's: no answer to record)
                shape.save(archive.cache, made.memo.shape_name, site, shape_now,
                           related.record(last.links if last is not None else None),
                           shape.pictures_digest(pictures), renderer.group_pages())
    finally:
        progress.end()
        related.close()
        if ahead is not None:
            ahead.close()
        renderer.body_store.wait()
    changed = tuple(sorted(staging.changed))
    if site.problems:
        return LeftOut(len(site.entries), len(staging.paths), site.problems, changed)
    if print_ is not None:
        total = aside.walked_sum() if walked is not None and staging.in_place else None
        # (None: the site's state summed from the files' stats as the commit recorded them)
        since = (total, walked.stats, staging.replaced) if total is not None else None
        fingerprint.remember(archive, print_, staging.site_files, since)
    return Built(len(site.entries), len(staging.paths), changed)


def _renderer(archive: Archive, site, made: _Inputs, body_store: BodyStore, search: bool, quick: bool,
              state: BuildState, progress: Progress, comparer=None) -> tuple[Renderer, object, shape.Last | None]:
    """The build's Renderer (same story started, on `comparer` if it has work for one), the site's
    shape now and the last build's."""
    related = same_story(site.entries, archive.cache, stale_ok=quick, state=state,
                         window_days=made.config.same_story_days, comparer=comparer)
    pictures = Pictures(archive)
    shape_now, last = shape.of(site, pictures), _last_shape(archive, made.memo, quick)
    edited = last.edited(site, shape_now) if last is not None else None
    renderer = Renderer(site, made.config, made.layouts, made.assets, related, made.memo, body_store,
                        showing=edited, progress=progress.below(len(site.entries)), failures=made.failures,
                        search=search, pictures=pictures, last_shape=last)
    return renderer, shape_now, last


def _last_shape(archive: Archive, memo_: memo.Memo, quick: bool) -> shape.Last | None:
    """The shape the last build recorded, when its page keys hold for this build (same site key) and
    this is a full build (a quick one keeps stale same-story links)."""
    if quick or not memo_.before:
        return None
    return shape.load(archive.cache, memo_.shape_name)


def _extent(site) -> tuple:
    """What the hot pass leaves to a quick build when it changes: the articles' number, the outlets
    and tags, and which tags have pages (a new article's versions, same story and search entry, an
    article whose tag gains or loses its pages, are a build's work)."""
    return (len(site.entries), [g.slug for g in site.outlets],
            [(g.slug, len(g.entries) >= TAG_PAGE_ARTICLES) for g in site.tags])


def hot(archive: Archive, changed: set[Path], lock, state: BuildState, base_url: str | None = None) -> Outcome:
    """serve's hot pass after content pages changed (`changed`: their paths, from the file watcher).

    Only the changed pages are read again; only the pages whose memo key changed are rendered - the
    changed articles' own pages and the lists and feeds that show them - and those files are replaced
    in site/ in place, holding `lock` (the server reads pages under it, so it never shows half an
    edit). Same-story links and the search index stay as the last build left them, as in a quick
    build. HotDeclined when this is not enough - the archive's counts or slugs, layouts, static files,
    config or code changed, or a page is left out - and a quick build must run instead.
    """
    before = state.gathered.site if state.gathered is not None else None
    site, same_shape = collect_changed(archive, changed, state)
    if site is None or before is None or _extent(site) != _extent(before):
        return HotDeclined()
    made = _inputs(archive, base_url, site, carry=True)
    if not made.memo.before:  # nothing recorded for this site key: every page may differ
        return HotDeclined()
    related = same_story(site.entries, archive.cache, stale_ok=True, state=state,
                         window_days=made.config.same_story_days)
    edited_files = {archive.content_file(p) for p in changed}
    edited = tuple(e for e in site.entries if e.content_file in edited_files)
    renderer = Renderer(site, made.config, made.layouts, made.assets, related, made.memo, BodyStore(archive.cache),
                        showing=frozenset(e.path for e in edited) if same_shape else None, failures=made.failures,
                        pictures=Pictures(archive))
    try:
        produced, fresh = _changed_pages(renderer, edited)
    finally:
        related.close()
    articles = {e.path for e in site.entries}
    gone = [p for p in made.memo.before if p not in produced and p not in articles]
    made.memo.drop_saved()
    with lock:
        written = replace_in_place(archive.site, fresh, gone)
    for path in gone:
        made.memo.forget(path)
    made.memo.save()
    return Built(len(site.entries), written) if written else Unchanged()


def _changed_pages(renderer: Renderer, edited: tuple) -> tuple[set[str], dict[str, bytes]]:
    """The hot pass's pages: every path it looked at, and the ones rendered anew (their bytes)."""
    produced, fresh = set(), {}
    for path, data in pages_showing(renderer, edited):
        produced.add(path)
        if isinstance(data, bytes):  # (not a kept page: Placed.KEPT)
            fresh[path] = data
    return produced, fresh
