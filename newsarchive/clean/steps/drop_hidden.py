"""Remove what the page hides from readers: `hidden`, `aria-hidden="true"`, an inline `display:none` or
`visibility:hidden`, and the classes CMSs hide things with (`element-invisible`, `sr-only`, ...).

A hidden element that holds most of the text is the article itself, hidden until the page's scripts
run (WeChat's `#js_content`): it is shown, not removed.
"""
import re
from dataclasses import dataclass

from ..tree import class_tokens, elements, outermost, text_length


@dataclass(frozen=True)
class Params:
    classes: tuple[str, ...] = ()
    """Class names (whole, lower case) that hide an element."""


_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Share of the text above which a hidden element is the article (shown, never removed).
ARTICLE_SHARE = 0.5


def _hidden(node, classes: frozenset) -> bool:
    attrs = node.attributes
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").strip().lower() == "true":
        return True
    if _HIDING_STYLE.search(attrs.get("style") or ""):
        return True
    names = set((attrs.get("class") or "").lower().split())
    return bool(names & classes)


def run(root, doc, classes=()) -> int:
    classes = frozenset(c.lower() for c in classes)
    total = max(text_length(root), 1)
    hidden, shown = [], 0
    for node in elements(root, "[hidden], [aria-hidden], [style], [class]"):
        if node.tag in ("body", "html") or not _hidden(node, classes):
            continue
        if text_length(node) > total * ARTICLE_SHARE:
            for attr in ("hidden", "aria-hidden", "style"):
                if attr in node.attributes:
                    del node.attrs[attr]
            shown += 1
            continue
        hidden.append(node)
    for node in outermost(hidden):
        node.decompose()
    return len(hidden) + shown
