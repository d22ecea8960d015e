"""The build's side of the pictures: an article's stored images shown from site/media/.

In an article's HTML (our own markup, after the allowlist: `<img src="…" …>` with double quotes)
each image whose address the manifest has stored gets the local copy's address, its width and height
(the page does not shift as it loads) and, after the first, `loading="lazy"`. An image not stored
keeps its remote address. Every stored file is put in the site by hard link.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from ..archive import Archive
from . import addresses, store

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r'\ssrc="([^"]*)"', re.I)


class Pictures:
    """The stored pictures, read once per build (an archive without any costs nothing)."""

    def __init__(self, archive: Archive):
        self.images = {url: stored for url, stored in store.load(archive).images.items()
                       if archive.media_file(stored.site_path).is_file()}
        self.files: dict[str, Path] = {s.site_path: archive.media_file(s.site_path) for s in self.images.values()}
        self.manifest = archive.media_manifest

    def of(self, markdown: str) -> tuple[store.Stored, ...]:
        """The stored pictures a page shows (part of its page's key: a picture fetched later renders it again)."""
        if not self.images:
            return ()
        return tuple(self.images[url] for url in addresses.images_in(markdown) if url in self.images)

    def lead(self, markdown: str) -> tuple[str | None, store.Stored | None]:
        """A page's first image: its address, and its stored copy if there is one."""
        url = addresses.first_image(markdown)
        return (url, self.images.get(url)) if url is not None else (None, None)

    def localize(self, body_html: str, link) -> str:
        """The body with stored images shown from the site; `link(site_path)` is the address to use."""
        if not self.images or "<img" not in body_html:
            return body_html
        count = 0

        def one(m: re.Match) -> str:
            nonlocal count
            count += 1
            tag = m.group(0)
            src = _SRC.search(tag)
            stored = self.images.get(addresses.normal(src.group(1))) if src else None
            if stored is None:
                return tag
            extra = ""
            if stored.width and stored.height and " width=" not in tag:
                extra += f' width="{stored.width}" height="{stored.height}"'
            if count > 1 and " loading=" not in tag:
                extra += ' loading="lazy"'
            local = html.escape(link(stored.site_path), quote=True)
            tag = tag[:src.start()] + f' src="{local}"' + tag[src.end():]
            return tag[:-1].rstrip("/").rstrip() + extra + ">"

        return _IMG.sub(one, body_html)
