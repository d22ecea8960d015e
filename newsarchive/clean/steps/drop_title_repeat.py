"""Remove a heading at the top of the body that only repeats the article's title."""
import re

from ..tree import squash

# Elements looked at from the top before giving up.
LEADING_NODES = 400
# How many leading blocks may hold the repeated title (title, kicker, byline...).
LEADING_BLOCKS = 4
_FOLD = re.compile(r"[\s\u3000]+")
_CANDIDATES = ("h1", "h2", "h3", "strong", "b", "p", "div", "header")


def _fold(text: str) -> str:
    return _FOLD.sub("", squash(text)).lower()


def _first_repeat(root, title: str):
    seen = 0
    for visited, node in enumerate(root.traverse()):
        if visited >= LEADING_NODES:  # only the top of the body can hold it; deep pages stay linear
            return None
        if node.tag not in _CANDIDATES:
            continue
        raw = node.text(deep=True)
        if len(raw) > 2 * len(title) + 200:  # far longer than the title: a container, not a heading
            if node.tag in ("p", "h1", "h2", "h3"):
                seen += 1
                if seen >= LEADING_BLOCKS:
                    return None
            continue
        text = _fold(raw)
        if not text:
            continue
        if text == title or (len(text) > 8 and title.startswith(text) and node.tag in ("h1", "h2")):
            return node
        if node.tag in ("p", "h1", "h2", "h3"):
            seen += 1
            if seen >= LEADING_BLOCKS:
                return None
    return None


def run(root, doc) -> int:
    if not doc.title:
        return 0
    title = _fold(doc.title)
    removed = 0
    while (node := _first_repeat(root, title)) is not None:
        node.decompose()  # one at a time: never touch a node inside one already removed
        removed += 1
    return removed
