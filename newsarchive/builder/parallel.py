"""Article pages rendered across cores. Up to FORK_UP_TO articles, on processes forked from the
building process once same story has answered, holding the renderer and the gathered site as they
are: a task names its articles. Past it, on fresh processes handed the build's PageMaker: each task
carries its articles, their bodies' HTML and what their pages show (render.Shows), not the gathered
site. Pages the memo keeps from the last site are not rendered at all. When every article page is
rendered, bodies come from the store of the last such build (bodies.py), and those it lacks are made
ahead, while the same-story comparison the pages wait for is still running (BodiesAhead)."""
from __future__ import annotations

import gc
import threading
from pathlib import Path

from .. import forked
from .bodies import SAVING_THREAD, BodyStore, worth_reading
from .collect import path_of
from ..to_html import bodies_html
from .render import ARTICLE_LAYOUT, PageMaker, Renderer
from .write import WRITER_THREAD, Placed, write_new

# Below this many articles a process pool costs more than it saves.
PARALLEL_FROM = 200
# Articles per task handed to a worker.
CHUNK = 64
# Up to this many articles the workers that make the bodies and the article pages are forked, holding
# the gathered site (see _forks); past it they are fresh processes.
FORK_UP_TO = 40_000


def _chunks(numbers: list[int]) -> list[list[int]]:
    return [numbers[start:start + CHUNK] for start in range(0, len(numbers), CHUNK)]


class BodiesAhead:
    """On a build that renders every article page, the bodies the store lacks are turned into HTML
    on a pool while the same-story comparison (which the article pages wait for) runs; they are
    handed to the renderer before the article pages are made (each page's task carries its body)
    and stored for the next builds. `found`: the bodies taken from the store."""

    def __init__(self, entries, numbers: list[int], found: dict[str, str], early: forked.Pool | None = None):
        """`early`: the workers bodies_pool() forked before the site was read, if any (taken: this
        one stops it)."""
        self.found = found
        # Workers forked before the site was read take tasks that carry their articles' markdown (see
        # bodies_pool). Else, up to FORK_UP_TO articles they are forked now, handed the entries, each
        # task naming its own. Past it each task carries its articles' markdown, to fresh workers:
        # forked ones held a copy of most of the gathered site by the end (300 MB each at 100 000
        # articles, and 700 MB more shared by them only, as this process wrote to its own pages).
        self._pool = self._result = None
        if early is not None and not numbers:
            early.stop()
        elif early is not None:
            self._pool = early
            self._result = early.map_async(bodies_html, [_markdowns(entries, chunk) for chunk in _chunks(numbers)])
        elif numbers and _forks(len(entries)):
            self._pool = _forked_pool(entries)
            self._result = self._pool.map_async(_bodies_numbered, _chunks(numbers))
        elif numbers:
            self._pool = forked.Pool(None, fresh=True)
            self._result = self._pool.map_async(bodies_html, [_markdowns(entries, chunk) for chunk in _chunks(numbers)])
        if self._pool is not None:
            # (its workers end with their last body, not when the bodies are handed over: alive until
            # the lists were made, ~0.4 GB at 100 000 articles beside same story's process at its largest)
            self._pool.end_when_done()

    def hand_over(self, r: Renderer) -> None:
        """The bodies to the renderer, waited for; the workers end. Once (again: nothing)."""
        r.bodies.update(self.found)
        self.found = {}
        if self._result is None:
            return
        for chunk in self._result.get():
            r.bodies.update(chunk)
        self._result = None  # (it holds every body: they go when the renderer lets them go)
        self.close()
        r.body_store.save_in_background(r.bodies, r.site.entries)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()


def _markdowns(entries, numbers: list[int]) -> list[tuple[str, str]]:
    """(path, markdown) of these articles (their numbers in `entries`): what bodies_html takes."""
    return [(entries[n].path, entries[n].body_md) for n in numbers]


def _bodies_numbered(entries, numbers: list[int]) -> list[tuple[str, str]]:
    """A forked worker's bodies (their articles' numbers in `entries`), as bodies_html makes them."""
    return bodies_html(None, _markdowns(entries, numbers))


def bodies_ahead(entries, body_store: BodyStore, cold: bool, early: forked.Pool | None = None) -> BodiesAhead | None:
    """On a build that renders every article page (`cold`: no page of the last site can be kept) of a
    large archive, the stored bodies are taken and a BodiesAhead makes the rest if they are many
    (else the bodies are made with the pages); None when there is nothing to take ahead. `early`:
    bodies_pool()'s workers, if it forked them (taken: stopped here when not needed)."""
    if not cold or len(entries) < PARALLEL_FROM or forked.cores() < 2:
        if early is not None:
            early.stop()
        return None
    found: dict[str, str] = {}
    body_store.fill(found, entries)
    missing = [n for n, e in enumerate(entries) if e.path not in found]
    return BodiesAhead(entries, missing if len(missing) >= PARALLEL_FROM else [], found, early)


def bodies_pool(pages: int, body_store: BodyStore, first: bool) -> forked.Pool | None:
    """The bodies' workers of a first build (`first`: no page of a last site to keep) of `pages`
    content pages, none of whose bodies is stored, forked now - before the pages are read - for
    bodies_ahead; None when that build is not one. Forked once the site is gathered, they shared
    its every page with this process, which then copied each page it wrote to while they lived -
    and CPython writes to every object it reads (its reference count): at 10 000 articles same
    story's ledes, made then, took 0.125 thread CPU-s and 24 500 page faults, 0.063 s and 10 000
    forked here. Forked here, they share little of it, and each task carries its articles' markdown."""
    if not first or pages < PARALLEL_FROM or forked.cores() < 2 or not _forks(pages) or body_store.holds_any():
        return None
    return forked.Pool(None)


def _pooled(pages: int) -> bool:
    """Whether this many article pages are made on a pool."""
    return pages >= PARALLEL_FROM and forked.cores() >= 2


def _render_chunk(maker: PageMaker, task: tuple[list[tuple], Path | None]) -> list[tuple[str, object]]:
    """Article pages: (path, bytes), or (path, Written) when the task names a folder to write them to."""
    articles, folder = task
    out, made = [], set()
    for entry, body, shows in articles:
        path, data = maker.article(entry, body, shows)
        if folder is not None:
            data = write_new(data, folder / path, made)
        out.append((path, data))
    return out


def _render_tasks(r: Renderer, todo: list[int], folder: Path | None):
    """Chunks of articles, each with its body's HTML (None: made by the worker) and what its page shows."""
    for chunk in _chunks(todo):
        yield _articles_shown(r, chunk), folder


def _articles_shown(r: Renderer, numbers: list[int]) -> list[tuple]:
    """(entry, its body's HTML or None, what its page shows) of these articles (their numbers in the
    site): what _render_chunk makes pages of."""
    entries = [r.site.entries[n] for n in numbers]
    return [(e, r.bodies.get(e.path), r.shows(e)) for e in entries]


def _forks(articles: int) -> bool:
    """Whether the workers of a build of this many articles are forked, handed what they need as it
    is, rather than fresh processes handed it pickled: article pages' tasks were ~115 MB at 10 000
    articles (~0.4-0.75 CPU-s to pickle here, ~0.9 to unpickle there), the bodies' ~40 MB, and each
    fresh worker imports the renderer again (~0.25 CPU-s). A forked worker shares this process's
    memory until it writes to it, and CPython writes to every object it reads (its reference count):
    at 100 000 articles forked workers held ~1.1 GB each, and the peak is bounded there (README: At
    archive scale). At 28 822 articles a cold build's whole tree peaked at 1.6 GB with forked
    workers (1.3 GB with fresh ones), far below that bound. Not where threads other than the build's
    own run (serve's passes beside its server: a fork copies the calling thread alone, and a lock
    another thread held stays held in the child)."""
    own = {WRITER_THREAD, SAVING_THREAD}
    return articles <= FORK_UP_TO and all(t is threading.main_thread() or t.name in own for t in threading.enumerate())


def early(r: Renderer) -> bool:
    """Whether the article pages start as soon as same story has answered, the lists not yet made
    going on beside them (articles()' `meanwhile`): on a first build whose article pages are made on
    a pool. (The building process made every list first: when same story's process answered before,
    a core stood idle until the lists were done, ~0.3 s of a cold build at 10 000 articles.)"""
    return not r.memo.before and _pooled(len(r.site.entries))


def pool_ahead(r: Renderer, ahead: BodiesAhead | None) -> forked.Pool | None:
    """The article pages' pool of a build that renders every article page on fresh workers (`ahead`:
    the bodies of bodies_ahead's large first build, or of one after a code change), started when the
    lists are made, before the build waits for same story: its workers start (spawned, their
    imports) on the core same story's process leaves free then, not after its answer, on the way to
    the pages. The bodies made ahead are taken first (their workers have ended with the last one:
    with these beside them and same story's process, a cold build at 100 000 articles peaked
    higher). Hand it to articles(); stop it after. None where the workers are forked (after same
    story's answer: see articles())."""
    if ahead is None:
        return None
    ahead.hand_over(r)
    return None if _forks(len(r.site.entries)) else forked.Pool(r.maker, fresh=True)


def _forked_pool(handed) -> forked.Pool:
    """A pool of workers forked from this process, handed `handed`. What this process holds is frozen
    out of the cycle collector's passes as they fork (gc.freeze): a worker's collections then pass
    over the objects it makes, not over the site it inherited, which they would copy page by page."""
    gc.freeze()
    try:
        return forked.Pool(handed)
    finally:
        gc.unfreeze()


def _render_numbered(r: Renderer, task: tuple[list[int], Path | None]) -> list[tuple[str, object]]:
    """A forked worker's articles (their numbers in the site), as _render_chunk makes them."""
    numbers, folder = task
    return _render_chunk(r.maker, (_articles_shown(r, numbers), folder))


def articles(r: Renderer, ahead: BodiesAhead | None, write_to: Path | None = None, keep=None,
             pool: forked.Pool | None = None, meanwhile=()):
    """(path, bytes or the last site's file) for every article page; only changed ones are rendered.
    `ahead`: the bodies being made on a pool since the build began (bodies_ahead), or None.
    `write_to`: a folder the pool's workers write their pages into themselves (write.Written), or None.
    `keep`: called with the paths of many pages kept as the last build left them (Staging.keep),
    instead of a (path, Placed.KEPT) each, or None. `pool`: pool_ahead's, if one was started.
    `meanwhile`: other pages to yield (path, data), made here while the pool makes the articles'."""
    if r.site.entries:  # an article page's key and page show its same-story links: wait for them here
        if r.last_shape is not None:  # most article pages will be kept: their files checked while waiting
            r.memo.look_ahead(e.path for e in r.site.entries)
            r.places_ahead()
        tick = r.progress.phase("same story", len(r.site.entries), "article")
        len(r.related)
        tick(len(r.site.entries))
    to_key = r.articles_to_key()
    as_was: set[str] = set()  # the pages articles_to_key left out, kept as they were
    if to_key is not None:
        as_was = r.memo.kept_all(set(map(path_of, r.site.entries)) - to_key)
        if keep is not None:
            keep(as_was)
        else:
            yield from ((path, Placed.KEPT) for path in as_was)
    todo = [n for n, e in enumerate(r.site.entries) if e.path not in as_was]
    # With no page of the last site to keep (a first build, or one after a code change) every page is
    # made: their keys (recorded for the next build) are worked out while the pool makes them, not
    # before it is handed the first (~0.25 s of a cold build at 10 000 articles).
    unkeyed = todo if not r.memo.before and _pooled(len(todo)) else []
    if not unkeyed:
        kept = [r.reused_article(r.site.entries[n]) for n in todo]
        yield from filter(None, kept)
        todo = [n for n, k in zip(todo, kept) if not k]
    if ahead is not None:
        ahead.hand_over(r)
    elif worth_reading(len(todo), len(r.site.entries)):  # many pages: stored bodies
        r.body_store.fill(r.bodies, [r.site.entries[n] for n in todo])
    tick = r.progress.phase("article pages", len(todo), "page")
    if not _pooled(len(todo)):
        yield from meanwhile
        for n in todo:
            tick(1)
            yield r.render_article(r.site.entries[n])
    else:
        forks = pool is None and _forks(len(r.site.entries))
        if forks:
            r.maker.compile(ARTICLE_LAYOUT)
        workers = pool or (_forked_pool(r) if forks else forked.Pool(r.maker, fresh=True))
        try:
            # (handed out from a thread)
            made = workers.imap(_render_numbered, [(chunk, write_to) for chunk in _chunks(todo)]) if forks \
                else workers.imap(_render_chunk, _render_tasks(r, todo, write_to))
            for n in unkeyed:
                r.reused_article(r.site.entries[n])  # (records its key; nothing was recorded to keep)
            yield from meanwhile
            for pages in made:
                tick(len(pages))
                yield from pages
        finally:
            if pool is None:  # (one handed in is stopped by its starter)
                workers.stop()
    r.bodies.clear()  # every page that shows a body is made (the feeds, before these, made their own)
