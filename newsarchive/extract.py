"""Find the article inside a whole saved page: the outlet rule's selector, else trafilatura,
else the page's own <article>/<main>/<body> (trafilatura gives up on some pages, e.g.
pathologically deep nesting; the cleaning chain still removes the page furniture).

trafilatura is the generic fallback (a well-kept extractor); only whole pages no rule
knows go through it.
"""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from .clean.rules import Rule


def article_html(page_html: str, rule: Rule | None, url: str | None, tree=None) -> str:
    """The article's HTML: the first of the rule's selectors that matches, else trafilatura's pick."""
    if rule and rule.article:
        tree = tree or LexborHTMLParser(page_html)
        for selector in rule.article:
            node = tree.css_first(selector)
            if node is not None and node.text(strip=True):
                return node.html or ""
    found = _generic(page_html, url) if len(page_html) <= GENERIC_MAX_CHARS else ""
    if found.strip():
        return found
    tree = tree or LexborHTMLParser(page_html)
    for selector in LAST_RESORT:
        node = tree.css_first(selector)
        if node is not None and node.text(strip=True):
            return node.html or ""
    return ""


# trafilatura's time grows faster than the page (8 MB: ~10 s); beyond this size a page goes
# straight to the last resort below, and the cleaning chain strips its furniture.
GENERIC_MAX_CHARS = 3_000_000
# Where a page keeps its main text by HTML's own conventions, tried when nothing else found it.
LAST_RESORT = ("article", "main", "[role=main]", "body")


def _generic(page_html: str, url: str | None) -> str:
    import trafilatura

    found = trafilatura.extract(
        page_html, url=url, output_format="html", include_images=True, include_links=True,
        include_tables=True, include_comments=False, deduplicate=True,
    )
    return found or ""
