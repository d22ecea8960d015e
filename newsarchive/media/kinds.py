"""What a fetched file is, told by its bytes (never by the server's word or the address), and its
size in pixels read from its header alone (Pillow opens lazily: nothing is decoded).

Only raster formats a browser shows are kept: JPEG, PNG, GIF, WebP, AVIF. SVG is refused (it can
hold script); so is anything else, an HTML error page served as image/jpeg among them.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    ext: str
    mime: str


JPEG, PNG, GIF, WEBP, AVIF = (Kind("jpg", "image/jpeg"), Kind("png", "image/png"), Kind("gif", "image/gif"),
                              Kind("webp", "image/webp"), Kind("avif", "image/avif"))
# Extensions of the kinds kept (the stored file's name ends with one).
EXTENSIONS = frozenset(k.ext for k in (JPEG, PNG, GIF, WEBP, AVIF))


class Refused(Exception):
    """A file that is not kept, with the reason recorded."""


def sniff(data: bytes) -> Kind:
    """The kind of an image by its first bytes; Refused for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return AVIF
    head = data[:512].lstrip().lower()
    if b"<svg" in head or head.startswith(b"<?xml"):
        raise Refused("an SVG image (it can hold script): not kept")
    if head.startswith((b"<!doctype", b"<html")) or b"<html" in head:
        raise Refused("an HTML page, not an image")
    raise Refused("not an image of a kept kind (JPEG, PNG, GIF, WebP, AVIF)")


def dimensions(data: bytes, max_pixels: int) -> tuple[int | None, int | None]:
    """(width, height) from the header; (None, None) when Pillow cannot read it (the bytes are
    still an image by their signature). Refused when it declares more than max_pixels."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's own bomb warning: the cap below decides
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError as exc:
        raise Refused(f"declares too many pixels ({exc})") from None
    except Exception:  # noqa: BLE001 - any unreadable header: kept without dimensions
        return None, None
    if width * height > max_pixels:
        raise Refused(f"declares {width} × {height} pixels (more than {max_pixels}): not decoded, not kept")
    return width, height
