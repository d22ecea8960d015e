"""Remove lists whose every item is nothing but a link to the article's own site: related-article lists
set inside or after the body ("- [另一篇报道](https://same.site/...)"), wherever they stand.

A list of links to other sites (sources, further reading elsewhere) stays, as does a list of in-page
anchors (a table of contents), and any list with an item that says more than its link.
"""
from dataclasses import dataclass

from ... import urls
from ..tree import elements, squash


@dataclass(frozen=True)
class Params:
    """This step takes no parameters."""


# Fewer items than this is a link or two the author chose, not a list of related articles.
MIN_ITEMS = 2


def _item_link(li, base: str | None) -> str | None:
    """The address an item links to, when the item is nothing but that one link."""
    links = li.css("a[href]")
    if len(links) != 1:
        return None
    text = squash(li.text(deep=True))
    if not text or squash(links[0].text(deep=True)) != text:
        return None
    href = (links[0].attributes.get("href") or "").strip()
    return None if href.startswith("#") else urls.absolute(href, base)


def _same_site(address: str, site: str) -> bool:
    host = urls.host(address)
    return not host or host == site or host.endswith("." + site) or site.endswith("." + host)


def run(root, doc) -> int:
    site = urls.host(doc.base_url).removeprefix("www.")
    removed = 0
    for lst in list(elements(root, "ul, ol")):
        items = [li for li in lst.iter() if li.tag == "li"]
        links = [_item_link(li, doc.base_url) for li in items]
        if len(items) < MIN_ITEMS or any(link is None for link in links):
            continue
        hosts = {urls.host(link) for link in links}
        if (site and all(_same_site(link, site) for link in links)) or (not site and len(hosts) == 1 and "" in hosts):
            lst.decompose()
            removed += 1
    return removed
