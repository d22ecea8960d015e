"""Every link points at the original web: absolute, unarchived, untracked; every image at where its
bytes can still be had.

Lazy-loaded images get their real source, and an image offering several sizes (srcset, <picture>)
its largest; Wayback capture URLs (absolute or
`/web/<ts>/...`) of links become the URLs they captured, of images the archived image itself
(`…im_/`: the origin may be gone, as hkcnews.com is); relative URLs are resolved
against the article URL; protocol-relative ones get https; tracking parameters go.
A relative URL that cannot be resolved (a saved page with no known address) leads
nowhere: the link keeps its text, the image goes.
"""
from dataclasses import dataclass
import re

from ... import urls
from ..tree import elements


@dataclass(frozen=True)
class Params:
    """This step takes no parameters."""


_ABSOLUTE = re.compile(r"^(?:https?:|mailto:)", re.I)
LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src", "data-actualsrc", "data-url", "data-echo")


def _fix(url: str, base) -> str:
    url = urls.unwrap_wayback(url.strip())
    url = urls.absolute(url, base)
    url = urls.unwrap_wayback(url)
    return urls.strip_tracking(url)


def largest_source(img) -> str | None:
    """The largest candidate an image offers: its own srcset (or a lazy data-srcset), else its <picture>'s sources."""
    offered = [img.attributes.get("data-srcset"), img.attributes.get("srcset")]
    parent = img.parent
    if parent is not None and parent.tag == "picture":
        offered += [s.attributes.get("data-srcset") or s.attributes.get("srcset") for s in parent.css("source")]
    for srcset in offered:
        best = urls.best_candidate(srcset) if srcset else None
        if best and not best.startswith("data:"):
            return best
    return None


def run(root, doc) -> int:
    changed = 0
    for img in elements(root, "img"):
        for attr in LAZY_SOURCES:
            lazy = img.attributes.get(attr)
            if lazy and not lazy.startswith("data:"):
                img.attrs["src"] = lazy
                changed += 1
                break
        best = largest_source(img)  # the archive keeps the largest picture offered, not the phone's
        if best and best != img.attributes.get("src"):
            img.attrs["src"] = best
            changed += 1
    for node in elements(root, "[href], [src]"):
        for attr in ("href", "src"):
            value = node.attributes.get(attr)
            if value is None:
                continue
            capture = urls.wayback_image(value) if attr == "src" and node.tag in ("img", "source") else None
            new = capture or _fix(value, doc.base_url)
            if not _ABSOLUTE.match(new):
                changed += 1
                if node.tag == "a":
                    node.unwrap()
                else:
                    node.decompose()
                break
            if new != value:
                node.attrs[attr] = new
                changed += 1
    return changed


def prefer_largest(tree) -> bool:
    """Before a whole page's article is extracted (which keeps `src` only): each image offering several
    sizes gets its largest as `src`. Whether any changed."""
    changed = False
    for img in tree.css("img"):
        best = largest_source(img)
        if best and best != img.attributes.get("src"):
            img.attrs["src"] = best
            changed = True
    return changed
