"""Headless Debian Chromium driven by Playwright (never `playwright install`: the system browser)."""
from __future__ import annotations

import contextlib
import functools
import http.server
import socket
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A TCP port nobody listens on now (for a server a test or benchmark starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def browser():
    """Debian's Chromium, else a browser Playwright installed itself; the test is skipped saying why
    (failed under CI) when there is neither."""
    from .conftest import missing

    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        missing("needs Playwright's Python package (pip install -e '.[test]')")

    with sync_playwright() as p:
        try:
            system = {"executable_path": CHROMIUM} if Path(CHROMIUM).exists() else {}
            b = p.chromium.launch(args=ARGS, headless=True, **system)
        except Error:
            missing(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium) or Playwright's own browser")
        try:
            yield b
        finally:
            b.close()


@contextlib.contextmanager
def serve(folder: Path, mount: str = "/", headers: dict[str, str] | None = None):
    """Serve `folder` on 127.0.0.1 at an ephemeral port, under `mount` (e.g. '/archive/'), adding `headers`."""
    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            super().end_headers()

        def translate_path(self, path):
            if not path.startswith(mount):
                return str(folder / "__missing__")
            return super().translate_path("/" + path[len(mount):])

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{mount}"
    finally:
        server.shutdown()
        server.server_close()
