"""The built site in a real browser: screenshots at phone and desktop widths, search over HTTP,
under a subpath and from file://."""
from urllib.parse import quote

import pytest

from newsarchive.build import build

from .browser import browser, serve
from .conftest import copy_tree

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
QUERIES = ("台灣", "台湾", "臺灣", "聯合國", "联合国", "克拉夫特", "李光章", "聯合國 午餐", '"共進午餐"', "Craft",
           "視訊", "新唐人")


def _expected(seed_root, query):
    """Which seed pages hold every term of the query, in either script (read from content/, folded in Python)."""
    import re

    from newsarchive import lang, page
    from newsarchive.to_markdown import plain_text

    terms = [lang.fold(t) for t in re.findall(r'"([^"]+)"|(\S+)', query) for t in t if t]
    found = set()
    for path in (seed_root / "content").rglob("*.md"):
        front, body = page.split(path.read_text(encoding="utf-8"))
        text = lang.fold(f"{front['title']} {front['outlet']} {plain_text(body)}")
        if all(t in text for t in terms):
            found.add(front["title"])
    return found


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


def _search_results(page, query):
    return page.evaluate("q => window.newsarchive.search(q)", query)


@pytest.mark.parametrize("how", ["http", "subpath", "file"])
def test_search_answers_in_both_scripts(site, seed_root, how):
    mount = "/archive/" if how == "subpath" else "/"
    with serve(site, mount) as base, browser() as b:
        page = b.new_page()
        url = (site / "search" / "index.html").as_uri() if how == "file" else base + "search/index.html"
        page.goto(url)
        for query in QUERIES:
            results = _search_results(page, query)
            assert {r["title"] for r in results} == _expected(seed_root, query), query
            assert results, query
            for r in results:
                assert set(r) == {"url", "title", "date", "outlet"} and not r["url"].startswith("/")
        # ?q= runs the query in the visible box.
        page.goto(url + "?q=" + quote("李光章"))
        page.wait_for_selector("#search-results .entry")
        assert page.input_value("#q") == "李光章"
        assert page.locator("#search-results .entry").count() == len(_expected(seed_root, "李光章"))
        # A result link opens the article.
        page.locator("#search-results .entry-title").first.click()
        page.wait_for_selector("article h1")
