"""Remove blocks that hold nothing but a relative time ("38 分钟前", "2 hours ago", "昨天"): a feed's
stamp of when it was read, false as soon as the page is archived (the date is in the front matter)."""
import re
from dataclasses import dataclass

from ..tree import BLOCK_TAGS, elements, squash


@dataclass(frozen=True)
class Params:
    patterns: tuple[str, ...] = ()
    """Regular expressions a block's whole text must match (case-insensitive)."""


# A block longer than this (characters) is no stamp.
MAX_STAMP = 40


def run(root, doc, patterns=()) -> int:
    whole = re.compile("^(?:" + "|".join(patterns) + ")$", re.I) if patterns else None
    if whole is None:
        return 0
    found = []
    for node in elements(root, ",".join(sorted(BLOCK_TAGS | {"span", "time"}))):
        text = squash(node.text(deep=True))
        if text and len(text) <= MAX_STAMP and whole.match(text) and not node.css_first("img"):
            found.append(node)
    removed = 0
    for node in found:
        if node.parent is not None:
            node.decompose()
            removed += 1
    return removed
