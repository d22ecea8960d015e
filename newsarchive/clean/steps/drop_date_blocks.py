"""Remove leading blocks that hold only a date/time stamp (the date is in the front matter).

A short name before the stamp (a feed's "byline + time" line) goes with it.
"""
import re
from dataclasses import dataclass

from ..tree import BLOCK_TAGS, leading, remove_each, squash


@dataclass(frozen=True)
class Params:
    """This step takes no parameters."""


# How many leading blocks are examined for a bare timestamp.
LEADING_BLOCKS = 4
# Longest name that may stand before the stamp in the same block ("纪思道 2020-09-11 11:22:17").
MAX_BYLINE = 24
# A block with more text than this (raw characters) is not a bare stamp.
MAX_STAMP_BLOCK = 160
_DATE_ONLY = re.compile(
    r"^(?P<byline>.{0,%d}?)\s*(?:"
    r"\d{1,2}/\d{1,2}/\d{4}(?:\s*-?\s*\d{1,2}:\d{2})?"                          # 17/09/2020 - 10:20
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"  # ISO
    r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? \d{1,2} \w{3} \d{4} \d{2}:\d{2}(?::\d{2})?(?: GMT| UTC|[+-]\d{4})?"
    r"|\d{4}年\d{1,2}月\d{1,2}日(?:\s*\d{1,2}:\d{2})?"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w* \d{1,2}(?:st|nd|rd|th)?,? \d{4}"
    r")$" % MAX_BYLINE
)


def _counts(node) -> bool:
    """A leading block: one with text and no block inside it."""
    return node.css_first("p, div, li") is None and bool(squash(node.text(deep=True)))


def _first_stamp(root):
    for node in leading(root, BLOCK_TAGS, _counts, LEADING_BLOCKS):
        raw = node.text(deep=True)
        if len(raw) <= MAX_STAMP_BLOCK and _DATE_ONLY.match(squash(raw)):
            return node
    return None


def run(root, doc) -> int:
    return remove_each(root, _first_stamp)
