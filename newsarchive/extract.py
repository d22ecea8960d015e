"""Find the article inside a whole saved page: the outlet rule's selector, else the generic
extractors, else the page's own <article>/<main>/<body> (they give up on some pages, e.g.
pathologically deep nesting; the cleaning chain still removes the page furniture).

The generic extractors are two well-kept libraries that fail differently: trafilatura (keeps too
much on portal pages: sidebars, headline lists) and readability-lxml (at times keeps a fragment of a
long page). Both picks go to ingest, which cleans each and keeps the one with more prose. Only whole
pages whose rule names no article selector go through them.
"""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from .clean.rules import Rule


def article_candidates(page_html: str, rule: Rule | None, url: str | None, tree=None) -> tuple[str, ...]:
    """The article's HTML as each way of finding it sees it, most trusted first: the rule's selector
    alone when one matches; else trafilatura's pick (or, when it gives up, the page's own
    <article>/<main>/<body>) and readability-lxml's (ingest keeps the one whose cleaned text holds
    more prose)."""
    if rule and rule.article:
        tree = tree or LexborHTMLParser(page_html)
        for selector in rule.article:
            node = tree.css_first(selector)
            if node is not None and node.text(strip=True):
                return (node.html or "",)
    small = len(page_html) <= GENERIC_MAX_CHARS
    first = (_generic(page_html, url) if small else "") or _last_resort(tree or LexborHTMLParser(page_html))
    second = _readability(page_html) if small and first else ""
    return tuple(pick for pick in (first, second) if pick.strip())


def _last_resort(tree) -> str:
    """The page's own <article>/<main>/<body>, for a page the extractor gives up on."""
    for selector in LAST_RESORT:
        node = tree.css_first(selector)
        if node is not None and node.text(strip=True):
            return node.html or ""
    return ""


def article_html(page_html: str, rule: Rule | None, url: str | None, tree=None) -> str:
    """The article's HTML, the most trusted way's pick (see article_candidates)."""
    return next(iter(article_candidates(page_html, rule, url, tree)), "")


# trafilatura's time grows faster than the page (8 MB: ~10 s); beyond this size a page goes
# straight to the last resort below, and the cleaning chain strips its furniture.
GENERIC_MAX_CHARS = 3_000_000
# Where a page keeps its main text by HTML's own conventions, tried when nothing else found it.
LAST_RESORT = ("article", "main", "[role=main]", "body")


def _readability(page_html: str) -> str:
    """readability-lxml's pick (Mozilla Readability's scoring, in Python): tighter than trafilatura's on
    portal pages, at times a fragment of a long one; ingest weighs the two by their prose."""
    from readability import Document

    try:
        return Document(page_html).summary(html_partial=True) or ""
    except Exception:  # noqa: BLE001 - a second opinion that fails is no opinion (lxml refuses some pages)
        return ""


def _generic(page_html: str, url: str | None) -> str:
    import trafilatura

    found = trafilatura.extract(
        page_html, url=url, output_format="html", include_images=True, include_links=True,
        include_tables=True, include_comments=False, deduplicate=True,
    )
    return found or ""
