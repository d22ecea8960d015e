"""A picture server on 127.0.0.1 for the media tests (no outside network): generated images of
realistic sizes, and every hostile answer the fetcher must survive. Counts the requests per path."""
from __future__ import annotations

import functools
import hashlib
import http.server
import io
import random
import re
import struct
import threading
import time
import zlib
from collections import Counter
from urllib.parse import urlsplit

from PIL import Image

# Distinct pictures served under /img/: a path's picture is one of these (so some paths share bytes).
DISTINCT = 40


def picture(path: str, kind: str = "JPEG", unique: bool = False) -> bytes:
    """The picture for a path: one of DISTINCT, by the path's digest; realistic sizes (tens of KB).
    `unique`: a JPEG of its own for every path (the path's digest in a comment segment)."""
    digest = hashlib.sha256(path.encode()).digest()
    data = _picture(int.from_bytes(digest, "big") % DISTINCT, kind)
    if unique and kind == "JPEG":
        comment = b"\xff\xfe" + struct.pack(">H", 2 + len(digest)) + digest
        return data[:2] + comment + data[2:]
    return data


@functools.lru_cache(maxsize=None)
def _picture(n: int, kind: str) -> bytes:
    width, height = 320 + n * 8, 200 + n * 4
    noise = random.Random(n).randbytes(width * height * 3)  # the same bytes for the same n, every run
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), noise).save(out, kind, quality=80)
    return out.getvalue()


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG whose header declares width × height pixels (its data is a few bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "pictures"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = urlsplit(self.path).path
        self.server.counts[path] += 1
        seen = self.server.counts[path]
        if path.startswith("/img/"):
            return self._send(200, "image/jpeg", picture(path, unique=self.server.unique))
        if path.startswith("/png/"):
            return self._send(200, "image/png", picture(path, "PNG"))
        if path == "/missing.jpg":
            return self._send(404, "text/html", b"<h1>not found</h1>")
        if path == "/flaky.jpg":  # a server error, then the picture
            return self._send(500, "text/html", b"busy") if seen == 1 else self._send(200, "image/jpeg", picture(path))
        if path == "/always-500.jpg":
            return self._send(500, "text/html", b"broken")
        if path == "/drip.jpg":  # a byte every tenth of a second, for ever (the fetch must give up)
            return self._drip()
        if path == "/loop.jpg":
            return self._redirect("/loop.jpg")
        if path == "/to-loopback.jpg":  # from an allowed host to an address that is not
            return self._redirect(f"http://127.0.0.1:{self.server.server_address[1]}/img/inside.jpg")
        if path == "/huge.jpg":
            return self._huge(declared=True)
        if path == "/huge-undeclared.jpg":
            return self._huge(declared=False)
        if path == "/bomb.png":
            return self._send(200, "image/png", bomb_png())
        if path == "/page-as-jpeg.jpg":
            return self._send(200, "image/jpeg", b"<!DOCTYPE html><html><body>Sorry</body></html>")
        if path == "/script.svg":
            return self._send(200, "image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
        return self._send(404, "text/plain", b"no such path")

    def _send(self, status: int, kind: str, body: bytes):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _drip(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(600):
                self.wfile.write(b"\xff")
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    def _huge(self, declared: bool):
        size = 200 * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        if declared:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        block = b"\xff\xd8\xff" + b"\0" * (1024 * 1024 - 3)
        try:
            for _ in range(size // len(block)):
                self.wfile.write(block)
        except OSError:
            pass


# Every attribute an image's address can be in (the cleaner takes a lazy-loaded image's real one).
IMAGE_ADDRESS = re.compile(r"""((?:src|data-src|data-original|data-lazy-src|data-actualsrc|data-url|data-echo)"""
                           r"""=(?:["']|&quot;))(?:https?:)?//""")


class PictureServer:
    """Serves on 127.0.0.1 (a free port) while in a `with` block; `url(path)` addresses it."""

    def __init__(self, host: str = "127.0.0.1", unique: bool = False):
        """`unique`: every /img/ path its own picture (a benchmark's many distinct images)."""
        self.host = host
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.counts = Counter()
        self.httpd.unique = unique

    @property
    def counts(self) -> Counter:
        return self.httpd.counts

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.httpd.server_address[1]}{path}"

    def moved_here(self, text: str) -> str:
        """A raw file's text with its pictures' addresses moved to this server
        (`https://host/path` -> `http://127.0.0.1:PORT/img/host/path`)."""
        return IMAGE_ADDRESS.sub(lambda m: m.group(1) + self.url("/img/"), text)

    def __enter__(self) -> "PictureServer":
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
