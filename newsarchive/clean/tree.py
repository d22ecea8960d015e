"""Small questions about an HTML tree that several cleaning steps ask."""
from __future__ import annotations

import re

BLOCK_TAGS = frozenset(
    "address article aside blockquote dd details dialog div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul "
    "center".split()
)
MEDIA_TAGS = frozenset({"img", "picture", "video", "audio", "figure"})
_SPACE = re.compile(r"[ \t\n\r\f\v\xa0]+")  # not U+3000: an ideographic space is text
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


_BLANK = " \t\n\r\f\v\xa0\u200b\u200c\u200d\u2060\ufeff\u00ad"


def squash(text: str) -> str:
    """Whitespace-folded, invisible characters removed: the text a reader sees."""
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return _SPACE.sub(" ", text).strip()


def is_blank(text: str) -> bool:
    """No visible character (spaces, NBSP and zero-width characters only)."""
    return not text.strip(_BLANK)


def text_of(node) -> str:
    return squash(node.text(deep=True, separator=" "))


def text_length(node) -> int:
    """Roughly how much text a node holds (no folding: for comparing sizes, cheaply)."""
    return len(node.text(deep=True))


def has_media(node) -> bool:
    if node.tag in MEDIA_TAGS:
        return True
    return node.css_first("img, picture, video, figure") is not None


def elements(root, selector: str = "*"):
    """Elements under root (a list, so the tree can be changed while looping)."""
    return list(root.css(selector))


def next_element(node):
    sib = node.next
    while sib is not None and not sib.is_element_node:
        if sib.is_text_node and squash(sib.text_content or ""):
            return None
        sib = sib.next
    return sib


def class_tokens(node) -> set[str]:
    """class and id split into lower-case words: 'adslot_pcBox-EndAd2' -> {adslot, pc, box, end, ad2, ad}."""
    attrs = node.attributes
    raw = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    raw = re.sub(r"([a-z])([A-Z])", r"\1 \2", raw)
    words = {w for w in re.split(r"[^A-Za-z0-9]+", raw.lower()) if w}
    return words | {re.sub(r"\d+$", "", w) for w in words}


def outermost(nodes) -> list:
    """The nodes not inside another node of the list: removing those removes the rest, and no
    node is touched after an ancestor of it was destroyed."""
    ids = {n.mem_id for n in nodes}
    out = []
    for node in nodes:
        parent, inside = node.parent, False
        while parent is not None:
            if parent.mem_id in ids:
                inside = True
                break
            parent = parent.parent
        if not inside:
            out.append(node)
    return out


# Elements looked at from the top of a body before a search of its leading blocks gives up: only the
# top can hold a title repeat or a date stamp, and deep pages stay linear.
LEADING_NODES = 400


def leading(root, tags, counts, blocks: int):
    """The elements of `tags` at the top of the body, in document order: the search ends after
    LEADING_NODES elements, or once `blocks` of the yielded ones for which `counts(node)` holds
    (the article's leading blocks) are passed. Consumers stop early on what they are looking for."""
    seen = 0
    for visited, node in enumerate(root.traverse()):
        if visited >= LEADING_NODES:
            return
        if node.tag not in tags:
            continue
        yield node
        if counts(node):
            seen += 1
            if seen >= blocks:
                return


def remove_each(root, find) -> int:
    """Remove the first node `find(root)` gives, again until it gives None; how many went. One at a
    time: no node inside one already removed is ever touched."""
    removed = 0
    while (node := find(root)) is not None:
        node.decompose()
        removed += 1
    return removed


def drop_where(root, selector: str, test) -> int:
    """Remove each element matching selector for which test(node) holds (tested before any goes); how
    many went."""
    return each_match(root, [selector], lambda node: node.decompose(),
                      pick=lambda nodes: [node for node in nodes if test(node)])


def each_match(root, selectors, act, pick=list) -> int:
    """act(node) on the elements matching each selector in turn (`pick` chooses among them, e.g.
    outermost) that are still in the tree; how many."""
    changed = 0
    for selector in selectors:
        for node in pick(elements(root, selector)):
            if node.parent is not None:
                act(node)
                changed += 1
    return changed
