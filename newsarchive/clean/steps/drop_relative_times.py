"""Remove blocks that hold nothing but a relative time ("38 分钟前", "2 hours ago", "昨天"): a feed's
stamp of when it was read, false as soon as the page is archived (the date is in the front matter)."""
import re
from dataclasses import dataclass
from functools import lru_cache

from ..tree import BLOCK_TAGS, drop_where, squash


@dataclass(frozen=True)
class Params:
    patterns: tuple[str, ...] = ()
    """Regular expressions a block's whole text must match (case-insensitive)."""


# A block longer than this (characters) is no stamp.
MAX_STAMP = 40


def _stamp(node, whole: re.Pattern) -> bool:
    text = squash(node.text(deep=True))
    return bool(text) and len(text) <= MAX_STAMP and bool(whole.match(text)) and node.css_first("img") is None


@lru_cache(maxsize=8)
def _compiled(patterns: tuple) -> tuple[re.Pattern, re.Pattern]:
    """(a whole block that is a relative time, one anywhere: the cheap test of a whole body first)."""
    either = "(?:" + "|".join(patterns) + ")"
    return re.compile(f"^{either}$", re.I), re.compile(either, re.I)


def run(root, doc, patterns=()) -> int:
    if not patterns:
        return 0
    whole, anywhere = _compiled(tuple(patterns))
    if not anywhere.search(root.text(deep=True) or ""):
        return 0
    return drop_where(root, ",".join(sorted(BLOCK_TAGS | {"span", "time"})), lambda node: _stamp(node, whole))
