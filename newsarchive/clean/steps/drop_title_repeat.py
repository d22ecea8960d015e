"""Remove a heading at the top of the body that only repeats the article's title."""
import re
from dataclasses import dataclass

from ..tree import leading, remove_each, squash


@dataclass(frozen=True)
class Params:
    """This step takes no parameters."""


# How many leading blocks may hold the repeated title (title, kicker, byline...).
LEADING_BLOCKS = 4
_FOLD = re.compile(r"[\s\u3000]+")
_CANDIDATES = ("h1", "h2", "h3", "strong", "b", "p", "div", "header")


def _fold(text: str) -> str:
    return _FOLD.sub("", squash(text)).lower()


def _counts(node) -> bool:
    """A leading block: a paragraph or heading with text."""
    return node.tag in ("p", "h1", "h2", "h3") and bool(_fold(node.text(deep=True)))


def _first_repeat(root, title: str):
    for node in leading(root, _CANDIDATES, _counts, LEADING_BLOCKS):
        raw = node.text(deep=True)
        if len(raw) > 2 * len(title) + 200:  # far longer than the title: a container, not a heading
            continue
        text = _fold(raw)
        if text and (text == title or (len(text) > 8 and title.startswith(text) and node.tag in ("h1", "h2"))):
            return node
    return None


def run(root, doc) -> int:
    if not doc.title:
        return 0
    title = _fold(doc.title)
    return remove_each(root, lambda root: _first_repeat(root, title))
