"""content/ walked on a process of its own (forked) for the build's fingerprint - every file's stat
taken, their lines hashed (fingerprint.content_digest) - while the building process reads what the
last build kept of the gathered site (collect.read_ahead) and imports the rest of the build. In the
building process that walk was ~0.6 s of one title edited at 100 000 articles (100 000 lstats, a
stat object each, their lines made and hashed), before anything else could start.

What comes back is small: the digest, how many files there are, and each folder's pages' names and
file signatures hashed (gathered.signed), not each page's stat - a folder found as collect recorded
it is taken without a stat of each of its pages there (handing over 100 000 stats and comparing each
with its row was ~0.25 s of the building process).

    ContentAside(root, content) .ready() -> bool   (whether taken() answers at once)
                                .taken() -> Walked | None  (None: walk content/ yourself)
                                .close()

Used by a build that has the last build's gathered rows to read meanwhile; site/'s walk (aside.py)
is forked after it, niced: this walk is on the way to everything else.
"""
from __future__ import annotations

import multiprocessing
import os
import stat as stat_kind
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from .. import forked
from ..archive import page_name
from .fingerprint import content_digest
from .gathered import signed


class Walked(NamedTuple):
    """content/ as the walk made aside found it."""

    digest: bytes               # fingerprint.content_digest
    files: int                  # how many files it holds
    signed: dict[str, str]      # each folder's gathered.signed(), by its path from the archive's root


class ContentAside:
    """The walk, being made on a forked child (started here): taken() waits for it."""

    def __init__(self, root: Path, content: Path):
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._child = context.Process(target=_walk, args=(root, content, send, os.getpid()), daemon=True,
                                      name="build-content")
        self._child.start()
        send.close()  # (before site/'s aside is forked: it must not hold this pipe's writing end)
        self._asked = False
        self._taken: Walked | None = None

    def ready(self) -> bool:
        """Whether taken() answers at once (the child has sent its walk, or ended)."""
        try:
            return self._asked or self._receive.poll()
        except (OSError, ValueError):  # (closed)
            return True

    def taken(self) -> Walked | None:
        """content/ as the child found it; None when it could not walk it (a file gone before its
        stat: the build's own walk says so) or died."""
        if not self._asked:
            self._asked = True
            try:
                found = self._receive.recv()
                self._taken = Walked(*found) if found is not None else None
            except (EOFError, OSError, TypeError):
                self._taken = None
            self.close()
        return self._taken

    def close(self) -> None:
        """End the child (a build that failed before it asked must not leave it running)."""
        if self._child.is_alive():
            self._child.kill()
        self._child.join()
        self._receive.close()


def _walk(root: Path, content: Path, send, parent: int) -> None:
    forked.die_with_parent(parent)
    folders: dict[str, tuple[list[str], list[os.stat_result]]] = {}
    try:
        digest = content_digest(content, folders=folders)
    except OSError:
        send.send(None)
        return
    send.send(tuple(Walked(digest, sum(len(names) for names, _ in folders.values()), _signed(root, folders))))


def _signed(root: Path, folders: dict[str, tuple[list[str], list[os.stat_result]]]) -> dict[str, str]:
    """Each folder's gathered.signed() of its pages as collect lists them (archive.folder_listing:
    plain files named *.md, not a temporary one), by its path from the root; folders without pages
    left out (gathered.NO_PAGES)."""
    inside, out = len(str(root)) + 1, {}
    for folder, (names, stats) in folders.items():
        if not (all(map(page_name, names)) and all(map(stat_kind.S_ISREG, map(_MODE, stats)))):  # (as a rule, all)
            pages = [(name, st) for name, st in zip(names, stats) if page_name(name) and stat_kind.S_ISREG(st.st_mode)]
            names, stats = [name for name, _ in pages], [st for _, st in pages]
        if names:
            out[folder[inside:]] = signed(names, stats)
    return out


_MODE = attrgetter("st_mode")
