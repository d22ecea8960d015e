"""The offline search index: plain JavaScript loaded by a <script> tag, so search works from file://.

`search/index.js` sets `window.NEWSARCHIVE_INDEX = {fold: {...}, docs: [[url, title, date, outlet, text]]}`:
`fold` maps each Traditional-only character to its Simplified form (from OpenCC's tables) and
`text` is the article folded the same way, so a query in either script finds both.
"""
from __future__ import annotations

import json
import re

from .. import lang
from ..to_markdown import plain_text
from .render import Renderer, rel

_SPACE = re.compile(r"\s+")


def search_files(r: Renderer):
    docs = []
    for e in r.site.entries:
        text = _SPACE.sub(" ", f"{e.title} {e.outlet} {plain_text(e.body_md)}")
        docs.append([rel("search/index.html", e.path), e.title, e.date or "", e.outlet, lang.fold(text)])
    payload = {"fold": lang.fold_map(), "docs": docs}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
    yield "search/index.js", f"window.NEWSARCHIVE_INDEX={body};\n".encode("utf-8")
