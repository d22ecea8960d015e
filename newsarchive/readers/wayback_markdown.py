"""Shape (b): Markdown exported from the Wayback Machine (hkcnews-style archives).

Front matter: title, date (sometimes empty), author, category, tags, `url` (the
archive URL), `original_url`, sometimes `last_updated`. The markdown body (with
`<figure>` HTML and Hugo-style `{{< video >}}` shortcodes) is rendered to HTML so
that the one cleaning chain serves every shape.
"""
from __future__ import annotations

import html
import re

from .. import urls
from ..model import Parsed
from . import dates, frontmatter
from .markdown_body import MARKDOWN as _MD

FORMAT = "wayback-markdown"
# A link destination broken by spaces (the exporter wraps long URLs): "](https://x.com/ a/ b)".
_SPACED_LINK = re.compile(r"\]\(((?:https?:)?//[^)\s]*(?: [^)\s]+)+)\)")
_SHORTCODE = re.compile(r"\{\{<\s*(?:video|youtube|iframe)\s+src=\"([^\"]+)\"\s*>\}\}")


def sniff(text: str) -> bool:
    if not frontmatter.has_front_matter(text):
        return False
    head = text[:4000]
    return bool(re.search(r"^original_url:\s", head, re.M)) or bool(
        re.search(r"^url:\s*\"?https?://web\.archive\.org/", head, re.M)
    )


def _shortcode_to_link(m: re.Match) -> str:
    target = html.escape(urls.unwrap_wayback(m.group(1)), quote=True)
    return f'<p><a href="{target}">{target}</a></p>'


def read(text: str) -> Parsed:
    fm_text, body = frontmatter.split(text)
    fm = frontmatter.parse(fm_text)
    archive_url = frontmatter.text_field(fm, "url")
    original = frontmatter.text_field(fm, "original_url")
    if not original and archive_url:
        original = urls.unwrap_wayback(archive_url)
    if archive_url and not urls.WAYBACK.match(archive_url):
        archive_url, original = None, original or archive_url
    date = dates.normalise(frontmatter.text_field(fm, "date"))
    if date is None:
        updated = dates.normalise(frontmatter.text_field(fm, "last_updated"))
        date = updated[:10] if updated else None
    author = frontmatter.text_field(fm, "author")
    url, note = urls.provenance(original)
    body = _SPACED_LINK.sub(lambda m: "](" + m.group(1).replace(" ", "") + ")", body)
    body_html = _MD.render(_SHORTCODE.sub(_shortcode_to_link, body))
    return Parsed(
        format=FORMAT,
        title=frontmatter.text_field(fm, "title") or "",
        body_html=body_html,
        date=date,
        url=url,
        archive_url=archive_url,
        authors=(author,) if author else (),
        tags=frontmatter.list_field(fm, "tags"),
        base_url=archive_url or url,
        notes=(note,) if note else (),
    )
