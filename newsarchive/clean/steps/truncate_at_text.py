"""Cut the body from the first block containing one of the phrases to the end.

For a trailing appeal whose first words are known (`請加入成為眾新聞的月費訂戶`)
and after which nothing belongs to the article. A rule for the one outlet uses it;
a thematic break (`<hr>`) right before the block goes too.
"""
from ..tree import BLOCK_TAGS, text_of


def _top_block(node, root):
    while node.parent is not None and node.parent is not root and node.parent.tag not in ("body", "html"):
        node = node.parent
    return node


def run(root, doc, phrases=()) -> int:
    whole = root.text(deep=True)
    phrases = [p for p in phrases if p in whole]
    if not phrases:
        return 0
    for node in root.traverse(include_text=True):
        if not node.is_text_node or not any(p in (node.text_content or "") for p in phrases):
            continue
        block = node.parent
        while block is not None and block.tag not in BLOCK_TAGS:
            block = block.parent
        if block is None:
            return 0
        start = _top_block(block, root)
        if len(text_of(root)) - sum(len(text_of(n)) for n in _tail(start)) <= 0:
            return 0
        prev = start.prev
        while prev is not None and not prev.is_element_node:
            prev = prev.prev
        removed = 0
        if prev is not None and prev.tag == "hr":
            prev.decompose()
            removed += 1
        for item in _tail(start):
            item.decompose()
            removed += 1
        return removed
    return 0


def _tail(start):
    out, cur = [], start
    while cur is not None:
        out.append(cur)
        cur = cur.next
    return [n for n in out if n.is_element_node or n.is_text_node]
