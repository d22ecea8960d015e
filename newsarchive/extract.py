"""Find the article inside a whole saved page: the outlet rule's selector, else trafilatura.

trafilatura is the generic fallback (a well-kept extractor): it is slow (~30 pages/s)
but only whole pages no rule knows go through it.
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
    return _generic(page_html, url)


def _generic(page_html: str, url: str | None) -> str:
    import trafilatura

    found = trafilatura.extract(
        page_html, url=url, output_format="html", include_images=True, include_links=True,
        include_tables=True, include_comments=False, deduplicate=True,
    )
    return found or ""
