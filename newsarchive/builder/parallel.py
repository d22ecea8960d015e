"""Article pages rendered across cores (forked workers inherit the gathered site: nothing is pickled
in). Pages the memo keeps from the last site are not rendered at all. When every article page is
rendered, bodies come from the store of the last such build (bodies.py), and those it lacks are made
ahead, while the same-story comparison the pages wait for is still running (BodiesAhead)."""
from __future__ import annotations

from .. import forked
from .bodies import STORE_FROM
from .render import Renderer, markdown_to_html

# Below this many articles a process pool costs more than it saves.
PARALLEL_FROM = 200
# Articles per task handed to a worker.
CHUNK = 64


def _chunks(numbers: list[int]) -> list[list[int]]:
    return [numbers[start:start + CHUNK] for start in range(0, len(numbers), CHUNK)]


class BodiesAhead:
    """On a build that renders every article page, the bodies the store lacks are turned into HTML
    on a pool while the same-story comparison (which the article pages wait for) runs; they are
    handed to the renderer before the article pages are made (their pool, forked after, inherits
    them) and stored for the next builds."""

    def __init__(self, r: Renderer, numbers: list[int]):
        self._pool = forked.Pool(r)
        self._result = self._pool.map_async(_body_chunk, _chunks(numbers))

    def hand_over(self, r: Renderer) -> None:
        for chunk in self._result.get():
            r.bodies.update(chunk)
        self.close()
        r.body_store.save_in_background(r.bodies, r.site.entries)

    def close(self) -> None:
        self._pool.stop()


def bodies_ahead(r: Renderer, cold: bool) -> BodiesAhead | None:
    """On a build that renders every article page (`cold`: no page of the last site can be kept) of a
    large archive, the stored bodies are taken and a BodiesAhead makes the rest if they are many;
    else None (bodies are made with the pages)."""
    if not cold or len(r.site.entries) < PARALLEL_FROM or forked.cores() < 2:
        return None
    r.body_store.fill(r.bodies, r.site.entries)
    missing = [n for n, e in enumerate(r.site.entries) if e.path not in r.bodies]
    return BodiesAhead(r, missing) if len(missing) >= PARALLEL_FROM else None


def _body_chunk(r: Renderer, numbers: list[int]) -> list[tuple[str, str]]:
    entries = r.site.entries
    return [(entries[n].path, markdown_to_html(entries[n].body_md)) for n in numbers]


def _render_chunk(r: Renderer, numbers: list[int]) -> list[tuple[str, bytes]]:
    return [r.render_article(r.site.entries[n]) for n in numbers]


def articles(r: Renderer, ahead: BodiesAhead | None):
    """(path, bytes or the last site's file) for every article page; only changed ones are rendered.
    `ahead`: the bodies being made on a pool since the build began (bodies_ahead), or None."""
    if r.site.entries:  # an article page's key and page show its same-story links: wait for them here
        tick = r.progress.phase("same story", len(r.site.entries), "article")
        len(r.related)
        tick(len(r.site.entries))
    todo = []
    for n, e in enumerate(r.site.entries):
        kept = r.reused_article(e)
        if kept:
            yield kept
        else:
            todo.append(n)
    if ahead is not None:
        ahead.hand_over(r)
    elif len(todo) >= STORE_FROM:  # many pages: stored bodies
        r.body_store.fill(r.bodies, [r.site.entries[n] for n in todo])
    tick = r.progress.phase("article pages", len(todo), "page")
    if len(todo) < PARALLEL_FROM or forked.cores() < 2:
        for n in todo:
            tick(1)
            yield r.render_article(r.site.entries[n])
        return
    with forked.Pool(r) as pool:
        for pages in pool.imap(_render_chunk, _chunks(todo)):
            tick(len(pages))
            yield from pages
