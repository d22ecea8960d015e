"""Article pages rendered across cores (forked workers inherit the gathered site: nothing is pickled
in). Pages the memo keeps from the last site are not rendered at all. When every article page is
rendered, bodies come from the store of the last such build (bodies.py), and those it lacks are made
ahead, while the same-story comparison the pages wait for is still running (BodiesAhead)."""
from __future__ import annotations

from pathlib import Path

from .. import forked
from .bodies import BodyStore, worth_reading
from .render import Renderer, markdown_to_html
from .write import Placed, write_new

# Below this many articles a process pool costs more than it saves.
PARALLEL_FROM = 200
# Articles per task handed to a worker.
CHUNK = 64
# Stretches of consecutive articles in each core's lane (see _lanes).
STRETCHES = 4


def _chunks(numbers: list[int]) -> list[list[int]]:
    return [numbers[start:start + CHUNK] for start in range(0, len(numbers), CHUNK)]


class BodiesAhead:
    """On a build that renders every article page, the bodies the store lacks are turned into HTML
    on a pool while the same-story comparison (which the article pages wait for) runs; they are
    handed to the renderer before the article pages are made (their pool, forked after, inherits
    them) and stored for the next builds. `found`: the bodies taken from the store."""

    def __init__(self, entries, numbers: list[int], found: dict[str, str]):
        self.found = found
        # Each task carries its articles' markdown, to fresh workers: forked ones held a copy of most
        # of the gathered site by the end (300 MB each at 100 000 articles, and 700 MB more
        # shared by them only, as this process wrote to its own pages).
        self._pool = self._result = None
        if numbers:
            self._pool = forked.Pool(None, fresh=True)
            self._result = self._pool.map_async(_body_chunk, [[(entries[n].path, entries[n].body_md) for n in chunk]
                                                              for chunk in _chunks(numbers)])

    def hand_over(self, r: Renderer) -> None:
        r.bodies.update(self.found)
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


def bodies_ahead(entries, body_store: BodyStore, cold: bool) -> BodiesAhead | None:
    """On a build that renders every article page (`cold`: no page of the last site can be kept) of a
    large archive, the stored bodies are taken and a BodiesAhead makes the rest if they are many
    (else the bodies are made with the pages); None when there is nothing to take ahead."""
    if not cold or len(entries) < PARALLEL_FROM or forked.cores() < 2:
        return None
    found: dict[str, str] = {}
    body_store.fill(found, entries)
    missing = [n for n, e in enumerate(entries) if e.path not in found]
    return BodiesAhead(entries, missing if len(missing) >= PARALLEL_FROM else [], found)


def _body_chunk(_, articles: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(path, markdown_to_html(markdown)) for path, markdown in articles]


def _render_chunk(r: Renderer, task: tuple[list[int], list[str | None], Path | None]) -> list[tuple[str, object]]:
    """Article pages: (path, bytes), or (path, Placed.WRITTEN) when the task names a folder to write them to."""
    numbers, bodies, folder = task
    out = []
    for n, body in zip(numbers, bodies):
        path, data = r.render_article(r.site.entries[n], body)
        if folder is not None:
            write_new(data, folder / path)
            data = Placed.WRITTEN
        out.append((path, data))
    return out


def _render_tasks(r: Renderer, todo: list[int], folder: Path | None):
    """Chunks of article numbers, each with its bodies' HTML (None: made by the worker): handed in the
    task, as the worker reading the inherited strings would copy the pages they are on (forked.Pool)."""
    for chunk in _chunks(todo):
        yield chunk, [r.bodies.get(r.site.entries[n].path) for n in chunk], folder


def _lanes(todo: list[int], cores: int) -> list[list[int]]:
    """`todo` as one lane per core, each of STRETCHES stretches of consecutive articles, taken in
    turn (lane k: stretches k, k + cores, ...): what a page costs drifts along the archive (the newer
    half of the 10 000-article bench archive holds 1.5 times the older's text), and lanes that were
    each one half ended 1.2-1.5 s apart, one core idle. Stretches, not single articles, so that a
    lane's worker still reads mostly neighbouring parts of the site (see articles)."""
    parts = STRETCHES * cores
    stretches = [todo[len(todo) * k // parts:len(todo) * (k + 1) // parts] for k in range(parts)]
    return [[n for stretch in stretches[k::cores] for n in stretch] for k in range(cores)]


def articles(r: Renderer, ahead: BodiesAhead | None, write_to: Path | None = None):
    """(path, bytes or the last site's file) for every article page; only changed ones are rendered.
    `ahead`: the bodies being made on a pool since the build began (bodies_ahead), or None.
    `write_to`: a folder the pool's workers write their pages into themselves (write.Placed), or None."""
    if r.site.entries:  # an article page's key and page show its same-story links: wait for them here
        if r.last_shape is not None:  # most article pages will be kept: their files checked while waiting
            r.memo.look_ahead(e.path for e in r.site.entries)
        tick = r.progress.phase("same story", len(r.site.entries), "article")
        len(r.related)
        tick(len(r.site.entries))
    to_key = r.articles_to_key()
    todo = []
    for n, e in enumerate(r.site.entries):
        kept = (to_key is not None and e.path not in to_key and r.kept_as_was(e.path)) or r.reused_article(e)
        if kept:
            yield kept
        else:
            todo.append(n)
    if ahead is not None:
        ahead.hand_over(r)
    elif worth_reading(len(todo), len(r.site.entries)):  # many pages: stored bodies
        r.body_store.fill(r.bodies, [r.site.entries[n] for n in todo])
    tick = r.progress.phase("article pages", len(todo), "page")
    if len(todo) < PARALLEL_FROM or forked.cores() < 2:
        for n in todo:
            tick(1)
            yield r.render_article(r.site.entries[n])
    else:
        # One lane of consecutive articles per core: a page reads its own entry and text and those of
        # its neighbours in time, so a lane's worker copies less of the gathered site than a pool's
        # worker, which reads pages from all over it (forked.in_lanes; peak at 100 000 articles
        # 3.84 -> 3.67 GB).
        lanes = _lanes(todo, forked.cores())
        for pages in forked.in_lanes(r, _render_chunk, [_render_tasks(r, lane, write_to) for lane in lanes]):
            tick(len(pages))
            yield from pages
    r.bodies.clear()  # every page that shows a body is made (the feeds, before these, made their own)
