"""Turn embedded players (iframe/video/audio) into plain links to what they play.

Plugins (<object>, <embed>) are not players a reader can follow: the generic chain drops them.

The built site runs no third-party frames; a reader still gets the address.
"""
from dataclasses import dataclass
import html

from ... import urls
from ..tree import elements


@dataclass(frozen=True)
class Params:
    """This step takes no parameters."""


def run(root, doc) -> int:
    changed = 0
    for node in elements(root, "iframe, video, audio"):
        src = node.attributes.get("src") or ""
        if not src:
            source = node.css_first("source[src]")
            src = source.attributes.get("src") if source is not None else ""
        src = urls.unwrap_wayback(urls.absolute(src or "", doc.base_url))
        if src.startswith(("http://", "https://")):
            safe = html.escape(src, quote=True)
            node.insert_after(node.parser.__class__(f'<p><a href="{safe}">{safe}</a></p>').body.child)
        node.decompose()
        changed += 1
    return changed
