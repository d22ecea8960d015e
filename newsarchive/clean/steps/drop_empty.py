"""Remove containers left with no text and no image, and stray rules/breaks at the edges."""
from ..tree import has_media, is_blank, squash

_KEEP_EMPTY = frozenset({"img", "br", "hr", "td", "th", "tr", "source", "picture"})


def run(root, doc) -> int:
    removed = 0
    for node in reversed(list(root.traverse())):
        if node.parent is None or node.tag in _KEEP_EMPTY or node.tag in ("body", "html", "head"):
            continue
        if is_blank(node.text(deep=True)) and not has_media(node):
            node.decompose()
            removed += 1
    removed += _trim_edges(root)
    return removed


def _trim_edges(root) -> int:
    """Leading/trailing <hr>/<br> (left behind by removed footers) carry nothing."""
    removed = 0
    for pick in ("first", "last"):
        while True:
            node = _edge_leaf(root, pick)
            if node is None or node.tag not in ("hr", "br"):
                break
            node.decompose()
            removed += 1
    return removed


def _edge_leaf(root, pick):
    node = root
    while True:
        kids = [c for c in node.iter(include_text=True)
                if c.is_element_node or squash(c.text_content or "")]
        if not kids:
            return node if node is not root else None
        child = kids[0] if pick == "first" else kids[-1]
        if not child.is_element_node:
            return None
        if child.tag in ("hr", "br", "img") or not list(child.iter()):
            return child
        node = child
