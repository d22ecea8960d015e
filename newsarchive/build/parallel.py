"""Article pages rendered across cores (fork: workers inherit the gathered site, nothing is pickled in).
Pages the memo keeps from the last site are not rendered at all. When every article page is rendered,
bodies come from the store of the last such build (bodies.py), and those it lacks are made ahead,
while the same-story comparison the pages wait for is still running (BodiesAhead)."""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal

from .bodies import STORE_FROM
from .render import Renderer, markdown_to_html

# Below this many articles a process pool costs more than it saves.
PARALLEL_FROM = 200
# Articles per task handed to a worker.
CHUNK = 64
_RENDERER: Renderer | None = None


def die_with_parent() -> None:
    """Run in a worker process: the kernel kills it when the build that started it dies.

    A build killed mid-way (SIGKILL, OOM) would otherwise leave its pool workers waiting
    forever on a queue their siblings keep open. Linux prctl(PR_SET_PDEATHSIG); a no-op elsewhere.
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class BodiesAhead:
    """On a build that renders every article page, the bodies the store lacks are turned into HTML
    on a pool while the same-story comparison (which the article pages wait for) runs; they are
    handed to the renderer before the article pages are made (their pool, forked after, inherits
    them) and stored for the next builds."""

    def __init__(self, r: Renderer, numbers: list[int]):
        global _RENDERER
        _RENDERER = r
        chunks = [numbers[start:start + CHUNK] for start in range(0, len(numbers), CHUNK)]
        self._pool = multiprocessing.get_context("fork").Pool(os.cpu_count(), initializer=die_with_parent)
        self._result = self._pool.map_async(_body_chunk, chunks)

    def hand_over(self, r: Renderer) -> None:
        for chunk in self._result.get():
            r.bodies.update(chunk)
        self.close()
        if r.body_store is not None:
            r.body_store.save_in_background(r.bodies, r.site.entries)

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


def bodies_ahead(r: Renderer, cold: bool) -> BodiesAhead | None:
    """On a build that renders every article page (`cold`: no page of the last site can be kept) of a
    large archive, the stored bodies are taken and a BodiesAhead makes the rest if they are many;
    else None (bodies are made with the pages)."""
    if not cold or len(r.site.entries) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return None
    if r.body_store is not None:
        r.body_store.fill(r.bodies, r.site.entries)
    missing = [n for n, e in enumerate(r.site.entries) if e.path not in r.bodies]
    return BodiesAhead(r, missing) if len(missing) >= PARALLEL_FROM else None


def _body_chunk(numbers: list[int]) -> list[tuple[str, str]]:
    entries = _RENDERER.site.entries
    return [(entries[n].path, markdown_to_html(entries[n].body_md)) for n in numbers]


def _render_chunk(numbers: list[int]) -> list[tuple[str, bytes]]:
    r = _RENDERER
    return [r.render_article(r.site.entries[n]) for n in numbers]


def articles(r: Renderer):
    """(path, bytes or the last site's file) for every article page; only changed ones are rendered."""
    global _RENDERER
    todo = []
    for n, e in enumerate(r.site.entries):
        kept = r.reused_article(e)
        if kept:
            yield kept
        else:
            todo.append(n)
    if r.pending_bodies is not None:  # bodies made ahead
        r.pending_bodies.hand_over(r)
        r.pending_bodies = None
    elif r.body_store is not None and len(todo) >= STORE_FROM:  # many pages: stored bodies
        r.body_store.fill(r.bodies, [r.site.entries[n] for n in todo])
    if len(todo) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        for n in todo:
            yield r.render_article(r.site.entries[n])
        return
    _RENDERER = r
    chunks = [todo[start:start + CHUNK] for start in range(0, len(todo), CHUNK)]
    with multiprocessing.get_context("fork").Pool(os.cpu_count(), initializer=die_with_parent) as pool:
        for pages in pool.imap(_render_chunk, chunks):
            yield from pages
    _RENDERER = None
