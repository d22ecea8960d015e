"""Readers: one module per input shape, chosen by sniffing the content (never the file name).

Each reader module offers `sniff(text) -> bool` and `read(text) -> Parsed`. The
table below is the order in which shapes are tried: the most specific first.
"""
from __future__ import annotations

import re

from ..model import InputError, NotAnArticle, Parsed
from . import html_page, jekyll_feed, plain_text, wayback_markdown

_TAG = re.compile(r"<[^>]*>")
_TEXT = re.compile(r"[^\s\u3000]")

READERS = (
    ("wayback-markdown", wayback_markdown),
    ("jekyll-feed", jekyll_feed),
    ("html-page", html_page),
    ("plain-text", plain_text),
)


def read(text: str) -> Parsed:
    """Decoded text -> Parsed, by the first reader whose sniff accepts it."""
    for _name, reader in READERS:
        if reader.sniff(text):
            parsed = reader.read(text)
            if not parsed.title and not parsed.whole_page and not _TEXT.search(_TAG.sub("", parsed.body_html)):
                raise NotAnArticle("an empty stub: no title and no text")
            if not parsed.title:
                raise InputError(f"{parsed.format}: no title found")
            return parsed
    raise InputError("unknown shape: not front matter + body, an HTML page, or titled plain text")
