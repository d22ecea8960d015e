"""Remove a heading at the top of the body that only repeats the article's title."""
import re

from ..tree import squash

# How many leading blocks may hold the repeated title (title, kicker, byline...).
LEADING_BLOCKS = 4
_FOLD = re.compile(r"[\s\u3000]+")


def _fold(text: str) -> str:
    return _FOLD.sub("", squash(text)).lower()


def run(root, doc) -> int:
    if not doc.title:
        return 0
    title = _fold(doc.title)
    removed = 0
    seen = 0
    for node in list(root.traverse()):
        if node.parent is None or node.tag not in ("h1", "h2", "h3", "strong", "b", "p", "div", "header"):
            continue
        text = _fold(node.text(deep=True))
        if not text:
            continue
        if text == title or (len(text) > 8 and title.startswith(text) and node.tag in ("h1", "h2")):
            node.decompose()
            removed += 1
            continue
        if node.tag in ("p", "h1", "h2", "h3"):
            seen += 1
            if seen >= LEADING_BLOCKS:
                break
    return removed
