"""Process pools whose workers are handed one object by fork: inherited, never pickled.

Ingest's rules and the build's renderer (with the whole gathered site) are large; pickling them to
each worker would cost more than the work. A pool made here forks its workers with the object as
their initializer's argument (fork copies it, nothing is pickled); each task names a module-level
function, which is called with the object and the task's item.

A `fresh` pool's workers are spawned instead (the object pickled to them once): for tasks that carry
what they need, so the workers hold none of a large parent's memory. Spawned workers import the
program's main module again: an entry point must keep its work under `if __name__ == "__main__"`
(ours do).
"""
from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import signal

# The object a worker was handed: set in worker processes only (by the pool's initializer), so a
# worker function can reach it; the process that made the pool never sets it.
_HANDED = None


def die_with_parent(parent: int) -> None:
    """Run in a child process of `parent` (its pid, taken before the fork): the kernel kills the
    child when the parent dies.

    A build killed mid-way (SIGKILL, OOM) would otherwise leave its pool workers waiting
    forever on a queue their siblings keep open. Linux prctl(PR_SET_PDEATHSIG); a no-op elsewhere.
    A parent killed between the fork and the prctl sends no signal: the child then finds itself
    adopted by another process and ends at once.
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def child_of_this_process():
    """A preexec_fn / initializer for a child of the calling process: die_with_parent(this pid)."""
    return functools.partial(die_with_parent, os.getpid())


def _adopt(handed, parent: int) -> None:
    global _HANDED
    die_with_parent(parent)
    _HANDED = handed


def _call(task):
    function, item = task
    return function(_HANDED, item)


def cores() -> int:
    return os.cpu_count() or 1


class Pool:
    """A pool of one process per core, each holding `handed`; imap(function, items) yields
    function(handed, item) in order. Use as a context manager (the workers are ended on leaving).

    `fresh`: the workers are started anew (spawned; `handed` is then pickled to them) and hold
    nothing of this process - for tasks that carry what they need. A forked worker shares this
    process's memory only until either writes to it, and CPython writes to every object it reads
    (its reference count): a large build's forked workers soon hold copies of most of it."""

    def __init__(self, handed, fresh: bool = False, processes: int | None = None):
        context = multiprocessing.get_context("spawn" if fresh else "fork")
        self._pool = context.Pool(processes or cores(), _adopt, (handed, os.getpid()))

    def imap(self, function, items, chunksize: int = 1):
        return self._pool.imap(_call, ((function, item) for item in items), chunksize=chunksize)

    def map_async(self, function, items):
        return self._pool.map_async(_call, [(function, item) for item in items])

    def close(self) -> None:
        """Let the workers finish their tasks and end."""
        self._pool.close()
        self._pool.join()

    def end_when_done(self) -> None:
        """Take no more tasks: the workers end once those handed are done, their results kept."""
        self._pool.close()

    def stop(self) -> None:
        """End the workers now."""
        self._pool.terminate()
        self._pool.join()

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
