"""Article bodies: markdown -> HTML, through the same nh3 allowlist as ingest (content/ may have been
edited by hand). The inverse of to_markdown.

A module of its own, importing only the renderers and the sanitiser: a large cold build turns the
bodies into HTML on fresh processes (builder/parallel.BodiesAhead), which import the module of the
function they run - from the builder, with jinja2, numpy and the rest of the build, ~0.2 s of each
worker's start, ~0.5 s on a machine whose cores are busy.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from .sanitize import sanitize

# The reference renderer: what every article's HTML is held to.
_MD = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table").use(footnote_plugin)
try:  # markdown-it.rs, the same family ~9x faster: it renders what it renders identically (a test holds it)
    import markdown_it_pyrs

    _FAST = markdown_it_pyrs.MarkdownIt("commonmark").enable("table")
except ImportError:  # pragma: no cover - then the reference renders everything
    _FAST = None
# Where markdown-it.rs is known to render otherwise than the reference (measured on the corpus and
# the scale month: 26 of 9 643 bodies), the reference renders the body: footnotes (the reference's
# plugin), a backslash escape in an image's alt text, a Unicode space at a line's edge, a line or
# paragraph separator.
# Each is looked for only where what it needs is in the body: one pattern of all five tried its
# branches at every character, as long as rendering the body with markdown-it.rs (tests hold these to
# that pattern).
_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_ALT_ESCAPE = re.compile(r"!\[[^\]\n]*\\")
_A_SPACE = re.compile(rf"[{_SPACES}]")
_SPACE_AT_EDGE = re.compile(rf"^[{_SPACES}]|[{_SPACES}]$", re.M)


def reference_only(body: str) -> bool:
    """Whether the body holds anything markdown-it.rs renders otherwise than the reference."""
    return ("[^" in body or "\u2028" in body or "\u2029" in body
            or ("\\" in body and "![" in body and _ALT_ESCAPE.search(body) is not None)
            or (_A_SPACE.search(body) is not None and _SPACE_AT_EDGE.search(body) is not None))


def markdown_to_html(body: str) -> str:
    fast = _FAST is not None and not reference_only(body)
    return sanitize((_FAST if fast else _MD).render(body))


def reference_html(body: str) -> str:
    """The body as the reference renderer makes it (tests hold markdown_to_html to this)."""
    return sanitize(_MD.render(body))


def bodies_html(_, articles: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A worker's task (forked.Pool): (path, markdown) -> (path, HTML)."""
    return [(path, markdown_to_html(markdown)) for path, markdown in articles]
