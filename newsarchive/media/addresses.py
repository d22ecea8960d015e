"""Which images a page shows, by address, and where to fetch each.

Addresses are taken from the page's Markdown as ingest writes it (`![alt](url)`, and `<img src>` in
a captioned figure), found by pattern rather than by rendering: the build asks this of every article
on every build to key its page, so it must cost next to nothing. An image written some other way by
a curator is simply not fetched (it keeps its remote address).
"""
from __future__ import annotations

import html
import re
from urllib.parse import quote

import mdurl

from .. import urls

_MARKDOWN_IMAGE = re.compile(r"!\[(?:[^\]\\\n]|\\.)*\]\(([^)\s]+)\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]*)\"", re.I)
_FETCHABLE = re.compile(r"^https?://", re.I)


# The characters mdurl.encode never encodes (letters, digits and its default exclusions), as a
# character class's contents; an escape it keeps is a % and _HEX (two hex digits).
_LEFT = r"A-Za-z0-9;/?:@&=+$,\-_.!~*'()#"
_HEX = r"[0-9A-Fa-f]{2}"
# An address mdurl.encode leaves as it is. (Its runs of characters left as they are each taken by one
# repeat of their class: a choice of the class or an escape, made at every character, was ~2/3 of
# normal(), which the build asks of every article's first picture.)
_ENCODED = re.compile(rf"[{_LEFT}]*(?:%{_HEX}[{_LEFT}]*)*")
# What it encodes: a % that begins no escape, and runs of other characters it does not leave (encoded
# as UTF-8, in capitals, as it does); a lone surrogate it writes as U+FFFD's bytes.
_UNENCODED = re.compile(rf"%(?!{_HEX})|[^{_LEFT}%]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def normal(url: str) -> str:
    """An address as the site's HTML has it (and the manifest keys it): entities read, then percent-
    encoded as markdown-it encodes link destinations (an address already encoded stays as it is)."""
    url = html.unescape(url.strip())
    # (mdurl.encode goes a character at a time in Python: an address already encoded is told by one
    # match, and one that is not is encoded a run at a time - the first pictures of 10 000 articles'
    # pages, half of them with characters written as themselves, took ~0.4 s that way)
    if _ENCODED.fullmatch(url):
        return url
    return mdurl.encode(url) if _SURROGATE.search(url) else _UNENCODED.sub(_encoded, url)


def _encoded(run: re.Match) -> str:
    return quote(run.group(0), safe="")


def _found(markdown: str):
    """The http(s) addresses of a page's images, in images_in's order, as often as they are shown."""
    for pattern in (_MARKDOWN_IMAGE, _HTML_IMAGE):
        for m in pattern.finditer(markdown):
            url = normal(m.group(1))
            if _FETCHABLE.match(url):
                yield url


def images_in(markdown: str) -> list[str]:
    """The http(s) addresses of the images a page's Markdown shows, in order, each once."""
    return list(dict.fromkeys(_found(markdown)))


def first_image(markdown: str) -> str | None:
    """images_in(markdown)[0], or None, without reading past it (a page and each list showing it
    ask for its lead picture)."""
    return next(_found(markdown), None)


def sources(url: str) -> list[str]:
    """Where to fetch an image from, best first: a Wayback capture as the archived image itself
    (`…im_/`, never the origin, which may be gone or changed); a proxied image at its original
    address, then through the proxy; anything else where it is."""
    capture = urls.wayback_image(url)
    if capture:
        return [capture]
    original = urls.unproxied(url)
    return [original, url] if original and original != url else [url]
