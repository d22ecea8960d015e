"""Images with their captions become `<figure><img><figcaption>` — one shape for every outlet.

Three patterns: an existing <figure> (rebuilt clean); a container named by the
rule holding an image and a caption element (`containers`: list of
{block, caption} selectors); and, generically, an image directly followed by a
short caption-only sibling (`<div><small>…</small></div>`, `.caption`, …).
"""
from dataclasses import dataclass
import html

from ..tree import class_tokens, elements, is_blank, next_element, text_of


@dataclass(frozen=True)
class Container:
    """A rule's image container: the block holding the image and the caption element inside it."""

    block: str
    """CSS selector of the container."""
    caption: str
    """CSS selector of its caption, inside it."""


@dataclass(frozen=True)
class Params:
    containers: tuple[Container, ...] = ()
    """The outlet's image containers (rule files write each as `{ block = "...", caption = "..." }`)."""


# A caption longer than this is a paragraph, not a caption.
MAX_CAPTION = 300
_CAPTION_WORDS = frozenset({"caption", "figcaption", "picinfo", "pic", "imgcaption", "desc", "description", "credit"})


def _figure(node, img, caption: str):
    src = img.attributes.get("src") or ""
    alt = (img.attributes.get("alt") or "").strip() or caption
    cap = f"<figcaption>{html.escape(caption, quote=False)}</figcaption>" if caption else ""
    markup = f'<figure><img src="{html.escape(src)}" alt="{html.escape(alt)}">{cap}</figure>'
    return node.parser.__class__(markup).body.child


def _replace(node, img, caption: str) -> None:
    node.insert_before(_figure(node, img, caption))
    node.decompose()


def _existing_figures(root) -> int:
    changed = 0
    for fig in elements(root, "figure"):
        if fig.parent is None:
            continue
        img = fig.css_first("img")
        cap = fig.css_first("figcaption")
        if img is None:  # a caption whose picture was never saved: keep its words as a paragraph
            text = text_of(cap) if cap is not None else ""
            if text:
                fig.insert_before(fig.parser.__class__(f"<p>{html.escape(text, quote=False)}</p>").body.child)
            fig.decompose()
            changed += 1
            continue
        _replace(fig, img, text_of(cap) if cap is not None else "")
        changed += 1
    return changed


def _containers(root, containers) -> int:
    changed = 0
    for spec in containers:
        for box in elements(root, spec["block"]):
            if box.parent is None:
                continue
            img = box.css_first("img")
            if img is None:
                continue
            cap = box.css_first(spec["caption"]) if spec.get("caption") else None
            _replace(box, img, text_of(cap) if cap is not None else "")
            changed += 1
    return changed


def _is_caption(node) -> bool:
    if node is None or node.tag not in ("div", "p", "small", "span", "em", "i") or node.css_first("img"):
        return False
    text = text_of(node)
    if len(text) > MAX_CAPTION:
        return False
    if class_tokens(node) & _CAPTION_WORDS:
        return True
    children = [c for c in node.iter() if c.is_element_node]
    return node.tag == "small" or (len(children) == 1 and children[0].tag in ("small", "em", "i") and
                                   text_of(children[0]) == text)


def _holder(img):
    """The outermost wrapper around img that holds nothing else (div.wrap > img)."""
    node = img
    while node.parent is not None and node.parent.tag in ("div", "span", "p", "a", "picture") \
            and is_blank(node.parent.text(deep=True)) and len(node.parent.css("img")) == 1:
        node = node.parent
    return node


def _siblings(root) -> int:
    changed = 0
    for img in elements(root, "img"):
        if img.parent is None or img.parent.tag == "figure":
            continue
        holder = _holder(img)
        cap = next_element(holder)
        if not _is_caption(cap):
            continue
        caption = text_of(cap)
        cap.decompose()
        _replace(holder, img, caption)
        changed += 1
    return changed


def run(root, doc, containers=()) -> int:
    return _containers(root, containers) + _existing_figures(root) + _siblings(root)
