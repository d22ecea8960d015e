"""Cut a trailing 'related articles' section: the heading and everything after it.

A heading here is a short block whose whole text is one of the given phrases
(e.g. 相關新聞, 延伸閱讀, Related). It and its following siblings go; if the
heading sat alone in a wrapper, the wrapper's following siblings go too.
"""
import re
from dataclasses import dataclass

from ..tree import BLOCK_TAGS, squash, text_of


@dataclass(frozen=True)
class Params:
    phrases: tuple[str, ...] = ()
    """Headings from which the rest of the body is cut."""


_TRIM = re.compile(r"^[\s#|｜:：\-—–>»·•【】\[\]]+|[\s#|｜:：\-—–>»·•【】\[\]]+$")
# Article text that must come before the heading, in characters: a 'related'
# heading at the very top is a section title of a link page, not a trailing list.
MIN_TEXT_BEFORE = 20
# Never lose the article: a heading near the top (less than EARLY_CHARS of text before it, and at most
# EARLY_SHARE of it) is not cut at when what follows is mostly prose (less than LINKED_SHARE of it inside
# links) and more than MAX_EARLY_CUT of the text ("相关新闻" above a long report is a sidebar's label,
# not the article's end; after a whole report, even a short one, it is the end).
EARLY_CHARS = 150
EARLY_SHARE = 1 / 3
MAX_EARLY_CUT = 0.5
LINKED_SHARE = 0.5


def _heading_text(node) -> str:
    return _TRIM.sub("", squash(node.text(deep=True)))


def _keeps_article(tail, total: int, after: int) -> bool:
    """Cutting here would lose the article: an early heading followed by much prose."""
    before = total - after
    if before >= EARLY_CHARS or before > total * EARLY_SHARE or after <= total * MAX_EARLY_CUT:
        return False
    # (css() includes the node itself: a link in the tail is counted once)
    linked = sum(len(text_of(a)) for n in tail if n.is_element_node for a in n.css("a"))
    return linked < after * LINKED_SHARE


def _remove_from(node) -> int:
    removed = 0
    while node is not None:
        nxt = node.next
        node.decompose() if node.is_element_node else node.remove()
        removed += 1
        node = nxt
    return removed


def run(root, doc, phrases=()) -> int:
    whole = text_of(root)
    lowered = whole.lower()
    wanted = {p.lower() for p in phrases if p.lower() in lowered}
    if not wanted:
        return 0
    total = max(len(whole), 1)
    for node in root.traverse():
        if node.tag not in BLOCK_TAGS and node.tag not in ("strong", "b", "span"):
            continue
        if _heading_text(node).lower() not in wanted:
            continue
        start = node
        while start.parent is not None and start.parent.tag not in ("body", "html") \
                and _heading_text(start.parent).lower() in wanted:
            start = start.parent
        tail = [start] + _following(start)
        after = sum(len(text_of(n)) for n in tail if n.is_element_node)
        if total - after < MIN_TEXT_BEFORE or _keeps_article(tail, total, after):
            continue
        removed = 0
        cur = start
        while cur is not None and cur.tag not in ("body", "html"):
            parent = cur.parent
            removed += _remove_from(cur) if cur is start else _remove_from(cur.next)
            cur = parent
            if cur is not None and cur.tag in ("body", "html"):
                break
        return removed
    return 0


def _following(node):
    out, cur = [], node
    while cur is not None and cur.tag not in ("body", "html"):
        sib = cur.next
        while sib is not None:
            out.append(sib)
            sib = sib.next
        cur = cur.parent
    return out
