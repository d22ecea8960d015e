"""URL rules shared by readers (provenance URLs) and cleaning steps (links in bodies)."""
from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only track the reader: removed from every URL we keep.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|ref_src|ref_url|"
    r"spm|from_source|share_token|cmpid|ncid|ocid|_ga|_gl|s_cid|wt\.mc_id|at_medium|at_campaign)$",
    re.I,
)
# A Wayback Machine capture URL, absolute or root-relative, with an optional
# "im_/id_/if_/js_/cs_" modifier after the timestamp.
WAYBACK = re.compile(r"^(?:(?:https?:)?//web\.archive\.org)?/web/\d{1,14}(?:[a-z]{2}_)?/(.+)$", re.I)


# A host name (letters of any script for an IDN). What follows it is kept as the source wrote it
# (a path with spaces in it still names the article).
_HOST = re.compile(r"^[\w.-]+$")


def provenance(url: str | None, relative_ok: bool = False) -> tuple[str | None, str | None]:
    """A source's original-article URL as front matter keeps it (tracking parameters removed), and a
    note when the source gave something that is not an absolute http(s) URL (then no URL is kept:
    the article is, with a warning). `relative_ok`: a link without a scheme (a page's relative
    canonical link) is dropped without a note."""
    if not url or not url.strip():
        return None, None
    url = url.strip()
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() in ("http", "https") and _HOST.match(parts.hostname or ""):
            return strip_tracking(url), None
        if relative_ok and not parts.scheme:
            return None, None
    except ValueError:
        pass
    return None, f"the source URL {url[:200]!r} is not an http(s) URL; source.url left out"


# Parameters that track only with certain values: a feed reader's mark (`?source=rss----…`, Medium's).
TRACKING_VALUES = re.compile(r"^(?:source|ref|from|src|feed|rss)$", re.I), re.compile(r"^(?:rss|feed|atom)", re.I)


def _tracks(key: str, value: str) -> bool:
    return bool(TRACKING_PARAMS.match(key) or (TRACKING_VALUES[0].match(key) and TRACKING_VALUES[1].match(value)))


def strip_tracking(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracks(k, v)]
    if len(kept) == len(parse_qsl(parts.query, keep_blank_values=True)):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept, safe=":/")))


def unwrap_wayback(url: str) -> str:
    """'https://web.archive.org/web/2020.../https://x.org/a' -> 'https://x.org/a'."""
    m = WAYBACK.match(url.strip())
    if not m:
        return url
    inner = m.group(1)
    if inner.startswith(("http:/", "https:/")) and not inner.startswith(("http://", "https://")):
        inner = inner.replace(":/", "://", 1)  # archives sometimes collapse the double slash
    if not re.match(r"^[a-z][a-z0-9+.-]*:", inner, re.I):
        inner = "http://" + inner
    return inner


_CAPTURE = re.compile(r"^(?:(?:https?:)?//web\.archive\.org)?/web/(\d{1,14})(?:[a-z]{2}_)?/(.+)$", re.I)


def wayback_image(url: str) -> str | None:
    """A Wayback capture address as the capture of an image (`https://web.archive.org/web/<ts>im_/<url>`:
    the archived bytes themselves, reachable after the origin is gone); None when url is no capture."""
    m = _CAPTURE.match(url.strip())
    if not m:
        return None
    return f"https://web.archive.org/web/{m.group(1)}im_/{unwrap_wayback(url)}"


# Image proxies that carry the original's address: WordPress's Photon (i0-i3.wp.com/<host>/<path>),
# and weserv (images.weserv.nl/?url=, wsrv.nl/?url=).
_PHOTON = re.compile(r"^https?://i[0-3]\.wp\.com/([^/?#]+/[^?#]*)", re.I)
_WESERV = re.compile(r"^https?://(?:images\.weserv\.nl|wsrv\.nl)/?\?(?:.*&)?url=([^&#]+)", re.I)


def unproxied(url: str) -> str | None:
    """The original address of an image served through a known proxy; None for any other address."""
    m = _PHOTON.match(url)
    if m:
        return "https://" + m.group(1)
    m = _WESERV.match(url)
    if m:
        inner = unquote(m.group(1))
        return inner if re.match(r"^https?://", inner, re.I) else "https://" + inner
    return None


_DESCRIPTOR = re.compile(r"^(\d+(?:\.\d+)?)([wx])$")


def best_candidate(srcset: str) -> str | None:
    """The largest image a `srcset` offers (the widest `w`, else the densest `x`; a candidate with no
    descriptor counts as 1x), parsed as HTML does: a URL is a run of non-space characters (commas
    inside it are kept), descriptors follow it up to a comma."""
    best, best_size, i, n = None, (-1, -1.0), 0, len(srcset)
    while i < n:
        while i < n and (srcset[i].isspace() or srcset[i] == ","):
            i += 1
        start = i
        while i < n and not srcset[i].isspace():
            i += 1
        url = srcset[start:i]
        descriptors = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            end = srcset.find(",", i)
            end = n if end < 0 else end
            descriptors, i = srcset[i:end].strip(), end + 1
        if not url:
            continue
        m = _DESCRIPTOR.match(descriptors)
        size = (1, float(m.group(1))) if m and m.group(2) == "w" else (0, float(m.group(1)) if m else 1.0)
        if size > best_size:
            best, best_size = url, size
    return best


def absolute(url: str, base: str | None) -> str:
    url = url.strip()
    if url.startswith("//"):
        return "https:" + url
    if base and not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) and not url.startswith("#"):
        return urljoin(base, url)
    return url


def host(url: str | None) -> str:
    if not url:
        return ""
    try:
        return (urlsplit(unwrap_wayback(url)).hostname or "").lower()
    except ValueError:
        return ""


def safe_href(url: str) -> str:
    """Spaces and parentheses percent-encoded, so the URL is one markdown link destination."""
    return quote(url, safe="%/:=&?~#+!$,;'@*[]")


def readable(url: str) -> str:
    """Percent-decoded for display; the stored URL keeps its encoding. (What unquote gives - UTF-8,
    a byte that is none as U+FFFD - decoded a run of escapes at a time: unquote makes bytes of every
    ASCII stretch around them too, 0.33 s for the source addresses 10 000 articles' pages show, 0.11 s
    this way.)"""
    return _ANY_ESCAPES.sub(_decoded, url) if "%" in url else url


_ANY_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _decoded(run: re.Match) -> str:
    return bytes.fromhex(run.group(0).replace("%", "")).decode("utf-8", "replace")


_ESCAPES = re.compile(r"(?:%[0-9A-F]{2})+")
_AUTHORITY = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


# (an article's source address is written on its page twice, in its JSON-LD and in every feed that
# shows it: worked out each time, this was a fifth of rendering the templates of a cold build)
@functools.lru_cache(maxsize=1 << 16)
def iri(url: str) -> str:
    """The same address with its escaped non-ASCII characters written as themselves (RFC 3987's IRI):
    a browser following the link escapes them again, UTF-8 byte for byte, so it reaches the same
    URL - in a third of the bytes (a Chinese slug's character is 9 bytes escaped, 3 written; some
    sources' URLs run to a kilobyte of escapes). Only escapes in capitals are written out: the
    browser escapes in capitals, and `%e6` is another string than `%E6`. ASCII escapes (`%2F`,
    `%20`, ...) change what a URL means and stay, so do bytes that are not UTF-8 and characters
    that are invisible or spaces (controls, format and bidi marks, separators: categories C* and
    Z*); the host is left alone."""
    authority = _AUTHORITY.match(url)
    start = authority.end() if authority else 0
    return url[:start] + _ESCAPES.sub(_written, url[start:])


def _written(run: re.Match) -> str:
    escaped = run.group(0)
    raw = bytes.fromhex(escaped.replace("%", ""))
    try:  # the usual run: whole characters, none of them one _bytewise keeps escaped
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _bytewise(escaped, raw)
    # (no byte below 0x80: no ASCII character; isprintable: none of categories C* and Z*, as _char)
    return text if min(raw) >= 0x80 and text.isprintable() else _bytewise(escaped, raw)


def _bytewise(escaped: str, raw: bytes) -> str:
    """A run of escapes written character by character: each UTF-8 sequence that is one visible
    character as itself, any other byte as its escape. (_written takes a run that is all such
    characters at once - valid UTF-8 without ASCII is a row of sequences whose leads _utf8_size
    sizes right - in less than half the time: the 14 850 addresses of 10 000 articles, 0.37 s
    byte by byte.)"""
    out, i = [], 0
    while i < len(raw):
        size = _utf8_size(raw[i])
        char = _char(raw[i:i + size]) if size > 1 else None
        if char is not None:
            out.append(char)
            i += size
        else:
            out.append(escaped[3 * i:3 * i + 3])
            i += 1
    return "".join(out)


def _utf8_size(lead: int) -> int:
    return 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if 0xF0 <= lead <= 0xF4 else 1


def _char(encoded: bytes) -> str | None:
    try:
        char = encoded.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 and unicodedata.category(char)[0] not in "CZ" else None
