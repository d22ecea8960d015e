"""Remove tracking pixels, spacers and decorative icons: images no reader sees."""
from dataclasses import dataclass
import re

from ..tree import elements


@dataclass(frozen=True)
class Params:
    """This step takes no parameters."""


# An image this small (CSS pixels, either side) is a beacon, not a picture.
MAX_PIXEL_SIDE = 2
_TRACKER = re.compile(
    r"(doubleclick\.net|google-analytics\.com|googletagmanager|scorecardresearch|facebook\.com/tr|"
    r"feedburner|feedsportal|/pixel[./?]|/beacon|/track(ing)?[./?]|[?&]utm_|/1x1\.|spacer\.gif|blank\.gif|"
    r"transparent\.(gif|png)|/count(er)?[./?]|stat\.|stats\.|/icon[-_]|/icons?/|/emoji/)",
    re.I,
)


def _side(value) -> int | None:
    m = re.match(r"\s*(\d+)", value or "")
    return int(m.group(1)) if m else None


def run(root, doc) -> int:
    removed = 0
    for img in elements(root, "img"):
        attrs = img.attributes
        src = attrs.get("src") or attrs.get("data-src") or ""
        w, h = _side(attrs.get("width")), _side(attrs.get("height"))
        tiny = (w is not None and w <= MAX_PIXEL_SIDE) or (h is not None and h <= MAX_PIXEL_SIDE)
        if not src.strip() or tiny or _TRACKER.search(src) or src.startswith("data:"):
            img.decompose()
            removed += 1
    return removed
