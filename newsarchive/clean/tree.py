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
