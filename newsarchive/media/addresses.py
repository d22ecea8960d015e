"""Which images a page shows, by address, and where to fetch each.

Addresses are taken from the page's Markdown as ingest writes it (`![alt](url)`, and `<img src>` in
a captioned figure), found by pattern rather than by rendering: the build asks this of every article
on every build to key its page, so it must cost next to nothing. An image written some other way by
a curator is simply not fetched (it keeps its remote address).
"""
from __future__ import annotations

import html
import re

import mdurl

from .. import urls

_MARKDOWN_IMAGE = re.compile(r"!\[(?:[^\]\\\n]|\\.)*\]\(([^)\s]+)\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]*)\"", re.I)
_FETCHABLE = re.compile(r"^https?://", re.I)


def normal(url: str) -> str:
    """An address as the site's HTML has it (and the manifest keys it): entities read, then percent-
    encoded as markdown-it encodes link destinations (an address already encoded stays as it is)."""
    return mdurl.encode(html.unescape(url.strip()))


def images_in(markdown: str) -> list[str]:
    """The http(s) addresses of the images a page's Markdown shows, in order, each once."""
    found = [m.group(1) for m in _MARKDOWN_IMAGE.finditer(markdown)]
    found += [m.group(1) for m in _HTML_IMAGE.finditer(markdown)]
    seen: dict[str, None] = {}
    for url in found:
        url = normal(url)
        if _FETCHABLE.match(url):
            seen.setdefault(url, None)
    return list(seen)


def sources(url: str) -> list[str]:
    """Where to fetch an image from, best first: a Wayback capture as the archived image itself
    (`…im_/`, never the origin, which may be gone or changed); a proxied image at its original
    address, then through the proxy; anything else where it is."""
    capture = urls.wayback_image(url)
    if capture:
        return [capture]
    original = urls.unproxied(url)
    return [original, url] if original and original != url else [url]
