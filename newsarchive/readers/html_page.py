"""Shape (d): a whole saved HTML page.

The reader takes what the page says about itself (title, date, canonical URL,
site name, language) from its metadata; finding the article inside the page is
left to the outlet's rule or, where no rule knows the site, the generic extractor.
"""
from __future__ import annotations

import json
import re

from selectolax.lexbor import LexborHTMLParser

from .. import outlets, urls
from ..model import Parsed
from . import dates

FORMAT = "html-page"
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)\b", re.I | re.S)

_DATE_META = (
    'meta[property="article:published_time"]', 'meta[name="article:published_time"]',
    'meta[itemprop="datePublished"]', 'meta[name="pubdate"]', 'meta[name="publishdate"]',
    'meta[name="publish-date"]', 'meta[name="date"]', 'meta[name="dc.date"]', 'meta[name="DC.date.issued"]',
    'meta[name="sailthru.date"]', 'meta[property="og:release_date"]', 'meta[name="ptime"]',
)
_TITLE_META = ('meta[property="og:title"]', 'meta[name="twitter:title"]', 'meta[name="title"]')
_URL_META = ('link[rel="canonical"]', 'meta[property="og:url"]')


# A trailing title segment at most this long can be the site's name ("…_光明网", "… - BBC News").
SITE_SEGMENT_CHARS = 16
# A title keeps at least this many characters when its trailing segments are cut.
MIN_TITLE_CHARS = 4
# Separators of a title's segments; a bare hyphen counts next to CJK ("…交通-新华网", "…-CSDN.NET" after CJK).
_SEGMENTS = re.compile(r"\s*(?:--|—|–|_|\||｜|::|\s-\s|(?<=[\u3400-\u9fff])-|-(?=[\u3400-\u9fff]))\s*")

# Separators left at a title's end once a name is cut ("… :: 痞客邦 PIXNET ::"): ingest.clean_title too.
TRAILING_SEPARATORS = re.compile(r"(?:\s*(?:--|—|–|_|\||｜|::|-))+\s*$")


def split_site_name(title: str) -> tuple[str, str | None]:
    """'女儿出嫁…--文化--人民网' -> ('女儿出嫁…', '人民网'): pages name themselves in <title>. Short
    segments are peeled off the end (the site, then its section) while the title keeps a long one."""
    title = TRAILING_SEPARATORS.sub("", title)
    parts, seps = _SEGMENTS.split(title), _SEGMENTS.findall(title)
    if len(parts) < 2 or not all(p.strip() for p in parts):
        return title, None
    keep = len(parts)
    while keep > 1 and len(parts[keep - 1]) <= SITE_SEGMENT_CHARS and \
            len("".join(parts[:keep - 1])) >= MIN_TITLE_CHARS:
        keep -= 1
    if keep == len(parts):
        return title, None
    head = "".join(p + s for p, s in zip(parts[:keep - 1], seps)) + parts[keep - 1]
    # The site is the last segment that is a name ("…_长江网_cjn.cn": 长江网, not the host).
    names = [outlets.site_name(p) for p in reversed(parts[keep:])]
    return head.strip(), next((n for n in names if n), None)


def sniff(text: str) -> bool:
    return bool(_HTML_START.match(text[:5000])) or bool(re.search(r"<html[\s>]", text[:5000], re.I))


def _first_attr(tree: LexborHTMLParser, selectors, attr: str) -> str | None:
    for sel in selectors:
        node = tree.css_first(sel)
        if node is not None:
            value = (node.attributes.get(attr) or "").strip()
            if value:
                return value
    return None


_SITE_META = ('meta[property="og:site_name"]', 'meta[name="application-name"]', 'meta[name="apple-mobile-web-app-title"]')


def json_ld(tree):
    """Each JSON-LD script of a page: (its objects — at the top, in a list or in `@graph` —, or None when
    its JSON does not parse; its text). The reader takes dates and publishers from it, bylines authors."""
    for node in tree.css('script[type="application/ld+json"]'):
        text = node.text() or ""
        try:
            data = json.loads(text)
        except ValueError:
            yield None, text
            continue
        graph = data.get("@graph") if isinstance(data, dict) else None
        found = graph if isinstance(graph, list) else data if isinstance(data, list) else [data]
        yield [item for item in found if isinstance(item, dict)], text


def _json_ld_items(tree):
    for items, _text in json_ld(tree):
        yield from items or ()


def _json_ld_publisher(tree) -> str | None:
    for item in _json_ld_items(tree):
        publisher = item.get("publisher")
        name = outlets.site_name(publisher.get("name")) if isinstance(publisher, dict) else None
        if name:
            return name
    return None


def _json_ld_date(tree: LexborHTMLParser) -> str | None:
    for item in _json_ld_items(tree):
        if isinstance(item.get("datePublished"), str):
            return item["datePublished"]
    return None


# How much of a page htmldate reads for a date: a publication date sits in the head or near the top
# of the article, and htmldate builds its own tree of what it is given (a 50 MB page: +370 MB, 10 s).
DATE_GUESS_CHARS = 1_000_000


def _page_date(tree: LexborHTMLParser, text: str) -> str | None:
    raw = _first_attr(tree, _DATE_META, "content") or _json_ld_date(tree)
    if not raw:
        node = tree.css_first("time[datetime]")
        raw = node.attributes.get("datetime") if node is not None else None
    found = dates.normalise(raw) if raw else None
    if found:
        return found
    # No machine-readable date: ask htmldate (trafilatura's date finder), date only.
    from htmldate import find_date

    try:
        guess = find_date(text[:DATE_GUESS_CHARS], extensive_search=True, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # noqa: BLE001 - a date guesser must never fail the page
        guess = None
    return guess


def read(text: str) -> Parsed:
    tree = LexborHTMLParser(text)
    title = _first_attr(tree, _TITLE_META, "content")
    if not title:
        node = tree.css_first("title") or tree.css_first("h1")
        title = node.text(strip=True) if node is not None else ""
    url = _first_attr(tree, _URL_META, "href") or _first_attr(tree, _URL_META, "content")
    url, note = urls.provenance(urls.absolute(url, None) if url else None, relative_ok=True)
    if url and not url.startswith(("http://", "https://")):
        url = None
    html_node = tree.css_first("html")
    lang = html_node.attributes.get("lang") if html_node is not None else None
    site = outlets.site_name(_first_attr(tree, _SITE_META, "content")) or _json_ld_publisher(tree)
    title = re.sub(r"\s+", " ", title or "").strip()
    if not site:  # a page that names itself is cut of that name only (ingest.clean_title)
        title, site = split_site_name(title)
    # Authors are read from the page's markup by ingest (bylines.from_markup), with the article's own lines.
    return Parsed(format=FORMAT, title=title, body_html=text, date=_page_date(tree, text), outlet_label=site,
                  url=url, lang_hint=lang, base_url=url, whole_page=True, site_name=site,
                  notes=(note,) if note else ())
