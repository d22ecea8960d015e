"""Markdown bodies (Wayback exports; any front-matter post written in Markdown, as Jekyll reads
them) rendered to HTML, so that the one cleaning chain serves every shape."""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

# CommonMark with raw HTML (exports embed <figure>) and tables.
MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")
# Any tag at all: a body holding one is the feed's HTML, as the bot writes it.
_TAG = re.compile(r"<[A-Za-z!/]")


def as_html(body: str) -> str:
    """The body as HTML: a body with no tag at all is Markdown (its blank lines are paragraphs,
    which HTML would run together); anything else is HTML already."""
    return body if _TAG.search(body) else MARKDOWN.render(body)
