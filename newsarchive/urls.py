"""URL rules shared by readers (provenance URLs) and cleaning steps (links in bodies)."""
from __future__ import annotations

import re
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


def strip_tracking(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
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
    """Percent-decoded for display; the stored URL keeps its encoding."""
    return unquote(url)
