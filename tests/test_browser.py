"""The built site in a real browser: screenshots at phone and desktop widths (search: test_search.py)."""
from urllib.parse import quote

import pytest


from .browser import browser, serve
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
