"""The built site: contract of interfaces.md, links that resolve for every reader, feeds, determinism."""
import json
import os
import time
import posixpath
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from newsarchive import check
from newsarchive import page as content_page
from newsarchive import archive as arc
from newsarchive.builder import BuildState, hot, write
from newsarchive.builder.outcome import Built, HotDeclined, LeftOut, Unchanged
from newsarchive.builder.render import rel

from .conftest import DEFAULTS, REPO, build, copy_tree, run_cli

GOLDEN_SITE = Path(__file__).resolve().parent / "golden" / "site"
# The search lookup table (its fold table is OpenCC's) is tested by test_search.py, the vendored
# converters (copied as they are from the package) by test_reader.py; the golden copy covers every
# other file, the search page and index included.
NOT_GOLDEN = ("search/meta.js", "assets/vendor/")


@pytest.fixture(scope="module")
def built(seed_root, tmp_path_factory):
    root = tmp_path_factory.mktemp("built")
    copy_tree(seed_root, root / "a")
    build(root / "a")
    return root / "a"


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_site_equals_golden(built):
    got = {k: v for k, v in _files(built / "site").items() if not k.startswith(NOT_GOLDEN)}
    want = _files(GOLDEN_SITE)
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name


def test_contract_files_exist(built):
    for name in ("index.html", "feed.xml", "sitemap.xml", "404.html", "search/index.html", "robots.txt"):
        assert (built / "site" / name).is_file(), name


def test_every_internal_link_resolves(built):
    assert check.link_problems(arc.Archive(built)) == []


def test_under_a_subpath_base_url(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    result = run_cli("--root", str(root), "build", "--base-url", "https://example.org/archive/")
    assert result.returncode == 0, result.stderr
    assert check.link_problems(arc.Archive(root)) == []
    feed = (root / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "https://example.org/archive/articles/" in feed
    sitemap = ET.parse(root / "site" / "sitemap.xml").getroot()
    locs = {u.text for u in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for page in (root / "site" / "articles").rglob("*.html"):
        assert "https://example.org/archive/" + page.relative_to(root / "site").as_posix() in locs
        assert '<link rel="canonical" href="https://example.org/archive/articles/' in page.read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/archive/sitemap.xml" in (root / "site" / "robots.txt").read_text()
    for page in (root / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if page.name == "404.html" and page.parent == root / "site":  # served at any path: from the base path
            assert re.search(r'href="/archive/assets/style\.[0-9a-f]+\.css"', html), html
            continue
        assert not re.search(r'(?:href|src)="/(?!/)', html), page  # no root-absolute internal links


def test_article_pages_carry_their_language_and_one_article(built):
    for page in (built / "site" / "articles").rglob("*.html"):
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        articles = tree.css("article")
        assert len(articles) == 1
        assert tree.css_first("html").attributes["lang"] in ("zh-Hant", "zh-Hans")
        assert "克拉夫特" in articles[0].text() or "Craft" in articles[0].text()
    for page in (built / "site").rglob("*.html"):
        if "articles/" not in page.relative_to(built / "site").as_posix():
            assert "<article" not in page.read_text(encoding="utf-8"), page


def test_no_inline_handlers_or_javascript_urls(built):
    for page in (built / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"\son\w+\s*=", html), page
        assert "javascript:" not in html, page


def test_feed_is_atom_and_sitemap_lists_every_article(built):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(built / "site" / "feed.xml").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert len(feed.findall("a:entry", ns)) == 5
    assert all(e.find("a:title", ns).text and e.find("a:updated", ns).text for e in feed.findall("a:entry", ns))
    sitemap = ET.parse(built / "site" / "sitemap.xml").getroot()
    # Built without a base URL: no absolute URL is made up (no localhost anywhere), links are relative.
    assert not list(sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"))
    for entry in feed.findall("a:entry", ns):
        href = entry.find("a:link", ns).attrib["href"]
        assert href.startswith("articles/") and (built / "site" / unquote(href)).is_file()
    assert not [p for p in (built / "site").rglob("*") if p.is_file() and b"localhost" in p.read_bytes()]


def test_json_ld_is_a_news_article_based_on_the_original(built):
    for page in (built / "site" / "articles").rglob("*.html"):
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        data = json.loads(tree.css_first('script[type="application/ld+json"]').text())
        assert data["@type"] == "NewsArticle" and data["headline"] and data["inLanguage"]
        if "ab26367d" not in page.name:  # the NTDTV plain-text seed has no original URL
            assert data["isBasedOn"].startswith("http")
    hk = next((built / "site" / "articles").rglob("*8f261365.html"))
    data = json.loads(LexborHTMLParser(hk.read_text(encoding="utf-8")).css_first(
        'script[type="application/ld+json"]').text())
    assert data["archivedAt"].startswith("https://web.archive.org/web/20201020052559/")


def test_build_is_deterministic(built, tmp_path):
    root = tmp_path / "b"
    shutil.copytree(built, root)
    shutil.rmtree(root / ".newsarchive-cache")  # every page rendered again, none kept
    first = _files(root / "site")
    build(root)
    assert _files(root / "site") == first


def _clean_build(root: Path, where: Path) -> dict[str, bytes]:
    """The same archive built from nothing (no site, no cache)."""
    shutil.copytree(root, where, ignore=shutil.ignore_patterns("site", ".newsarchive-cache"))
    build(where)
    return _files(where / "site")


def test_incremental_rebuild_equals_a_clean_build(built, tmp_path):
    root = tmp_path / "inc"
    shutil.copytree(built, root)
    build(root)
    inode = {p.relative_to(root / "site").as_posix(): p.stat().st_ino for p in (root / "site").rglob("*.html")}
    # One title edited: that article, the pages listing it and its same-story neighbours change.
    page = sorted((root / "content").rglob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace('title: "', 'title: "EDITED ', 1), encoding="utf-8")
    build(root)
    assert _files(root / "site") == _clean_build(root, tmp_path / "clean1")
    kept = [p for p, ino in inode.items() if (root / "site" / p).stat().st_ino == ino]
    assert "404.html" in kept and "search/index.html" in kept  # unchanged pages linked, not rendered
    assert not any(p.startswith("articles/") for p in kept)  # every seed names the edited one as same story
    # A layout edited: the site-wide key changes, every page is rendered again, as a clean build would.
    (root / "layouts").mkdir()
    source = (DEFAULTS / "layouts" / "article.html").read_text(encoding="utf-8")
    (root / "layouts" / "article.html").write_text(source.replace("</h1>", "</h1><!-- v2 -->", 1), encoding="utf-8")
    build(root)
    assert _files(root / "site") == _clean_build(root, tmp_path / "clean2")
    assert all("<!-- v2 -->" in p.read_text(encoding="utf-8") for p in (root / "site" / "articles").rglob("*.html"))


def test_new_articles_rerender_only_the_pages_that_show_them(corpus_run, tmp_path):
    """Articles added (a day's new reports) change their own pages, their neighbours', the lists and
    feeds that show them, and what their same story links: not every page (no page shows the
    archive's size but the home page). The site equals a clean build's."""
    root = tmp_path / "grow"
    shutil.copytree(corpus_run[0] / "content", root / "content")
    build(root, search=False)
    inode = {p.relative_to(root / "site").as_posix(): p.stat().st_ino for p in (root / "site").rglob("*.html")}
    newest = max((p for p in (root / "content").rglob("*.md")), key=lambda p: re.search(
        r'^date: "([^"]*)"', p.read_text(encoding="utf-8"), re.M).group(1) if re.search(
        r'^date: "', p.read_text(encoding="utf-8"), re.M) else "")
    text = newest.read_text(encoding="utf-8")
    for n in (1, 2):
        added = re.sub(r'^date: "[^"]*"', f'date: "2099-01-0{n}"', text.replace('title: "', f'title: "NEW {n} ', 1),
                       count=1, flags=re.M)
        (newest.parent / f"added-{n}-{newest.name}").write_text(added, encoding="utf-8")
    build(root, search=False)
    assert _files(root / "site") == _clean_build_without_search(root, tmp_path / "clean")
    articles = [p for p in inode if p.startswith("articles/")]
    kept = [p for p in articles if (root / "site" / p).exists() and (root / "site" / p).stat().st_ino == inode[p]]
    assert len(kept) >= 0.9 * len(articles), (len(kept), len(articles))
    assert "index.html" not in kept


def test_a_broken_layout_leaves_the_last_good_site(built, tmp_path):
    root = tmp_path / "c"
    shutil.copytree(built, root)
    before = _files(root / "site")
    (root / "layouts").mkdir()
    (root / "layouts" / "article.html").write_text("{% extends 'base.html' %}{% block main %}{{ oops( }}{% endblock %}",
                                                   encoding="utf-8")
    result = run_cli("--root", str(root), "build")
    assert result.returncode == 1 and "layout error" in result.stderr and "Traceback" not in result.stderr
    assert _files(root / "site") == before


def test_a_search_cache_that_cannot_be_written_costs_only_speed(built, tmp_path):
    """The index is kept in the cache; where the cache cannot be written (a file stands where its
    folder goes) the build still writes the same index into the site as a build that keeps it."""
    made = {}
    for name, writable in (("c", False), ("d", True)):
        root = tmp_path / name
        shutil.copytree(built, root)
        cache = root / ".newsarchive-cache" / "search"
        shutil.rmtree(cache)
        if not writable:
            cache.write_bytes(b"not a folder")
        page = next((root / "content").rglob("*.md"))
        page.write_bytes(page.read_bytes().replace(b'title: "', b'title: "touched ', 1))
        assert run_cli("--root", str(root), "build").returncode == 0
        made[name] = _files(root / "site" / "search")
        assert cache.is_dir() == writable
    assert made["c"] == made["d"] and any(name.startswith("ix/") for name in made["c"])


def test_no_change_rebuild_does_nothing_and_an_edit_rebuilds(built, tmp_path, monkeypatch):
    """And the built site is walked (every file's stat: ~2 s at 100 000 articles) only to tell that
    nothing changed when the inputs are the last build's - on the other core, while content/ is
    walked for the fingerprint (aside.py), not in the building process: after an edit committed in
    place, the new site is recorded from the commit's own walk, after a swap from each file's stat
    as it was written (the state equals a walk's, either way)."""
    from newsarchive.builder import aside, fingerprint

    root = tmp_path / "d"
    shutil.copytree(built, root)
    build(root)  # the copy has a new path: one full build records its fingerprint
    assert isinstance(build(root), Unchanged)
    page = next((root / "content").rglob("*.md"))
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('title: "', 'title: "EDITED ', 1), encoding="utf-8")
    walks, sums = [], []
    real, real_sum = fingerprint.site_files, aside.Aside.walked_sum
    monkeypatch.setattr(fingerprint, "site_files", lambda site: walks.append(1) or real(site))
    monkeypatch.setattr(aside.Aside, "walked_sum", lambda self: sums.append(1) or real_sum(self))
    monkeypatch.setattr(write, "IN_PLACE_SHARE", 1.0)  # (five articles: an edit changes most of the pages)
    report = build(root)
    assert isinstance(report, Built) and report.articles == 5 and walks == []
    assert any("EDITED" in p.read_text(encoding="utf-8") for p in (root / "site" / "articles").rglob("*.html"))
    recorded = json.loads((root / ".newsarchive-cache" / "build.json").read_text())["data"]["site"]
    assert recorded == fingerprint.site_state(arc.Archive(root)) and len(walks) == 1
    before = len(sums)
    assert isinstance(build(root), Unchanged) and len(walks) == 1 and len(sums) == before + 1
    monkeypatch.setattr(write, "IN_PLACE_SHARE", 0.0)
    page.write_text(text.replace('title: "', 'title: "AGAIN ', 1), encoding="utf-8")
    assert isinstance(build(root), Built) and len(walks) == 1  # (swapped in whole: recorded as written)
    recorded = json.loads((root / ".newsarchive-cache" / "build.json").read_text())["data"]["site"]
    assert recorded == fingerprint.site_state(arc.Archive(root)) and len(walks) == 2
    before = len(sums)
    assert isinstance(build(root), Unchanged) and len(walks) == 2 and len(sums) == before + 1
    (root / "site" / "index.html").write_text("changed by hand", encoding="utf-8")
    # (the aside's sum told it; swapped in whole: recorded as written)
    assert isinstance(build(root), Built) and len(walks) == 2
    recorded = json.loads((root / ".newsarchive-cache" / "build.json").read_text())["data"]["site"]
    assert recorded == fingerprint.site_state(arc.Archive(root)) and len(walks) == 3
    assert "changed by hand" not in (root / "site" / "index.html").read_text(encoding="utf-8")

def test_a_content_page_whose_name_is_not_utf8_is_left_out_with_one_line(built, tmp_path):
    """Its name would be its article's address (hashed, written, linked): the build leaves it out and
    names it (bytes that are not UTF-8 shown as U+FFFD) with why, builds the rest, and `check` names it
    too - no traceback (the fingerprint, then same story, raised UnicodeEncodeError on it)."""
    import subprocess
    import sys

    root = tmp_path / "g"
    shutil.copytree(built, root)
    page = next((root / "content").rglob("*.md"))
    bad = os.fsencode(page.parent) + b"/caf\xe9 \xff.md"
    with open(bad, "wb") as fh:
        fh.write(page.read_bytes())
    outcome = build(root)
    shown = f"{page.parent.relative_to(root).as_posix()}/caf\ufffd \ufffd.md"
    assert isinstance(outcome, LeftOut) and outcome.problems == ((shown, arc.NOT_UTF8_PAGE),)
    assert outcome.articles == 5
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build"],
                            capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr and f"{shown}: left out of the site" in result.stderr
    assert (shown, arc.NOT_UTF8_PAGE) in check.content_problems(arc.Archive(root))[0]



def test_a_build_with_nothing_to_do_does_not_load_the_pipeline(built, tmp_path):
    """Nothing changed: the answer comes from the fingerprint alone, without importing the renderer,
    the same-story comparison or the ingest pipeline (that import was most of its time) - but while
    content/ is walked aside for the fingerprint (content_aside.py), when it is: the building process
    waits for that walk, and a build with something to do needs the import next."""
    import subprocess
    import sys

    root = tmp_path / "f"
    shutil.copytree(built, root)
    build(root)
    probe = ("import sys; from newsarchive import builder, cli; real = builder._content; loaded = []; "
             "names = lambda: sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'jinja2', 'markdown_it') "
             "or m in ('newsarchive.builder.make', 'newsarchive.ingest')); "
             "builder._content = lambda *a: loaded.append(names()) or real(*a) if sys.argv[2] == 'aside' else (None, None); "
             "code = cli.main(['--root', sys.argv[1], 'build']); "
             "print(code, loaded == [[]], 'newsarchive.builder.make' in names(), 'newsarchive.ingest' in names())")
    from newsarchive import forked

    for walk, imported in (("aside", str(forked.cores() > 1)), ("here", "False")):  # (one core: no walk aside)
        out = subprocess.run([sys.executable, "-c", probe, str(root), walk], capture_output=True, text=True, cwd=REPO,
                             timeout=120).stdout.splitlines()
        assert out == ["site is up to date: nothing changed since the last build",
                       f"0 {walk == 'aside'} {imported} False"], walk


def test_hand_named_content_files_still_link(built, tmp_path):
    root = tmp_path / "e"
    shutil.copytree(built, root)
    page = next((root / "content").rglob("*.md"))
    page.rename(page.with_name("curator's note #1? 100%.md"))
    build(root)
    assert check.link_problems(arc.Archive(root)) == []
    assert (root / "site" / "articles" / page.parent.relative_to(root / "content") / "curator's note #1? 100%.html").is_file()


_SEGMENTS = st.sampled_from(["articles", "2020", "09", "index.html", "a.html", "notes #1?.html", "台灣", "x y", "page"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_SEGMENTS, min_size=1, max_size=5), st.lists(_SEGMENTS, min_size=1, max_size=5))
def test_relative_links_are_posix_relpath(source, target):
    """render.rel works on the strings alone (for speed); it must agree with posixpath.relpath."""
    from_path, to_path = "/".join(source), "/".join(target)
    expected = posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")
    assert unquote(rel(from_path, to_path)) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(_SEGMENTS, min_size=1, max_size=5), st.lists(st.lists(_SEGMENTS, min_size=1, max_size=5), max_size=8))
def test_relative_links_from_one_page_to_many_are_rel_s(source, targets):
    """render.rel_all (search's meta.js links every article from one page) gives rel's answers."""
    from newsarchive.builder.render import rel_all

    from_path, to_paths = "/".join(source), ["/".join(t) for t in targets]
    assert rel_all(from_path, to_paths) == [rel(from_path, p) for p in to_paths]


_SEGMENTS_TO_ESCAPE = st.sampled_from(["articles", "tags", "a&b", 'q"t', "<i>", "x y", "台灣", "index.html", "'s"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_SEGMENTS | _SEGMENTS_TO_ESCAPE, min_size=1, max_size=5),
       st.lists(_SEGMENTS | _SEGMENTS_TO_ESCAPE, min_size=1, max_size=5),
       st.sampled_from([None, "/", "/sub/", "/a&b/"]))
def test_list_items_links_are_the_pages_urls_escaped(source, target, root):
    """render._Hrefs (a list item's links, from the page's folder) gives escape(url(target)) of the
    page's url: relative to its folder, or from the base URL's path for a page served anywhere."""
    from markupsafe import escape

    from newsarchive.builder.render import _Hrefs, url_path

    from_path, to_path = "/".join(source), "/".join(target)
    url = root + url_path(to_path) if root is not None else rel(from_path, to_path)
    assert _Hrefs(root, posixpath.dirname(from_path)).of(to_path) == str(escape(url))


_JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(min_value=-(1 << 70), max_value=1 << 70)
                            | st.text(alphabet=st.characters(blacklist_categories=()), max_size=12)
                            | st.sampled_from(["</script>", "a&b", "\u2028\u2029", "\x00\x1f\x7f", "𫜮台灣", "\ud800"]),
                            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                            max_leaves=20)


@settings(max_examples=500, deadline=None)
@given(_JSON_VALUES)
def test_compact_script_json_is_script_json(value):
    """render.compact_script_json (orjson, json where orjson refuses) writes script_json's compact text."""
    from newsarchive.builder.render import compact_script_json, script_json

    assert compact_script_json(value) == script_json(value, separators=(",", ":"))


def test_hot_pass_replaces_only_what_an_edit_touches(built, tmp_path):
    """serve's hot pass: the edited article and the lists showing it are replaced in place, each as a
    full build writes it; only same-story links and the search index wait for the full build, which
    then equals a clean build (also after the edit is reverted: no stale key vouches for a file)."""
    root = tmp_path / "hot"
    shutil.copytree(built, root)
    state = BuildState()
    build(root, state=state)  # the copy has a new path: one full build records its page keys
    lock = threading.Lock()
    before = _files(root / "site")
    page = sorted((root / "content").rglob("*.md"))[0]
    original = page.read_text(encoding="utf-8")
    page.write_text(original.replace('title: "', 'title: "EDITED ', 1), encoding="utf-8")
    report = hot(arc.Archive(root), {page}, lock, state)
    assert isinstance(report, Built)
    after = _files(root / "site")
    clean = _clean_build(root, tmp_path / "clean1")
    written = {k for k in after if after[k] != before.get(k)}
    article = "articles/" + page.relative_to(root / "content").with_suffix(".html").as_posix()
    assert {article, "index.html", "feed.xml"} <= written
    assert all(after[k] == clean[k] for k in written)
    stale = {k for k in after if after[k] != clean.get(k)}
    assert stale - {article} and all(k.startswith(("search/", "articles/")) for k in stale)
    assert all(b"EDITED" in clean[k] and b"EDITED" not in after[k] for k in stale if k.startswith("articles/"))
    page.write_text(original, encoding="utf-8")  # reverted: the files the hot pass wrote must not be kept
    build(root)
    assert _files(root / "site") == before
    page.write_text(original.replace('title: "', 'title: "EDITED ', 1), encoding="utf-8")
    hot(arc.Archive(root), {page}, lock, state)
    build(root)
    assert _files(root / "site") == clean


def test_hot_pass_declines_what_changes_the_whole_site(built, tmp_path):
    """A new article changes counts every page shows: the hot pass leaves it to a quick build."""
    root = tmp_path / "hot2"
    shutil.copytree(built, root)
    state = BuildState()
    build(root, state=state)
    page = sorted((root / "content").rglob("*.md"))[0]
    twin = page.with_name("twin.md")
    twin.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    before = _files(root / "site")
    assert isinstance(hot(arc.Archive(root), {twin}, threading.Lock(), state), HotDeclined)
    assert _files(root / "site") == before


def test_hot_pass_after_a_date_edit_reorders_the_lists(built, tmp_path):
    """A new date moves the article in every list (the site changes shape): the lists are keyed and
    rendered again as a full build would."""
    root = tmp_path / "hot3"
    shutil.copytree(built, root)
    state = BuildState()
    build(root, state=state)
    before = _files(root / "site")
    page = sorted((root / "content").rglob("*.md"))[0]
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r'^date: "[^"]*"', 'date: "2021-01-02T03:04:05+00:00"', text, count=1, flags=re.M),
                    encoding="utf-8")
    assert not isinstance(hot(arc.Archive(root), {page}, threading.Lock(), state), HotDeclined)
    after = _files(root / "site")
    clean = _clean_build(root, tmp_path / "clean")
    written = {k for k in after if after[k] != before.get(k)}
    assert {"index.html", "archive/index.html", "archive/2021/01/index.html"} <= written  # a new month
    # Same story is compared within a date window, so the new date may change the article's links;
    # the hot pass keeps the last full build's links (the full build after it brings them up to date).
    assert [k for k in written if _without_links(after[k]) != _without_links(clean.get(k))] == []
    assert {k for k in clean if k not in after} <= {k for k in clean if k.startswith("search/")}
    build(root)
    assert _files(root / "site") == clean


def _without_links(page: bytes | None) -> bytes | None:
    """An article page without its same-story and related-coverage sections."""
    return re.sub(rb'<section class="related[^"]*".*?</section>\n', b"", page, flags=re.S) if page else page


class _Pooled(NamedTuple):
    """A forked.Pool as it was asked for."""

    handed: object
    options: dict
    frozen: int  # objects frozen out of the cycle collector as it was made (gc.get_freeze_count)


def _recording_pools(monkeypatch) -> list[_Pooled]:
    """Every forked.Pool made from now on (the build's pools and the readers', one module's class)."""
    import gc

    from newsarchive import forked

    made, real = [], forked.Pool

    def pool(handed, **options):
        made.append(_Pooled(handed, options, gc.get_freeze_count()))
        return real(handed, **options)

    monkeypatch.setattr(forked, "Pool", pool)
    return made


def _kind(handed) -> str:
    """What a pool was handed: "entries" (the site's), or the name of its type."""
    from newsarchive.builder.collect import Entry

    return "entries" if isinstance(handed, tuple) and handed and isinstance(handed[0], Entry) else type(handed).__name__


def test_article_pages_are_made_from_their_tasks_and_the_page_maker_not_the_site(seed_root, tmp_path, monkeypatch):
    """On the pool of an archive past FORK_UP_TO, article pages are made by fresh processes handed the
    PageMaker, which holds no article, from tasks holding their own articles and, of every other
    article, its Linked fields only (not its text or provenance); the site equals one made in this
    process."""
    import pickle

    from newsarchive.builder import parallel
    from newsarchive.builder.collect import Entry
    from newsarchive.builder.render import Linked, PageMaker

    tasks, real_tasks = [], parallel._render_tasks

    def render_tasks(*args):
        for task in real_tasks(*args):
            tasks.append(task)
            yield task

    for name in ("pool", "here"):
        shutil.copytree(seed_root / "content", tmp_path / name / "content")
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "FORK_UP_TO", 0)
    monkeypatch.setattr(parallel, "CHUNK", 1)  # (a task of each article: what it carries of the others)
    handed = _recording_pools(monkeypatch)
    monkeypatch.setattr(parallel, "_render_tasks", render_tasks)
    articles = build(tmp_path / "pool", search=False).articles
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10 ** 9)
    build(tmp_path / "here", search=False)
    assert _files(tmp_path / "pool" / "site") == _files(tmp_path / "here" / "site")

    makers = [(pooled.handed, pooled.options) for pooled in handed if isinstance(pooled.handed, PageMaker)]
    assert len(makers) == 1 and makers[0][1] == {"fresh": True}
    pages = [(entry, shows) for chunk, _folder in tasks for entry, _body, shows in chunk]
    assert sorted(e.path for e, _ in pages) == sorted({e.path for e, _ in pages}) and len(pages) == articles
    maker = pickle.dumps(makers[0][0])
    assert not any(e.title.encode("utf-8") in maker for e, _ in pages)
    # (nor the chrome the list pages made before it was handed over: each worker makes its own)
    assert makers[0][0]._chrome and b'<header class="site-header"' not in maker and pickle.loads(maker)._chrome == {}
    for entry, shows in pages:
        linked = [*shows.links.same, *shows.links.coverage, *shows.neighbours]
        assert all(isinstance(other, Linked) for other in linked if other is not None)
        assert all(isinstance(v, Entry) for v in shows.versions)
    assert any(shows.links.same or shows.links.coverage for _, shows in pages)  # (the seeds link each other)
    assert len(tasks) == articles
    for chunk, _folder in tasks:
        carried = pickle.dumps(chunk)
        own = {e.path for e, _, shows in chunk} | {v.path for _, _, shows in chunk for v in shows.versions}
        for entry, _ in pages:
            if entry.path not in own:
                assert entry.body_md[:200].encode("utf-8") not in carried


def test_up_to_fork_up_to_article_pages_are_made_by_forked_workers_named_their_articles(seed_root, tmp_path, monkeypatch):
    """Up to FORK_UP_TO articles, the article pages' workers are forked once same story has answered,
    handed the renderer itself (nothing pickled), and each task names its articles by their numbers;
    the parent's objects are frozen out of the cycle collector only while they fork. The site equals
    one made in this process, and one made by fresh workers."""
    import gc

    from newsarchive.builder import parallel
    from newsarchive.builder.render import Renderer

    tasks, real_pool = [], parallel.forked.Pool
    real_imap = real_pool.imap

    def imap(self, function, items, chunksize=1):
        items = list(items)
        tasks.extend((function, item) for item in items)
        return real_imap(self, function, items, chunksize)

    for name in ("forked", "fresh", "here"):
        shutil.copytree(seed_root / "content", tmp_path / name / "content")
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    monkeypatch.setattr(real_pool, "imap", imap)
    handed = _recording_pools(monkeypatch)
    articles = build(tmp_path / "forked", search=False).articles
    renderers = [pooled for pooled in handed if isinstance(pooled.handed, Renderer)]
    assert len(renderers) == 1 and renderers[0].options == {} and renderers[0].frozen > 0
    assert gc.get_freeze_count() == 0
    named = [item for function, item in tasks if function is parallel._render_numbered]
    assert sorted(n for numbers, _folder in named for n in numbers) == list(range(articles))
    assert all(len(numbers) <= 2 and all(type(n) is int for n in numbers) for numbers, _folder in named)
    monkeypatch.setattr(parallel, "FORK_UP_TO", 0)
    build(tmp_path / "fresh", search=False)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10 ** 9)
    build(tmp_path / "here", search=False)
    assert _files(tmp_path / "forked" / "site") == _files(tmp_path / "fresh" / "site") == _files(tmp_path / "here" / "site")


def test_article_pages_start_once_same_story_has_answered_the_lists_going_on_beside_them(seed_root, tmp_path,
                                                                                          monkeypatch):
    """On a first build whose article pages are made on a pool, the lists stop being made first once
    same story's process has answered: its workers start, and the lists not yet made are made beside
    them. The site is the one made with every list first, and the one made in one process."""
    from newsarchive.builder import parallel, related
    from newsarchive.builder.render import Renderer

    for name in ("early", "lists first", "here"):
        shutil.copytree(seed_root / "content", tmp_path / name / "content")
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(related, "BACKGROUND_FROM", 1)
    started, lists_after, real_pool, real_listing = [], [], parallel._forked_pool, Renderer.listing

    def forked_pool(handed):
        started.append(True)
        return real_pool(handed)

    def listing(self, *args, **kwargs):
        lists_after.append(bool(started))
        return real_listing(self, *args, **kwargs)

    monkeypatch.setattr(parallel, "_forked_pool", forked_pool)
    monkeypatch.setattr(Renderer, "listing", listing)
    real_answered = related.SameStory.answered
    monkeypatch.setattr(related.SameStory, "answered", lambda self: real_answered(self) or self._job[1].poll(60))
    build(tmp_path / "early", search=False)
    assert started and lists_after[0] is False and lists_after[-1] is True  # (lists made on both sides of it)
    started.clear(), lists_after.clear()
    monkeypatch.setattr(related.SameStory, "answered", lambda self: False)
    build(tmp_path / "lists first", search=False)
    assert started and lists_after and not any(lists_after)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10 ** 9)
    monkeypatch.setattr(related, "BACKGROUND_FROM", 10 ** 9)
    build(tmp_path / "here", search=False)
    assert _files(tmp_path / "early" / "site") == _files(tmp_path / "lists first" / "site") == _files(tmp_path / "here" / "site")


def test_article_pages_are_not_forked_beside_a_thread_not_the_builds(seed_root, tmp_path, monkeypatch):
    """A process running other threads than the build's own (serve's server) gets fresh workers: a
    fork copies the calling thread alone, and a lock another thread held would stay held."""
    import threading

    from newsarchive.builder import parallel

    handed = _recording_pools(monkeypatch)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    shutil.copytree(seed_root / "content", tmp_path / "content")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, name="serve-like")
    other.start()
    try:
        build(tmp_path, search=False)
    finally:
        stop.set()
        other.join()
    kinds = [(_kind(pooled.handed), pooled.options) for pooled in handed]
    assert ("PageMaker", {"fresh": True}) in kinds and not any(kind == "Renderer" for kind, _ in kinds)


def test_a_cold_build_across_processes_equals_one_made_in_process(corpus_run, tmp_path, monkeypatch):
    """At corpus size a cold build makes article bodies ahead on a pool, compares same-story in a
    child and renders articles across cores, its workers forked (and fresh, as past FORK_UP_TO); all
    of it in one process must give the same site. A first build's bodies' workers are forked before
    any other pool (before the pages are read), handed nothing: their tasks carry the markdown."""
    from newsarchive.builder import parallel, related

    corpus_root, _summary = corpus_run
    for name in ("parallel", "fresh", "serial"):
        shutil.copytree(corpus_root / "content", tmp_path / name / "content")
    ahead: list[int] = []
    monkeypatch.setattr(parallel, "BodiesAhead", _counting_pools(parallel.BodiesAhead, ahead))
    made = _recording_pools(monkeypatch)
    assert build(tmp_path / "parallel", search=False).articles >= parallel.PARALLEL_FROM
    forked_pools = [(_kind(pooled.handed), pooled.options.get("fresh", False)) for pooled in made]
    made.clear()
    monkeypatch.setattr(parallel, "FORK_UP_TO", 0)
    build(tmp_path / "fresh", search=False)
    pools = [(_kind(pooled.handed), pooled.options.get("fresh", False)) for pooled in made]
    assert len(ahead) == 2 and min(ahead) >= parallel.PARALLEL_FROM  # (bodies made ahead, on each pool)
    assert {("NoneType", False), ("Renderer", False)} <= set(forked_pools) and not any(f for _, f in forked_pools)
    assert forked_pools[0] == ("NoneType", False)  # (the first pool: before the pages are read)
    assert {("NoneType", True), ("PageMaker", True)} <= set(pools) and not {"entries", "Renderer"} & {k for k, _ in pools}
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10 ** 9)
    monkeypatch.setattr(related, "BACKGROUND_FROM", 10 ** 9)
    build(tmp_path / "serial", search=False)
    assert _files(tmp_path / "parallel" / "site") == _files(tmp_path / "fresh" / "site") == _files(tmp_path / "serial" / "site")


def test_a_full_render_takes_the_bodies_the_last_one_stored(corpus_run, tmp_path, monkeypatch):
    """A cold build stores every body's HTML; the next build that renders every article page (a
    layout edit) takes them instead of making them, except a body edited since, and equals a
    clean build. A store of another version (other markdown settings) is not taken."""
    import json

    from newsarchive.builder import bodies, parallel

    root = tmp_path / "store"
    shutil.copytree(corpus_run[0] / "content", root / "content")
    assert build(root, search=False).articles >= parallel.PARALLEL_FROM
    store = root / ".newsarchive-cache" / bodies.STORE
    stored = json.loads(store.read_text(encoding="utf-8"))
    pages = sorted((root / "content").rglob("*.md"))
    assert len(stored["data"]) == len({content_page.split(p.read_text(encoding="utf-8"))[1] for p in pages})

    made_ahead: list[int] = []
    real = parallel.BodiesAhead
    monkeypatch.setattr(parallel, "BodiesAhead", _counting_pools(real, made_ahead))
    edited = pages[len(pages) // 2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA sentence added by the curator.\n", encoding="utf-8")
    (root / "layouts").mkdir()
    source = (DEFAULTS / "layouts" / "article.html").read_text(encoding="utf-8")
    (root / "layouts" / "article.html").write_text(source.replace("</h1>", "</h1><!-- v2 -->", 1), encoding="utf-8")
    build(root, search=False)
    assert made_ahead == []  # every body but the edited one came from the store; that one with its page
    after = _files(root / "site")
    assert any(b"A sentence added by the curator." in data for data in after.values())
    monkeypatch.setattr(parallel, "BodiesAhead", real)
    assert after == _clean_build_without_search(root, tmp_path / "clean")

    monkeypatch.setattr(parallel, "BodiesAhead", _counting_pools(real, made_ahead))
    stored = json.loads(store.read_text(encoding="utf-8"))
    store.write_text(json.dumps(dict(stored, version="other settings")), encoding="utf-8")
    (root / "layouts" / "article.html").write_text(source.replace("</h1>", "</h1><!-- v3 -->", 1), encoding="utf-8")
    build(root, search=False)
    assert made_ahead == [len(pages)]


def _counting_pools(real, made: list[int]):
    """parallel.BodiesAhead, noting how many bodies each one that starts a pool is to make."""
    def counted(entries, numbers, found, early=None):
        if numbers:
            made.append(len(numbers))
        return real(entries, numbers, found, early)
    return counted


def test_a_few_pages_make_their_bodies_rather_than_read_the_store(corpus_run, tmp_path, monkeypatch):
    """The body store holds every article's body: reading it is worth it only for a good share of
    the archive's pages (at 100 000 articles it cost ~3 s to re-render a day's). Below that share the
    pages make their bodies; above it they take the stored ones; either way the site is a clean build's."""
    from newsarchive.builder import bodies

    assert bodies.worth_reading(300, 1_000) and not bodies.worth_reading(300, 100_000)
    root = tmp_path / "store"
    shutil.copytree(corpus_run[0] / "content", root / "content")
    build(root, search=False)
    reads = []
    real = bodies.BodyStore._read
    monkeypatch.setattr(bodies.BodyStore, "_read", lambda self: reads.append(1) or real(self))
    monkeypatch.setattr(bodies, "STORE_FROM", 1)
    pages = sorted((root / "content").rglob("*.md"))
    for n, share in enumerate((bodies.STORE_SHARE, 0.0)):
        monkeypatch.setattr(bodies, "STORE_SHARE", share)
        edited = pages[len(pages) // 2 + n]
        edited.write_text(edited.read_text(encoding="utf-8").replace('title: "', 'title: "Edited ', 1), encoding="utf-8")
        reads.clear()
        build(root, search=False)
        assert len(reads) == n  # (a few pages of ~280: under a tenth, then any share)
        assert _files(root / "site") == _clean_build_without_search(root, tmp_path / f"clean-{n}")


def _clean_build_without_search(root: Path, where: Path) -> dict[str, bytes]:
    shutil.copytree(root, where, ignore=shutil.ignore_patterns("site", ".newsarchive-cache"))
    build(where, search=False)
    return _files(where / "site")


def test_every_page_has_the_sites_icon_and_manifest(built):
    site = built / "site"
    manifest = json.loads((site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] and manifest["start_url"] == "index.html"
    assert all((site / icon["src"]).is_file() and icon["type"] == "image/svg+xml" for icon in manifest["icons"])
    for page in site.rglob("*.html"):
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        icon = tree.css_first('link[rel="icon"]').attributes["href"]
        assert (page.parent / unquote(icon)).resolve().is_file() or page.name == "404.html"
        assert tree.css_first('link[rel="manifest"]') is not None


def test_a_page_deleted_or_edited_in_site_is_made_again(built, tmp_path):
    """The build notices its outputs, not only its inputs: a page removed from site/ or edited there
    by hand is rendered again by the next build (and only then does it say "up to date")."""
    root = tmp_path / "outputs"
    shutil.copytree(built, root)
    build(root)  # the copy has a new path: one full build records its fingerprint and page keys
    assert isinstance(build(root), Unchanged)
    (root / "site" / "outlets" / "index.html").unlink()
    article = next((root / "site" / "articles").rglob("*.html"))
    article.write_text(article.read_text(encoding="utf-8").replace("<h1>", "<h1>TAMPERED ", 1), encoding="utf-8")
    assert isinstance(build(root), Built)
    assert _files(root / "site") == _clean_build(root, tmp_path / "clean")
    assert isinstance(build(root), Unchanged)


def test_a_build_keeps_pages_by_a_walk_of_site_made_aside(seed_root, tmp_path, monkeypatch):
    """A build that keeps pages of the last site walks site/ on a process of its own (aside.py): the
    memo checks kept pages against that walk, the commit compares with it, and the site's recorded
    state is worked out from the walk's sum and the files the commit changed - the state a walk of
    the new site gives, so a build with nothing changed then does nothing. An article page edited by
    hand in site/ (the build runs for that alone) is made again, the others kept, and so is a list
    page - checked against the walk as soon as it has come, not by a stat of its own. An aside that
    dies leaves all of it to the building process: the same site."""
    from newsarchive.builder import aside, fingerprint, memo

    walks, stats = [], []
    real_walked, real_intact = aside.Aside.walked, memo.Memo._intact
    monkeypatch.setattr(aside.Aside, "walked", lambda self: walks.append(found := real_walked(self)) or found)
    monkeypatch.setattr(aside.Aside, "ready", lambda self: self.walked() is not None or True)  # (come: waited for)

    def intact(self, path):  # (whether each check went by a stat: no walk taken)
        found = real_intact(self, path)
        stats.append(self._differ is None)
        return found

    monkeypatch.setattr(memo.Memo, "_intact", intact)
    root, twin = tmp_path / "a", tmp_path / "twin"
    copy_tree(seed_root, root)
    build(root)
    assert walks == []  # (a first build keeps nothing: no aside)
    copy_tree(root, twin)
    pages = sorted((root / "site" / "articles").rglob("*.html"))
    inodes = {p: p.stat().st_ino for p in pages}
    listing = root / "site" / "outlets" / "index.html"
    for folder in (root, twin):
        for page in (pages[0], listing):
            (folder / page.relative_to(root)).write_text("HAND EDITED", encoding="utf-8")
    commits = []
    real_commit = write.Staging.commit
    monkeypatch.setattr(write.Staging, "commit", lambda self, walked=None: real_commit(self, walked) or
                        commits.append(self.in_place))
    assert isinstance(build(root), Built)
    assert commits == [True]  # (in place: one page written)
    assert walks and all(found is walks[0] for found in walks)
    assert "HAND EDITED" not in pages[0].read_text(encoding="utf-8") + listing.read_text(encoding="utf-8")
    assert all(p.stat().st_ino == inode for p, inode in inodes.items() if p != pages[0])
    assert stats and not any(stats)  # (each page checked by the walk: none by a stat)
    stats.clear()
    archive = arc.Archive(root)
    saved = archive.cache.load(archive.site_tenant(fingerprint.STATE), fingerprint.VERSION)
    assert saved["site"] == fingerprint.site_state(archive)
    assert isinstance(build(root), Unchanged)
    with monkeypatch.context() as dying:
        dying.setattr(aside, "_aside", lambda *args: os._exit(1))
        build(twin)
    assert walks[-1] is None
    assert _site_bytes(root) == _site_bytes(twin)
    # one that dies after sending its walk, before its sum: the new site's state is walked for
    (twin / "site" / pages[1].relative_to(root / "site")).write_text("HAND EDITED", encoding="utf-8")
    real_aside = aside._aside
    with monkeypatch.context() as dying:
        dying.setattr(aside, "site_sum", lambda files: os._exit(1))
        dying.setattr(aside, "_aside", lambda *args: real_aside(*args))
        assert isinstance(build(twin), Built)
    assert walks[-1] is not None
    twin_archive = arc.Archive(twin)
    saved = twin_archive.cache.load(twin_archive.site_tenant(fingerprint.STATE), fingerprint.VERSION)
    assert saved["site"] == fingerprint.site_state(twin_archive)
    assert isinstance(build(twin), Unchanged)


def test_the_walk_made_aside_comes_whole_through_its_file(seed_root, tmp_path, monkeypatch):
    """The aside writes its walk to a file without a name both processes hold and sends how long it
    is: the walk read back is the walk of site/, its sum that walk's; a walk it could not write (a
    full disk) is no walk, and the build walks site/ itself."""
    import errno

    from newsarchive.builder import aside, fingerprint

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root)
    walker = aside.Aside(root / "site")
    try:
        found, present = walker.walked(), write.walk(root / "site")
        assert (found.files, found.folders, found.links) == (present.files, present.folders, present.links)
        assert dict(found.stats) == present.stats and len(found.stats) > 20
        assert walker.walked_sum() == fingerprint.site_sum(found.stats)
    finally:
        walker.close()

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(aside.os, "pwrite", full)  # (the child is forked: it has this os.pwrite too)
    walker = aside.Aside(root / "site")
    try:
        assert walker.walked() is None and walker.walked_sum() is None
    finally:
        walker.close()


def test_the_aside_tells_the_memo_which_recorded_pages_are_not_as_recorded(seed_root, tmp_path, monkeypatch):
    """The aside compares its walk with the stats the page memo recorded, read from the memo's file
    itself: the pages edited or removed by hand in site/ are the ones it names, the same the memo
    finds comparing for itself - which it does when the aside read another file than it did."""
    from newsarchive.builder import aside, memo

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root)
    archive = arc.Archive(root)
    pages = sorted((root / "site" / "articles").rglob("*.html"))
    pages[0].write_text("HAND EDITED", encoding="utf-8")
    pages[1].unlink()
    hand = {p.relative_to(root / "site").as_posix() for p in pages[:2]}
    memo_file = archive.cache.path(archive.site_tenant(memo.MANIFEST))

    def differ(rewritten: bool = False) -> tuple:
        walker = aside.Aside(archive.site, memo_file)
        try:
            found = walker.walked()
            if rewritten:  # (the memo's file replaced after the aside read it: another file)
                memo_file.write_bytes(memo_file.read_bytes())
            recorded = memo.Memo(archive, next(iter(_memo_keys(archive))))
            recorded.walk_from(lambda: found)
            recorded.look_ahead(())
            return found.differ(memo.recorded_as(memo_file)), set(recorded._differ)
        finally:
            walker.close()

    told, used = differ()
    assert told == used == hand
    real_walk = aside.walk  # (the walk slowed: the ask comes before it ends, as a build's does)
    monkeypatch.setattr(aside, "walk", lambda site: time.sleep(0.5) or real_walk(site))
    walker = aside.Aside(archive.site, memo_file)  # (asked for its sum first - nothing to build - it
    try:  # compares nothing: its walk and sum come as soon as they can)
        walker.sum_first()
        found = walker.walked()
        assert found.differ(memo.recorded_as(memo_file)) is None and walker.walked_sum() is not None
    finally:
        walker.close()
    told, used = differ(rewritten=True)
    assert told is None and used == hand
    assert aside.Walk(aside._sent(write.walk(archive.site), None)).differ(memo.recorded_as(memo_file)) is None


def _memo_keys(archive) -> set[str]:
    """The site key the memo's file was saved under."""
    from newsarchive.builder import memo

    stored = archive.cache.load_any(archive.site_tenant(memo.MANIFEST))
    return {stored[0]}


def _site_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "site").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("damage", [
    lambda data: data["files"].popitem(),                                     # a page's stats gone
    lambda data: data["files"].update((path, "ab") for path in data["files"]),  # stats that are no stats
    lambda data: data.update(files="x"),                                       # no table of stats
    lambda data: data.clear(),                                                 # nothing recorded
])
def test_page_keys_damaged_by_hand_vouch_for_nothing_they_cannot(seed_root, tmp_path, damage):
    """The recorded page keys (memo.MANIFEST: each page's key and its file's size and time) damaged by
    hand: the build takes no page on their word - every page it cannot vouch for is made again - and
    the site is the clean one."""
    from newsarchive.builder import fingerprint, memo

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root, search=False)
    site, manifest = root / "site", root / ".newsarchive-cache" / memo.MANIFEST
    clean = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    saved = json.loads(manifest.read_text(encoding="utf-8"))
    recorded = dict(saved["data"]["files"])
    damage(saved["data"])
    manifest.write_text(json.dumps(saved), encoding="utf-8")
    (root / ".newsarchive-cache" / fingerprint.STATE).unlink()  # (else nothing changed: no build at all)
    inodes = {path: (site / path).stat().st_ino for path in recorded}
    build(root, search=False)
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()} == clean
    vouched = saved["data"].get("files") if isinstance(saved["data"].get("files"), dict) else {}
    for path, inode in inodes.items():  # (a page whose stats still stand may be kept; no other one)
        if vouched.get(path) != recorded[path]:
            assert (site / path).stat().st_ino != inode, path


def test_a_build_that_keeps_pages_runs_without_the_cycle_collector_then_turns_it_on(seed_root, tmp_path, monkeypatch):
    """A build that makes every page (the first) makes them with the cycle collector on; one that
    keeps the last site's pages (an edit) makes its pages with it off, and turns it on again after -
    also when the build fails."""
    import gc

    from newsarchive.builder import make

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    seen, real = [], make.all_pages

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(make, "all_pages", spy)
    assert gc.isenabled()
    build(root, search=False)
    page = next((root / "content").rglob("*.md"))
    page.write_text(page.read_text(encoding="utf-8").replace('title: "', 'title: "EDITED ', 1), encoding="utf-8")
    build(root, search=False)
    assert seen == [True, False] and gc.isenabled()

    def fails(*args, **kwargs):
        raise RuntimeError("a build that fails")

    monkeypatch.setattr(make, "all_pages", fails)
    page.write_text(page.read_text(encoding="utf-8").replace("EDITED", "AGAIN", 1), encoding="utf-8")
    with pytest.raises(RuntimeError):
        build(root, search=False)
    assert gc.isenabled()


def test_the_site_s_groups_are_spelled_by_every_article(built):
    """members_of gives every outlet, tag and month one digest of the site's articles: it changes when
    any article does (so whenever a group's own members do); a group alone spells its own."""
    import dataclasses
    import hashlib
    from types import SimpleNamespace

    from newsarchive.archive import Archive
    from newsarchive.builder.collect import Group, collect, members_of

    site = collect(Archive(built))
    groups = (*site.outlets, *site.tags, *site.months)
    members_of(site)
    first = groups[0].members
    assert all(g.members == first for g in groups)

    def spelled(entries):
        group = Group("x", "x", entries[:1])
        members_of(SimpleNamespace(entries=entries, outlets=(group,), tags=(), months=()))
        return group.members

    assert spelled(site.entries) == first
    assert spelled((*site.entries[:-1], dataclasses.replace(site.entries[-1], digest="edited"))) != first
    alone = Group("x", "x", site.entries[:2])
    assert alone.members == hashlib.sha256("".join(e.digest for e in site.entries[:2]).encode()).hexdigest()


def test_the_memo_asks_whether_the_walk_has_come_every_so_many_pages(seed_root):
    """Until the walk made aside has come, the memo checks each page by a stat of its own and asks
    whether it has come at the first page and then every READY_EVERY-th (asking polls a pipe), and
    takes the walk at the first ask it has come; after that no page is checked by a stat."""
    from newsarchive.builder import memo
    from newsarchive.builder.write import Present

    archive = arc.Archive(seed_root)
    asked, come = [], []
    kept = memo.Memo(archive, "key")
    walked = Present(set(), set(), False, {})
    kept.walk_from(lambda: walked, lambda: asked.append(len(asked)) or bool(come))
    for n in range(3 * memo.READY_EVERY + 1):
        kept._intact(f"page-{n}.html")
    assert len(asked) == 4 and kept._differ is None
    come.append(True)
    for n in range(memo.READY_EVERY):
        kept._intact(f"page-{n}.html")
    assert len(asked) == 5 and kept._differ == set()  # (nothing recorded: none differs)


def test_the_page_memos_file_read_ahead_is_taken_while_it_is_the_file_there(seed_root, tmp_path, monkeypatch):
    """The page memo's file read ahead (memo.read_ahead, while content/ is walked aside) is what the
    memo takes - not read again - while the file there is the one read; one replaced since (another
    file) is read again."""
    from newsarchive import cache
    from newsarchive.builder import memo

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root)
    archive = arc.Archive(root)
    key = next(iter(_memo_keys(archive)))
    reads, real_load_any = [], cache.CacheStore.load_any
    monkeypatch.setattr(cache.CacheStore, "load_any", lambda self, name: reads.append(name) or real_load_any(self, name))
    ahead = memo.read_ahead(archive)
    assert len(reads) == 1 and ahead[1][0] == key
    assert memo.Memo(archive, key, ahead=ahead).before == memo.Memo(archive, key).before != {}
    assert len(reads) == 2  # (the first took what was read ahead)
    file = archive.cache.path(archive.site_tenant(memo.MANIFEST))
    file.write_bytes(file.read_bytes().replace(b'"keys":{', b'"keys":{"x.html":"0",', 1).replace(
        b'"files":{', b'"files":{"x.html":[1,2],', 1))  # (another file)
    assert "x.html" in memo.Memo(archive, key, ahead=ahead).before and len(reads) == 3


def test_the_walk_of_content_made_aside_is_the_fingerprints_own(tmp_path, monkeypatch):
    """content/ walked on a process of its own (content_aside.py) gives the digest the fingerprint's
    own walk gives - so a build's fingerprint is the same whichever process walked - how many files
    there are, and each folder's pages signed as collect records them (gathered.signed of the plain
    *.md files, by name, with their stats): folders within folders, a name that is not UTF-8, a
    symlink (dangling), a temporary file, an empty folder. A walk that fails (a file gone before its
    stat) or a child that dies gives none: the build walks content/ itself."""
    import errno

    from newsarchive.builder import content_aside, fingerprint, gathered

    archive = arc.Archive(tmp_path)
    for name in ("2020/09/b.md", "2020/09/a.md", "2020/10/a.md", "a.md", "2021/01/02/deep.md", "notes.txt",
                 f"2020/09/{arc.TEMPORARY_PREFIX}1-2.md"):
        (archive.content / name).parent.mkdir(parents=True, exist_ok=True)
        (archive.content / name).write_text(name, encoding="utf-8")
    (archive.content / "empty").mkdir()
    os.symlink(archive.content / "nowhere.md", archive.content / "2020" / "link.md")
    odd = os.fsencode(archive.content / "2020") + b"/caf\xe9.md"  # (not UTF-8)
    with open(odd, "wb") as fh:
        fh.write(b"x")
    stats: dict = {}
    digest = fingerprint.content_digest(archive.content, stats)
    walker = content_aside.ContentAside(archive.root, archive.content)
    try:
        taken = walker.taken()
    finally:
        walker.close()
    pages = {"content": ["a.md"], "content/2020": [os.fsdecode(b"caf\xe9.md")], "content/2020/09": ["a.md", "b.md"],
             "content/2020/10": ["a.md"], "content/2021/01/02": ["deep.md"]}
    assert taken == (digest, len(stats), {folder: gathered.signed(
        names, [os.lstat(archive.root / folder / name) for name in names]) for folder, names in pages.items()})
    assert len(stats) == 9
    options = {"base_url": None, "search": True, "quick": False}
    assert fingerprint.fingerprint(archive, options, {}, taken.digest) == fingerprint.fingerprint(archive, options)

    def gone(content, stats):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory")

    for name, failing in (("content_digest", gone), ("_walk", lambda *args: os._exit(1))):
        with monkeypatch.context() as failed:  # (the child is forked: it has the failing one too)
            failed.setattr(content_aside, name, failing)
            walker = content_aside.ContentAside(archive.root, archive.content)
            try:
                assert walker.taken() is None, name
            finally:
                walker.close()


def test_content_is_walked_aside_while_the_last_builds_rows_are_read(seed_root, tmp_path, monkeypatch):
    """A build after one that kept its gathered rows walks content/ aside and reads those rows
    meanwhile (until the walk has come): the build then takes the rows read ahead, takes each folder
    the walk found as recorded without a stat of each page (the edited page's folder is checked page
    by page), gives the site a clean build gives, and the next build with nothing changed does
    nothing (its fingerprint the same). A first build reads nothing ahead; a walk aside that dies
    leaves the fingerprint's walk to the building process: the same site."""
    from newsarchive import cache
    from newsarchive.builder import collect, content_aside, gathered, memo

    started, ahead, given = [], [], []
    real_init, real_ahead, real_rows = (content_aside.ContentAside.__init__, gathered.Kept.read_ahead,
                                        gathered.Kept.rows)
    monkeypatch.setattr(content_aside.ContentAside, "__init__",
                        lambda self, *args: started.append(self) or real_init(self, *args))
    monkeypatch.setattr(content_aside.ContentAside, "ready", lambda self: False)  # (every folder read ahead)
    monkeypatch.setattr(gathered.Kept, "read_ahead", lambda self, until: ahead.append(self) or real_ahead(self, until))
    monkeypatch.setattr(gathered.Kept, "rows", lambda self, folder: given.append(
        (self, folder in self._ahead)) or real_rows(self, folder))
    checked, real_as_recorded = [], collect._as_recorded
    monkeypatch.setattr(collect, "_as_recorded", lambda path, *args: checked.append(path) or real_as_recorded(path, *args))
    memo_reads, real_load_any, real_memo_ahead = [], cache.CacheStore.load_any, memo.read_ahead
    monkeypatch.setattr(cache.CacheStore, "load_any", lambda self, name: (
        memo_reads.append(name) if name.endswith(memo.MANIFEST) else None) or real_load_any(self, name))
    monkeypatch.setattr(memo, "read_ahead", lambda archive: memo_reads.append("ahead") or real_memo_ahead(archive))
    root, twin = tmp_path / "a", tmp_path / "twin"
    copy_tree(seed_root, root)
    state = BuildState()
    assert isinstance(build(root, state=state), Built)
    assert started == ahead == [] and state.kept_ahead is None
    copy_tree(root, twin)
    for folder in (root, twin):
        page = sorted((folder / "content").rglob("*.md"))[0]
        page.write_text(page.read_text(encoding="utf-8").replace('title: "', 'title: "EDITED ', 1), encoding="utf-8")
    given.clear()
    checked.clear()
    memo_reads.clear()
    assert isinstance(build(root), Built)
    assert len(started) == len(ahead) == 1 and ahead[0].folders
    assert memo_reads[0] == "ahead" and len(memo_reads) == 2  # (the page memo's file read ahead, taken by the memo)
    assert checked == [str(page.parent).replace(str(twin), str(root))]
    taken = [folder_ahead for kept, folder_ahead in given if kept is ahead[0]]
    assert len(taken) >= 2 * len(ahead[0].folders) and sum(taken) == len(ahead[0].folders)
    assert _files(root / "site") == _clean_build(root, tmp_path / "clean")
    state = BuildState()
    assert isinstance(build(root, state=state), Unchanged) and state.kept_ahead is None
    with monkeypatch.context() as dying:
        dying.setattr(content_aside, "_walk", lambda *args: os._exit(1))
        assert isinstance(build(twin), Built)
    assert len(started) == 3
    assert _files(twin / "site") == _files(root / "site")
    assert isinstance(build(twin), Unchanged)


def test_same_storys_process_is_forked_while_content_is_walked(seed_root, tmp_path, monkeypatch):
    """A build that walks content/ aside forks same story's process while it does (the comparison's
    code imported, the last build's rows not yet read): make hands it the sheets, and the site is a
    clean build's. A build with nothing to do ends it unused, and one that compares in this process
    too: neither waits for it. A first build (no walk aside) forks its process in make; a build in a
    process with other threads spawns one. (A forked child that kept this process's end of its
    tasks open never saw them end: the build hung.)"""
    import faulthandler
    import threading

    from newsarchive.builder import make, related

    made, real_init = [], related.Comparer.__init__

    def init(self, store=None, fork=False):
        made.append((self, fork))
        real_init(self, store, fork)

    monkeypatch.setattr(related.Comparer, "__init__", init)
    faulthandler.dump_traceback_later(300, exit=True)  # (a build that waits for ever fails the run)
    try:
        root = tmp_path / "a"
        copy_tree(seed_root, root)
        for background_from in (1, 10 ** 9):
            made.clear()
            monkeypatch.setattr(related, "BACKGROUND_FROM", background_from)
            monkeypatch.setattr(make, "BACKGROUND_FROM", background_from)
            shutil.rmtree(root / "site", ignore_errors=True)
            shutil.rmtree(root / ".newsarchive-cache", ignore_errors=True)
            assert isinstance(build(root), Built)
            assert [fork for _, fork in made] == ([True] if background_from == 1 else [])
            page = sorted((root / "content").rglob("*.md"))[background_from == 1]
            page.write_text(page.read_text(encoding="utf-8").replace('title: "', 'title: "EDITED ', 1), encoding="utf-8")
            assert isinstance(build(root), Built)
            assert [fork for _, fork in made] == ([True] if background_from == 1 else []) + [True]
            early = made[-1][0]
            early._child.join(60)
            assert early._child.exitcode == 0 and early._tasks.closed
            assert _files(root / "site") == _clean_build(root, tmp_path / f"clean{background_from}")
            assert isinstance(build(root), Unchanged)
            # (the clean build's between: forked in make when it compares in a process of its own)
            assert [fork for _, fork in made] == ([True] * 4 if background_from == 1 else [True, True])
            made[-1][0]._child.join(60)
            assert made[-1][0]._child.exitcode == 0
        busy = threading.Event()
        other = threading.Thread(target=busy.wait, daemon=True)
        other.start()
        try:
            monkeypatch.setattr(make, "BACKGROUND_FROM", 1)
            monkeypatch.setattr(related, "BACKGROUND_FROM", 1)
            page.write_text(page.read_text(encoding="utf-8").replace("EDITED", "EDITED AGAIN", 1), encoding="utf-8")
            made.clear()
            assert isinstance(build(root), Built)
            assert [fork for _, fork in made] == [False]
        finally:
            busy.set()
    finally:
        faulthandler.cancel_dump_traceback_later()


def test_site_is_walked_aside_while_the_site_is_gathered(seed_root, tmp_path, monkeypatch):
    """The walk of site/ starts before the content pages are gathered when the last build recorded
    page keys (an edit); a build whose page keys do not hold (the config changed: every page made
    again) ends it once that is known, and checks no page against it; a first build starts none."""
    from newsarchive.builder import aside, make

    started, at_gathering, walked = [], [], []
    real_init, real_collect, real_walk_from = aside.Aside.__init__, make.collect, make.memo.Memo.walk_from
    monkeypatch.setattr(aside.Aside, "__init__", lambda self, *args: started.append(self) or real_init(self, *args))
    monkeypatch.setattr(make, "collect", lambda *args: at_gathering.append(len(started)) or real_collect(*args))
    monkeypatch.setattr(make.memo.Memo, "walk_from", lambda self, *args: walked.append(args) or real_walk_from(self, *args))
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root, search=False)
    assert (started, at_gathering, walked) == ([], [0], [])
    page = sorted((root / "content").rglob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace('title: "', 'title: "EDITED ', 1), encoding="utf-8")
    assert isinstance(build(root, search=False), Built)
    assert at_gathering == [0, 1] and len(walked) == 1 and walked[0][0].__self__ is started[0]
    (root / "newsarchive.toml").write_text("page_size = 1\n", encoding="utf-8")
    assert isinstance(build(root, search=False), Built)
    assert at_gathering == [0, 1, 2] and len(walked) == 1 and not started[1]._child.is_alive()


def test_list_items_made_once_a_build_are_the_items_each_page_would_make(seed_root, tmp_path, monkeypatch):
    """render.Items makes an article's list item once and its links for each page: the site is the one
    made with every item rendered on each page, also when an article's own text holds the character
    that marks where the links go (a title with a NUL, which YAML's "\\0" writes): that item is made
    on each page."""
    from newsarchive.builder import render

    made, real = [], render._marked
    monkeypatch.setattr(render, "_marked", lambda *args: made.append(real(*args)) or made[-1])
    for name in ("once", "each"):
        copy_tree(seed_root, tmp_path / name)
        page_file = sorted((tmp_path / name / "content").rglob("*.md"))[0]
        text = page_file.read_text(encoding="utf-8")
        page_file.write_text(text.replace('title: "', 'title: "NUL\\0 ', 1), encoding="utf-8")
    build(tmp_path / "once", search=False)
    assert None in made and any(m is not None for m in made)  # (the NUL title's item, and the others)
    monkeypatch.setattr(render, "_marked", lambda *args: None)  # (every item made on each page)
    build(tmp_path / "each", search=False)
    once, each = _files(tmp_path / "once" / "site"), _files(tmp_path / "each" / "site")
    assert once == each and any(b"NUL\x00" in data for name, data in once.items() if name.endswith("index.html"))
