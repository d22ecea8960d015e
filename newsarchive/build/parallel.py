"""Article pages rendered across cores (fork: workers inherit the gathered site, nothing is pickled in)."""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal

from .render import Renderer

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


def _render_chunk(bounds: tuple[int, int]) -> list[tuple[str, bytes]]:
    r = _RENDERER
    entries = r.site.entries[bounds[0]:bounds[1]]
    return [r.article(e, r.related.get(e.path, ())) for e in entries]


def articles(r: Renderer):
    """(path, bytes) for every article page, in article order."""
    global _RENDERER
    count = len(r.site.entries)
    if count < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        for e in r.site.entries:
            yield r.article(e, r.related.get(e.path, ()))
        return
    _RENDERER = r
    chunks = [(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]
    with multiprocessing.get_context("fork").Pool(os.cpu_count(), initializer=die_with_parent) as pool:
        for pages in pool.imap(_render_chunk, chunks):
            yield from pages
    _RENDERER = None
