"""What an article page links to of other articles (same story's answer for one article), in a module
of its own: the article pages' workers unpickle and show these, and importing same story's module for
them (numpy, its first stage) was ~0.13 s of each worker's start."""
from __future__ import annotations

from typing import NamedTuple

from .collect import Entry


class Links(NamedTuple):
    """What an article page links to: the same event elsewhere, then related coverage."""

    same: tuple[Entry, ...] = ()       # reports of the same event (within the window), most similar first
    coverage: tuple[Entry, ...] = ()   # the same people or topic at any time, best first


NO_LINKS = Links()
