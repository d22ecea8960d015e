"""Issue 17: the reader's side. Read in either script: the switch in every page's header shows the
title, the text and the captions in the chosen script (OpenCC's phrase tables, shipped in the site),
remembers the choice for the next page, and works from file:// and over HTTP, with no request
outside the site."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .browser import browser, serve
from .conftest import build, copy_tree, missing

TRADITIONAL = "8f261365"  # 美駐聯國大使與台駐紐約處長共進午餐-稱推動台灣重返聯合國: captions, 台灣, 聯合國
SIMPLIFIED = "d424ff2a"   # 美台又一大突破-美驻联合国大使会见台驻纽约办事处官员...: 联合国


@pytest.fixture(scope="module")
def site(seed_root, tmp_path_factory):
    root = tmp_path_factory.mktemp("reader") / "a"
    copy_tree(seed_root, root)
    build(root)
    return root / "site"


def _article(site, key):
    return next(site.joinpath("articles").rglob(f"*{key}.html"))


def _choose(page, value):
    page.select_option("#script-choice", value)
    page.evaluate("v => window.newsarchive.showScript(v)", value)


def _texts(page):
    return page.evaluate("""() => ({title: document.querySelector('article h1').textContent,
        body: document.querySelector('.article-body').textContent,
        captions: [...document.querySelectorAll('figcaption')].map(f => f.textContent).join(' '),
        alts: [...document.querySelectorAll('.article-body img')].map(i => i.alt).join(' '),
        header: document.querySelector('.site-header').textContent, lang: document.documentElement.lang})""")


@pytest.mark.parametrize("how", ["file", "http"])
def test_the_script_switch_converts_remembers_and_restores(site, how):
    with browser() as b, serve(site) as base:
        context = b.new_context()
        outside = []
        root_url = site.as_uri() if how == "file" else base.rstrip("/")
        # (the articles' pictures not stored in this archive are their own: the switch asks for nothing outside)
        context.route("**/*", lambda route: (route.continue_() if route.request.url.startswith(root_url)
                                             else (route.request.resource_type == "image"
                                                   or outside.append(route.request.url), route.abort())))
        page = context.new_page()

        def url(path):
            rel = path.relative_to(site).as_posix()
            return path.as_uri() if how == "file" else base + rel

        page.goto(url(_article(site, TRADITIONAL)))
        page.wait_for_function("window.newsarchive && window.newsarchive.showScript")
        assert page.is_visible("#script-choice")
        archived = _texts(page)
        assert "聯合國" in archived["title"] + archived["body"] and "台灣" in archived["title"] + archived["body"]
        assert "聯合國" in archived["captions"]
        _choose(page, "cn")
        shown = _texts(page)
        assert "联合国" in shown["title"] and "台湾" in shown["title"] and "聯合國" not in shown["title"]
        assert "联合国" in shown["body"] and "聯合國" not in shown["body"]
        assert "联合国" in shown["captions"] and "聯合國" not in shown["captions"]
        assert "联合国" in shown["alts"] and "聯合國" not in shown["alts"]  # what a missing picture shows
        assert "归档" in shown["header"] and shown["lang"] == "zh-Hans"   # the site's own words too
        # The next page opens in the chosen script.
        page.goto(url(_article(site, SIMPLIFIED)))
        page.wait_for_function("window.newsarchive && window.newsarchive.scriptShown")
        page.evaluate("window.newsarchive.scriptShown")
        assert page.input_value("#script-choice") == "cn"
        simplified = _texts(page)
        assert "联合国" in simplified["title"]
        _choose(page, "tw")
        traditional = _texts(page)
        assert "聯合國" in traditional["title"] and "联合国" not in traditional["title"] and traditional["lang"] == "zh-Hant"
        _choose(page, "")  # as archived, exactly
        assert _texts(page)["title"] == simplified["title"] and _texts(page)["body"] == simplified["body"]
        page.goto(url(_article(site, TRADITIONAL)))
        page.wait_for_function("window.newsarchive && window.newsarchive.scriptShown")
        page.evaluate("window.newsarchive.scriptShown")
        assert _texts(page) == archived
        context.close()
    assert outside == [], outside


def test_the_converters_are_shipped_as_vendored(site):
    """The site carries opencc-js's converters byte for byte as vendored, with their licenses."""
    from newsarchive.archive import DEFAULTS

    for name in ("opencc-t2cn.js", "opencc-cn2t.js", "OPENCC-LICENSES.txt"):
        stem, ext = name.rsplit(".", 1)
        (shipped,) = site.joinpath("assets", "vendor").glob(f"{stem}.*.{ext}")
        assert shipped.read_bytes() == (DEFAULTS / "static" / "vendor" / name).read_bytes()


AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
PAGE_KINDS = {"home": "index.html", "archive": "archive/index.html", "month": "archive/2020/09/index.html",
              "day": "archive/2020/09/17/index.html", "outlets": "outlets/index.html",
              "tags": "tags/index.html", "search": "search/index.html?q=%E8%81%AF%E5%90%88%E5%9C%8B"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_any_page_kind(site, scheme):
    """axe-core (WCAG 2 A and AA rules) on every kind of page, in light and in dark mode."""
    if not AXE.exists():
        missing(f"needs axe-core at {AXE} (cd tests && npm install axe-core@4; .ci/run does)")
    kinds = dict(PAGE_KINDS, article=_article(site, TRADITIONAL).relative_to(site).as_posix(),
                 outlet=next(site.joinpath("outlets").glob("*/index.html")).relative_to(site).as_posix())
    found = {}
    with browser() as b, serve(site) as base:
        context = b.new_context(color_scheme=scheme)
        page = context.new_page()
        for kind, path in kinds.items():
            page.goto(base + path)
            page.wait_for_load_state("load")
            if kind == "search":
                page.wait_for_selector("#search-results .entry .excerpt:not(.pending)")
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
            found[kind] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        context.close()
    assert found == {kind: [] for kind in kinds}, found


def test_json_ld_meets_newsarticle_expectations(seed_root, tmp_path):
    """Every article page's JSON-LD, parsed and held to schema.org's NewsArticle as search engines read
    it: the required and recommended properties present, each of its type."""
    import json
    import re
    from datetime import datetime


    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root, base_url="https://example.org/archive/", search=False)
    pages = sorted((root / "site" / "articles").rglob("*.html"))
    assert len(pages) == 5
    iso = lambda v: isinstance(v, str) and datetime.fromisoformat(v.replace("Z", "+00:00"))  # noqa: E731
    url = lambda v: isinstance(v, str) and re.match(r"^https?://[^\s]+$", v)  # noqa: E731
    for path in pages:
        html = path.read_text(encoding="utf-8")
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
        assert isinstance(data["headline"], str) and 0 < len(data["headline"]) <= 200
        assert iso(data["datePublished"]) and iso(data["dateModified"])
        assert iso(data["dateModified"]) >= iso(data["datePublished"])
        assert data["publisher"]["@type"] == "Organization" and data["publisher"]["name"]
        for author in data.get("author", []):
            assert author["@type"] == "Person" and isinstance(author["name"], str) and author["name"]
        assert url(data["url"]) and data["mainEntityOfPage"] == data["url"]
        assert f'<link rel="canonical" href="{data["url"]}">' in html
        assert url(data["archivedAt"]) and (url(data["isBasedOn"]) if "isBasedOn" in data else True)
        assert re.match(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?$", data["inLanguage"])
        if "<img" in html.split('<div class="article-body"', 1)[-1]:
            assert url(data["image"]) and f'<meta property="og:image" content="{data["image"]}">' in html


def test_browse_by_time_calendar_neighbours_pager_and_breadcrumbs(seed_root, tmp_path):
    """A month page's calendar links each day with articles to that day's page, which lists exactly
    them; every article links its newer and older neighbours (in the archive and in its outlet) in
    date order; long lists number their pages; breadcrumbs lead back up."""
    import re

    from newsarchive.archive import Archive
    from newsarchive.builder.collect import collect

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    (root / "newsarchive.toml").write_text("page_size = 1\n", encoding="utf-8")
    build(root, search=False)
    site = root / "site"
    entries = collect(Archive(root)).entries  # newest first
    month = site / "archive" / "2020" / "09" / "index.html"
    html = month.read_text(encoding="utf-8")
    linked = dict(re.findall(r'<a href="(\d\d)/index.html" data-count="(\d+)">', html))
    days = {}
    for e in entries:
        if e.date and e.date.startswith("2020-09"):
            days[e.date[8:10]] = days.get(e.date[8:10], 0) + 1
    assert linked == {d: str(n) for d, n in days.items()}
    for day, count in days.items():
        pages = list((site / "archive" / "2020" / "09" / day).rglob("index.html"))
        assert len(pages) == count  # one article a page here
    for n, e in enumerate(entries):
        page = (site / e.path).read_text(encoding="utf-8")
        newer = re.search(r'rel="next" href="([^"]+)"', page)
        older = re.search(r'rel="prev" href="([^"]+)"', page)
        assert (newer is None) == (n == 0) and (older is None) == (n == len(entries) - 1)
        if newer:
            assert newer.group(1).endswith(entries[n - 1].path.rsplit("/", 1)[-1])
        assert 'class="breadcrumbs"' in page and "首頁 Home" in page
    home = (site / "index.html").read_text(encoding="utf-8")
    numbers = re.findall(r'<span class="pager-numbers">(.*?)</span>\n', home, re.S)[0]
    # (numbered from the oldest: page 1 holds the oldest article, the first page the newest)
    assert re.sub(r"<[^>]+>", "", numbers).split() == ["最新", "Latest", "4", "3", "…", "1"]
    assert '<span aria-current="page">最新 Latest</span>' in numbers
    oldest = (site / "page" / "1" / "index.html").read_text(encoding="utf-8")
    assert entries[-1].path.rsplit("/", 1)[-1] in oldest and 'rel="next"' not in oldest
    assert '<span aria-current="page">1</span>' in oldest


def test_new_articles_leave_the_older_list_pages_as_they_were(seed_root, tmp_path):
    """List pages are numbered from the oldest: the newest article, added, changes the first page of
    each list it is in and no numbered page (numbered from the newest, every page moved by one)."""
    import re

    from newsarchive.archive import Archive
    from newsarchive.builder.collect import collect

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    (root / "newsarchive.toml").write_text("page_size = 2\n", encoding="utf-8")
    newest = root / collect(Archive(root)).entries[0].content_file
    held = newest.read_bytes()
    newest.unlink()
    build(root, search=False)
    site = root / "site"
    before = {p: p.read_bytes() for p in site.rglob("page/*/index.html")}
    assert site / "page" / "1" / "index.html" in before
    newest.write_bytes(held)
    build(root, search=False)
    after = {p: p.read_bytes() for p in site.rglob("page/*/index.html")}
    assert after == before
    # (and the first page shows the new article: 5 articles, 2 a page: 3 on the first, 2 on page 1)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.count('class="entry-title"') == 3
    # Undated articles sort last: they follow page 1 on pages of their own, and one more of them
    # leaves the dated pages as they were too.
    text = newest.read_text(encoding="utf-8")
    for n in (1, 2):
        undated = re.sub(r'^date: .*\n', "", text, count=1, flags=re.M).replace('title: "', f'title: "Undated {n} ', 1)
        (newest.parent / f"undated-{n}.md").write_text(undated.replace(".txt\"", f".txt-undated-{n}\"", 1), encoding="utf-8")
        build(root, search=False)
        if n == 1:
            before = {p: p.read_bytes() for p in site.rglob("page/*/index.html")}
    after = {p: p.read_bytes() for p in site.rglob("page/*/index.html")}
    assert {p: b for p, b in after.items() if "undated" not in p.parent.name} == {
        p: b for p, b in before.items() if "undated" not in p.parent.name}
    last = (site / "page" / "undated-1" / "index.html").read_text(encoding="utf-8")
    assert "Undated 1 " in last and "Undated 2 " in last


def _capture(title: str, paragraphs: list[str], date: str) -> str:
    body = "\n\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"---\ntitle: {title}\ndate: {date}\nauthor: 測試社\nfrom: https://news.example/a/123\n---\n\n"
            f"<!--{int(__import__('datetime').datetime.fromisoformat(date).timestamp() * 1000)}-->\n"
            f"[{title}](https://news.example/a/123)\n\n------\n\n{body}\n")


VERSION_TEXT = ["立法會今日三讀通過修訂條例，多名議員在辯論中提出對私隱保障的憂慮。",
                "政府回應會檢討執行細節，並承諾在六個月內提交報告。",
                "有議員表示，條例的執行需要更多的公眾諮詢，以免影響市民的日常生活。"]


def test_versions_of_an_article(tmp_path):
    """Two captures of one URL with an edited title and paragraph: one article in the lists, two
    versions listed on its page (each its own page), the diff shows the edit, both raw files kept
    and verified by check; a third capture identical to the first in text is a duplicate."""
    import re

    from .conftest import ingest_into, run_cli

    incoming = tmp_path / "in"
    incoming.mkdir()
    (incoming / "a-first.md").write_text(_capture("條例三讀通過", VERSION_TEXT, "2021-03-01T10:00:00+08:00"), encoding="utf-8")
    edited = [VERSION_TEXT[0], "政府回應會檢討執行細節，並承諾在三個月內提交報告。", VERSION_TEXT[2]]
    (incoming / "b-later.md").write_text(_capture("條例三讀通過 政府承諾檢討", edited, "2021-03-01T18:00:00+08:00"),
                                         encoding="utf-8")
    (incoming / "c-again.md").write_text(_capture("條例三讀通過", VERSION_TEXT, "2021-03-01T10:00:00+08:00")
                                         .replace("<p>", "<p> "), encoding="utf-8")
    root = tmp_path / "a"
    summary = ingest_into(root, [incoming])
    assert len(summary.ingested) == 2 and summary.duplicates == [("sources/in/c-again.md", "sources/in/a-first.md")]
    build(root, search=False)
    site = root / "site"
    pages = sorted(site.joinpath("articles").rglob("*.html"))
    assert len(pages) == 2  # a page per capture
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "1 篇 articles ·" in home and "政府承諾檢討" in home  # one article in the lists: the latest
    assert re.search(r'First titled: <span lang="zh-Hant">條例三讀通過</span>', home)  # the title changed
    latest = next(p for p in pages if "政府承諾檢討" in p.read_text(encoding="utf-8").split("<h1>")[1][:80])
    html = latest.read_text(encoding="utf-8")
    assert "版本 Versions (2)" in html and "version-notice" not in html
    diff = re.search(r'<ul class="diff"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert "<del>六</del><ins>三</ins>" in diff and "<ins> 政府承諾檢討</ins>" in diff
    earlier = next(p for p in pages if p != latest).read_text(encoding="utf-8")
    assert "version-notice" in earlier and "六個月" in earlier
    for raw in ("a-first.md", "b-later.md", "c-again.md"):
        assert (root / "sources" / "in" / raw).read_bytes() == (incoming / raw).read_bytes()
    assert run_cli("--root", str(root), "check").returncode == 0
    flipped = root / "sources" / "in" / "a-first.md"
    flipped.write_bytes(flipped.read_bytes().replace("六個月".encode(), "七個月".encode()))
    checked = run_cli("--root", str(root), "check")
    assert checked.returncode == 1 and "sources/in/a-first.md" in checked.stderr


def test_full_content_feeds_and_dates_in_the_page_language(seed_root, tmp_path):
    """full_feeds = true: every feed entry carries the article's whole text; lists date every article
    in the page's language (an English article on a Chinese page too), with a 24-hour clock."""
    import re
    import xml.etree.ElementTree as ET

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    (root / "newsarchive.toml").write_text("full_feeds = true\n", encoding="utf-8")
    # No seed names a person (the hkcnews seed's 眾新聞記者 is a staff credit): a curator's byline, by hand.
    hkc = next(p for p in (root / "content").rglob("*.md") if 'outlet: "眾新聞"' in p.read_text(encoding="utf-8"))
    hkc.write_text(hkc.read_text(encoding="utf-8").replace('outlet: "眾新聞"\n', 'outlet: "眾新聞"\nauthors:\n  - "吳婉英"\n', 1),
                   encoding="utf-8")
    build(root, search=False)
    feed = ET.parse(root / "site" / "feed.xml")
    atom = "{http://www.w3.org/2005/Atom}"
    contents = [e.find(f"{atom}content") for e in feed.getroot().iter(f"{atom}entry")]
    assert len(contents) == 5 and all(c is not None and c.get("type") == "html" and "<p>" in c.text for c in contents)
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert '</span><span class="authors">吳婉英</span>' in home  # the byline beside the outlet (its dot is the stylesheet's)
    dates = re.findall(r'<time datetime="[^"]+" lang="([^"]+)">([^<]+)</time>', home)
    assert dates and all(lang == "zh-Hant" and "年" in text and "上午" not in text and "下午" not in text
                         for lang, text in dates), dates


def test_tags_that_mean_one_thing_and_lists_worth_scanning(tmp_path):
    """Tag aliases (data/tag_aliases.toml) and spellings differing in case or spacing are one tag; a
    list item shows outlet, byline and reading time, and a summary that is a sentence, not a URL."""
    import re

    from .conftest import ingest_into

    incoming = tmp_path / "in"
    incoming.mkdir()
    posts = [("RTHK", "Kelly Craft"), ("港台", "kelly  craft"), ("rthk hk", "Kelly Craft")]
    for n, (alias, name) in enumerate(posts):
        (incoming / f"p{n}.md").write_text(
            f"---\ntitle: 測試文章第{n}篇\ndate: 2021-03-0{n + 1}\nauthor: 記者{n}\ntags:\n  - {alias}\n  - {name}\n---\n\n"
            f"https://www.youtube.com/watch?v=abc{n}\n\n"
            + "立法會今日三讀通過修訂條例，多名議員在辯論中提出對私隱保障的憂慮，政府回應會檢討執行細節。" * (n + 1), encoding="utf-8")
    root = tmp_path / "a"
    assert len(ingest_into(root, [incoming]).ingested) == 3
    build(root, search=False)
    tags = sorted(p.parent.name for p in (root / "site" / "tags").glob("*/index.html"))
    assert tags == ["kelly-craft", "香港電台"], tags
    rthk = (root / "site" / "tags" / "香港電台" / "index.html").read_text(encoding="utf-8")
    assert rthk.count('<li class="entry') == 3 and "#香港電台" in rthk
    kelly = (root / "site" / "tags" / "kelly-craft" / "index.html").read_text(encoding="utf-8")
    assert "#Kelly Craft" in kelly  # the most used spelling
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "分鐘 min</span>" in home
    summaries = re.findall(r'<p class="summary">(.*?)</p>', home)
    assert len(summaries) == 3 and all(s.startswith("立法會") for s in summaries), summaries


def test_three_versions_are_compared_every_two(tmp_path):
    """Three captures with three texts: three versions, and what changed between any two of them."""
    import re

    from .conftest import ingest_into

    incoming = tmp_path / "in"
    incoming.mkdir()
    texts = [VERSION_TEXT, [VERSION_TEXT[0], "政府回應會檢討執行細節，並承諾在三個月內提交報告。", VERSION_TEXT[2]],
             [VERSION_TEXT[0], "政府回應會檢討執行細節，並承諾在一個月內提交報告。", VERSION_TEXT[2]]]
    for n, text in enumerate(texts):
        (incoming / f"{n}.md").write_text(_capture("條例三讀通過", text, f"2021-03-0{n + 1}T10:00:00+08:00"),
                                          encoding="utf-8")
    root = tmp_path / "a"
    assert len(ingest_into(root, [incoming]).ingested) == 3
    build(root, search=False)
    pages = sorted((root / "site" / "articles").rglob("*.html"))
    latest = next(p for p in pages if "version-notice" not in p.read_text(encoding="utf-8"))
    html = latest.read_text(encoding="utf-8")
    pairs = re.findall(r"What changed from version (\d) to (\d)", html)
    assert sorted(pairs) == [("1", "2"), ("1", "3"), ("2", "3")] and "<del>六</del><ins>一</ins>" in html


@given(st.integers(min_value=0, max_value=40), st.data())
def test_the_pager_shows_the_ends_and_the_pages_near_the_current_one(count, data):
    """numbered_pages (made from the pages near the current one) equals the rule read off every page:
    the first and last page and those within PAGER_REACH, one ellipsis for each run left out."""
    from newsarchive.builder.render import PAGER_REACH, numbered_pages

    pages = [(n, f"page/{n}/index.html", ()) for n in range(count)]
    current = data.draw(st.integers(min_value=0, max_value=max(count - 1, 0)))
    expected: list = []
    for i, (number, path, _) in enumerate(pages):
        if i in (0, len(pages) - 1) or abs(i - current) <= PAGER_REACH:
            expected.append((number, path))
        elif expected and expected[-1] is not None:
            expected.append(None)
    assert numbered_pages(pages, current) == (expected if count > 1 else [])
