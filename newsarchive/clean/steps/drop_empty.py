"""Remove containers left with no text and no image, and stray rules/breaks at the edges."""
from dataclasses import dataclass

from ..tree import MEDIA_TAGS as MEDIA, is_blank, squash


@dataclass(frozen=True)
class Params:
    """This step takes no parameters."""


_KEEP_EMPTY = frozenset({"img", "br", "hr", "td", "th", "tr"})
# Media that shows something by itself (a <picture> shows only through its <img>).
_SHOWS = frozenset(MEDIA) - {"picture"}


def run(root, doc) -> int:
    # Bottom-up in one pass: a node has content when it is media, holds visible text of its own,
    # or has a child with content (asking each node for its deep text would be quadratic).
    nodes = list(root.traverse(include_text=True))
    full: set[int] = set()
    empty = []
    for node in reversed(nodes):
        parent = node.parent
        if node.is_text_node:
            if not is_blank(node.text_content or "") and parent is not None:
                full.add(parent.mem_id)
            continue
        if not node.is_element_node:
            continue
        if node.mem_id in full or node.tag in _SHOWS:
            if parent is not None:
                full.add(parent.mem_id)
            continue
        if node.tag not in _KEEP_EMPTY and node.tag not in ("body", "html", "head"):
            empty.append(node)
    empty_ids = {n.mem_id for n in empty}
    removed = 0
    for node in empty:  # the outermost empty ones: their parent is not empty (linear, unlike ancestor walks)
        if node.parent is not None and node.parent.mem_id not in empty_ids:
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
