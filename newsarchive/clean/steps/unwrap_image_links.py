"""An image wrapped in a link to a bigger copy of itself: keep the image, drop the link."""
from dataclasses import dataclass
import re

from ..tree import elements, is_blank


@dataclass(frozen=True)
class Params:
    """This step takes no parameters."""


_IMAGE_URL = re.compile(r"\.(jpe?g|png|gif|webp|avif)(\?.*)?$", re.I)


def run(root, doc) -> int:
    changed = 0
    for link in elements(root, "a"):
        if link.parent is None or link.css_first("img") is None or not is_blank(link.text(deep=True)):
            continue
        href = link.attributes.get("href") or ""
        if _IMAGE_URL.search(href) or not href:
            link.unwrap()
            changed += 1
    return changed
