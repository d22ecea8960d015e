"""Process pools whose workers are handed one object by fork: inherited, never pickled.

Ingest's rules and the build's renderer (with the whole gathered site) are large; pickling them to
each worker would cost more than the work. A pool made here forks its workers with the object as
their initializer's argument (fork copies it, nothing is pickled); each task names a module-level
function, which is called with the object and the task's item.

A `fresh` pool's workers are spawned instead (the object pickled to them once, through a private
temporary file: see _Parcel): for tasks that carry what they need, so the workers hold none of a
large parent's memory. Spawned workers import the program's main module again: an entry point must
keep its work under `if __name__ == "__main__"` (ours do).
"""
from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import pickle
import signal
import tempfile
from typing import NamedTuple

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


class _Parcel(NamedTuple):
    """What a fresh pool hands its workers, pickled to a file of its own (`path`) that each worker
    reads as it starts. Handed as it is, the object went down each worker's start-up pipe, whose
    64 KB the worker empties only as it unpickles it - after importing the program, and the modules
    the object's classes live in: the building process waited ~0.25 s for each of the article
    pages' workers, one after the other (its 1.4 MB PageMaker at 10 000 articles)."""

    path: str

    @classmethod
    def of(cls, handed) -> "_Parcel | None":
        """`handed` in a new private temporary file; None when none can be written (handed as it is)."""
        try:
            fd, path = tempfile.mkstemp(prefix="newsarchive-handed-")
        except OSError:
            return None
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(handed, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:  # (a full temporary folder)
            _discard(path)
            return None
        except BaseException:
            _discard(path)
            raise
        return cls(path)

    def opened(self):
        with open(self.path, "rb") as fh:
            return pickle.load(fh)


def _discard(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _adopt(handed, parent: int) -> None:
    global _HANDED
    die_with_parent(parent)
    _HANDED = handed.opened() if isinstance(handed, _Parcel) else handed


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
        self._parcel = _Parcel.of(handed) if fresh and handed is not None else None
        try:
            self._pool = context.Pool(processes or cores(), _adopt, (self._parcel or handed, os.getpid()))
        except BaseException:
            self._unparcel()
            raise

    def _unparcel(self) -> None:
        """(once no worker is left to start: one that ended is started again, and reads it)"""
        if self._parcel is not None:
            _discard(self._parcel.path)
            self._parcel = None

    def imap(self, function, items, chunksize: int = 1):
        return self._pool.imap(_call, ((function, item) for item in items), chunksize=chunksize)

    def map_async(self, function, items):
        return self._pool.map_async(_call, [(function, item) for item in items])

    def close(self) -> None:
        """Let the workers finish their tasks and end."""
        self._pool.close()
        self._pool.join()
        self._unparcel()

    def end_when_done(self) -> None:
        """Take no more tasks: the workers end once those handed are done, their results kept."""
        self._pool.close()

    def stop(self) -> None:
        """End the workers now."""
        self._pool.terminate()
        self._pool.join()
        self._unparcel()

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
