"""The built site in a real browser: screenshots at phone and desktop widths (search: test_search.py)."""
import functools
import http.server
import io
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

from .browser import browser, free_port, serve
from .conftest import build, copy_tree

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.fixture(scope="module")
def site(seed_root, tmp_path_factory):
    root = tmp_path_factory.mktemp("browse") / "a"
    copy_tree(seed_root, root)
    build(root, base_url="https://example.org/archive/")
    return root / "site"


def _article(site):
    return next((site / "articles").rglob("*61cf1516.html")).relative_to(site).as_posix()


def test_screenshots_look_like_pages(site, tmp_path):
    shots = tmp_path / "shots"
    shots.mkdir()
    with serve(site) as base, browser() as b:
        for name, (w, h) in WIDTHS.items():
            page = b.new_page(viewport={"width": w, "height": h})
            for label, path in (("home", "index.html"), ("article", quote(_article(site)))):
                page.goto(base + path)
                page.screenshot(path=str(shots / f"{label}-{name}.png"), full_page=True)
                # Nothing overflows sideways: the layout fits the phone.
                assert page.evaluate("document.documentElement.scrollWidth") <= w
            page.close()
    assert all(p.stat().st_size > 5000 for p in shots.iterdir())
    assert len(list(shots.iterdir())) == 4


class _Host(http.server.SimpleHTTPRequestHandler):
    """A static host as Netlify and GitHub Pages behave: the site under a mount, and its 404.html (with
    status 404) for any path that has no file."""

    mount = "/"

    def translate_path(self, path):
        if not path.startswith(self.mount):
            return str(Path(self.directory) / "__missing__")
        return super().translate_path("/" + path[len(self.mount):])

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("mount", ["/", "/archive/"])
def test_the_404_page_works_at_any_depth(seed_root, tmp_path, mount):
    """Served for a missing page three folders deep, the 404 page has its styles and its links lead
    into the site, with the site at the host's root and under a subpath (a GitHub project site)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}{mount}"
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root, base_url=base, search=False)
    handler = type("Host", (_Host,), {"mount": mount})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(root / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with browser() as b:
            for missing in ("missing.html", "a/missing.html", "a/b/c/missing.html"):
                page = b.new_page()
                response = page.goto(base + missing)
                assert response.status == 404
                assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") != "inline"
                assert page.evaluate("document.styleSheets.length && document.styleSheets[0].cssRules.length") > 0
                home = page.evaluate("document.querySelector('a.site-title').href")
                assert home == base + "index.html", (missing, home)
                page.click("a.site-title")
                page.wait_for_url(base + "index.html")  # (loaded: on a busy machine the title was not there yet)
                assert page.title()
                page.close()
    finally:
        server.shutdown()
        server.server_close()
