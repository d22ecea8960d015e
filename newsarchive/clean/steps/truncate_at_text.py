"""Cut the body from the first block containing one of the phrases to the end.

For a trailing appeal whose first words are known (`請加入成為眾新聞的月費訂戶`)
and after which nothing belongs to the article. The block, everything after it at
its level and at every level above it go; a thematic break (`<hr>`) right before
the block goes too. Nothing is cut when that block holds all of the text.
"""
from dataclasses import dataclass

from ..tree import BLOCK_TAGS, text_length


@dataclass(frozen=True)
class Params:
    phrases: tuple[str, ...] = ()
    """Phrases from whose block the rest of the body is cut."""


def _block_holding(node):
    while node is not None and node.tag not in BLOCK_TAGS:
        node = node.parent
    return node


def _remove_following(node) -> int:
    removed = 0
    sib = node.next
    while sib is not None:
        nxt = sib.next
        sib.decompose()
        removed += 1
        sib = nxt
    return removed


def run(root, doc, phrases=()) -> int:
    whole = root.text(deep=True)
    found = [p for p in phrases if p in whole]
    if not found:
        return 0
    for node in root.traverse(include_text=True):
        if node.is_text_node and any(p in (node.text_content or "") for p in found):
            block = _block_holding(node.parent)
            break
    else:
        return 0
    if block is None or block.tag in ("body", "html") or text_length(root) == text_length(block):
        return 0
    prev = block.prev
    while prev is not None and not prev.is_element_node:
        prev = prev.prev
    removed = 0
    if prev is not None and prev.tag == "hr":
        prev.decompose()
        removed += 1
    cur = block
    while cur is not None and cur.tag not in ("body", "html"):
        parent = cur.parent
        removed += _remove_following(cur)
        if cur is block:
            cur.decompose()
            removed += 1
        cur = parent
    return removed
