"""Remove containers whose class or id names them as ads, widgets or promotions.

Matching is by whole words of class/id ('adslot_pcBox' has the word 'adslot'),
never substrings ('header' is not 'ad'). A node holding most of the document's
text is never removed, whatever its name: that is the article, badly named.
"""
from dataclasses import dataclass

from ..tree import class_tokens, elements, outermost, text_length


@dataclass(frozen=True)
class Params:
    words: tuple[str, ...] = ()
    """Whole class/id words naming junk containers."""
    prefixes: tuple[str, ...] = ()
    """Prefixes of such words."""


# Share of the document's text above which a node is the article, not a widget.
ARTICLE_SHARE = 0.5


def run(root, doc, words=(), prefixes=()) -> int:
    words, prefixes = frozenset(words), tuple(prefixes)
    total = max(text_length(root), 1)
    junk = []
    for node in elements(root, "[class], [id]"):
        if node.tag in ("body", "html"):
            continue
        tokens = class_tokens(node)
        if not (tokens & words or any(t.startswith(prefixes) for t in tokens if prefixes)):
            continue
        if text_length(node) > total * ARTICLE_SHARE:
            continue
        junk.append(node)
    for node in outermost(junk):
        node.decompose()
    return len(junk)
