"""Issue 15: a site that fits where it is deployed (GitHub Pages: 1 GB) at 100 000 articles. Article
pages say each thing once and write addresses as IRIs; what only scripts use is made by the script;
the search index writes one position in its count's value (test_postings reads the format back)."""
from __future__ import annotations

import json
import shutil

from selectolax.lexbor import LexborHTMLParser

from newsarchive.builder.render import LABEL_CHARS, url_label
from newsarchive.urls import iri

from .browser import browser
from .conftest import build, copy_tree, pages

# Addresses an IRI must leave meaning what they meant: ASCII escapes (a slash, a space, a quote, a
# percent sign inside a segment), bytes that are not UTF-8, bidi and zero-width marks, a space
# character, an escaped host, a query and a fragment.
HAND_MADE = [
    "https://www.hkcnews.com/article/38961/%EF%BF%BD%EF%BF%BD%EF%BF%BD-38961/%EF%BF%BD",
    "https://a.example/%E5%81%A5%e5%ba%b7/x%2Fy%20z%22%25?q=%E7%A2%BC&r=%2F#%E5%9C%96",
    "https://a.example/%C3%28%FF%E5%81/%E2%80%8E%E2%80%AE%E2%80%8B%E3%80%80%C2%A0",
    "https://%E4%B8%AD.example/%F0%9F%98%80",
    "https://web.archive.org/web/20210919131716/https://www.hkcnews.com/article/1/%E6%96%B0%E8%81%9E",
]


def _same_in_the_browser(urls: list[str]) -> list[str]:
    """The addresses Chromium parses to another URL when written as IRIs (none, if all is well)."""
    with browser() as b:
        page = b.new_page()
        parsed = page.evaluate("pairs => pairs.map(([a, b]) => [new URL(a).href, new URL(b).href])",
                               [[u, iri(u)] for u in urls])
    return [u for u, (a, b) in zip(urls, parsed) if a != b]


# Pieces of escape runs: characters, ASCII escapes, a space, invisible marks, bytes that are not
# UTF-8 (a lone lead, a stray continuation, an overlong form, a surrogate, past U+10FFFF), lower case.
_PIECES = ["%E4%B8%AD", "%E6%96%87", "%F0%9F%98%80", "%C3%A9", "%C2%80", "%2F", "%20", "%0A", "%7F",
           "%C2%A0", "%E2%80%8B", "%E3%80%80", "%FF", "%80", "%C0%80", "%E4%B8", "%ED%A0%80", "%F4%90%80%80",
           "%e4%b8%ad", "a", "/"]


def test_a_run_of_escapes_is_written_as_its_bytes_one_by_one_are():
    """urls._written takes a run of whole visible characters at once; any run it writes as
    _bytewise, character by character, does."""
    import random
    import re

    from newsarchive import urls

    rnd = random.Random(15)
    runs = [m for _ in range(20_000) for m in urls._ESCAPES.finditer(
        "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 8))))]
    assert len(runs) > 20_000 and any(urls._written(m) != m.group(0) for m in runs)
    for m in runs:
        raw = bytes.fromhex(m.group(0).replace("%", ""))
        assert urls._written(m) == urls._bytewise(m.group(0), raw), m.group(0)
    assert iri("https://a.example/%E4%B8%AD%2F%E6%96%87%E2%80%8B") == "https://a.example/中%2F文%E2%80%8B"
    assert re.fullmatch(r"[^%]+", iri("https://a.example/%F0%9F%98%80%C3%A9"))


def test_an_iri_reaches_the_same_address_in_the_browser():
    assert all(iri(u) != u for u in HAND_MADE[:2]) and _same_in_the_browser(HAND_MADE) == []
    assert "%2Fy%20z%22%25" in iri(HAND_MADE[1]) and iri(HAND_MADE[1]).endswith("#圖")
    assert "%E2%80%8E%E2%80%AE%E2%80%8B%E3%80%80%C2%A0" in iri(HAND_MADE[2])  # invisible: escaped
    assert "%C3%28%FF%E5%81" in iri(HAND_MADE[2])  # not UTF-8: as it was
    assert iri(HAND_MADE[3]).startswith("https://%E4%B8%AD.example/")  # the host as it was


def test_an_address_is_shown_decoded_as_unquote_decodes_it():
    """urls.readable decodes runs of escapes itself: on any mix of escapes (whole characters, cut
    short, not UTF-8, not hex, lower case) and other characters, it gives what unquote gives."""
    import random
    from urllib.parse import unquote

    from newsarchive.urls import readable

    rnd = random.Random(15)
    for _ in range(20_000):
        pieces = _PIECES + ["%4", "%zz", "%", "中", " ", "\ud800", "%C3"]
        url = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        assert readable(url) == unquote(url), repr(url)


def test_an_address_label_is_what_unquote_gives_cut():
    """url_label takes what iri wrote when no escape is left in it: on any mix of escapes, hosts and
    other characters, the label is still unquote's text, cut as it was."""
    import random
    from urllib.parse import unquote

    from newsarchive.builder.render import _LABEL_TAIL

    def cut(text: str) -> str:
        return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - _LABEL_TAIL - 1] + "…" + text[-_LABEL_TAIL:]

    rnd = random.Random(40)
    starts = ["https://a.example/", "https://", "http://%E4%B8%AD.example/", "", "x"]
    for _ in range(20_000):
        pieces = _PIECES + ["%4", "%zz", "%", "中", " ", "%C3"]
        url = rnd.choice(starts) + "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40)))
        assert url_label.__wrapped__(url) == cut(unquote(url)), repr(url)
    assert [url_label.__wrapped__(u) for u in HAND_MADE] == [cut(unquote(u)) for u in HAND_MADE]


def test_long_addresses_are_shown_cut_and_linked_whole():
    mangled = HAND_MADE[0] + "%EF%BF%BD" * 200
    label = url_label(mangled)
    assert len(label) == LABEL_CHARS and "…" in label and label.startswith("https://www.hkcnews.com/article/38961/")
    assert url_label("https://www.cna.com.tw/news/firstnews/202009175008.aspx") == \
        "https://www.cna.com.tw/news/firstnews/202009175008.aspx"


def test_an_article_page_says_each_thing_once(seed_root, tmp_path):
    """The summary is the page's description and its Open Graph description, not a third time in
    JSON-LD; a neighbour of the same outlet is listed once (it is the outlet's neighbour too), and
    every article still links its outlet's newer and older articles; no script-only control is sent."""
    from newsarchive.archive import Archive
    from newsarchive.builder.collect import collect

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root, search=False)
    site = collect(Archive(root))
    for e in site.entries:
        html = (root / "site" / e.path).read_text(encoding="utf-8")
        tree = LexborHTMLParser(html)
        data = json.loads(tree.css_first('script[type="application/ld+json"]').text())
        assert "description" not in data
        if e.summary:
            assert html.split("</head>")[0].count(e.summary.replace('"', "&#34;")) == 2
        nav = tree.css_first("nav.article-nav")
        hrefs = [a.attributes["href"].rsplit("/", 1)[-1] for a in nav.css("a")]
        assert len(hrefs) == len(set(hrefs))
        mine = [o for o in site.entries if o.outlet == e.outlet]
        n = mine.index(e)
        for other in (mine[n - 1] if n else None, mine[n + 1] if n + 1 < len(mine) else None):
            if other is not None:
                assert other.path.rsplit("/", 1)[-1] in hrefs
        assert "script-choice" not in html and "data-script-switch" in html


def test_provenance_links_are_iris_of_the_corpus_addresses(corpus_run, tmp_path):
    """On the corpus: every provenance link (and feed link to an original) is its front matter's
    address as an IRI (Chromium reaches the same URL through each), shown at most LABEL_CHARS long."""
    root, _ = corpus_run
    work = tmp_path / "c"
    copy_tree(root, work)
    build(work, search=False)
    urls, checked = [], 0
    for front, _ in pages(work).values():
        src = front["source"]
        urls += [src[k] for k in ("url", "archive_url") if src.get(k)]
        found = list((work / "site" / "articles").rglob(f"*-{src['sha256'][:8]}.html"))
        if not src.get("url") or not found:
            continue  # (no original address, or an earlier version's page: its latest is checked)
        tree = LexborHTMLParser(found[0].read_text(encoding="utf-8"))
        links = {a.text(): a.attributes["href"] for a in tree.css("aside.provenance a")}
        assert iri(src["url"]) in links.values()
        assert all(len(label) <= LABEL_CHARS for label in links)
        checked += 1
    assert checked > 100 and sum(iri(u) != u for u in urls) > 10
    assert _same_in_the_browser(urls) == []
    # the feeds' links to the originals are IRIs too (an Atom href is one: RFC 4287)
    import xml.etree.ElementTree as ET
    via = [link.attrib["href"] for link in ET.parse(work / "site" / "feed.xml").getroot().iter(
        "{http://www.w3.org/2005/Atom}link") if link.attrib.get("rel") == "via"]
    assert via and set(via) <= {iri(u) for u in urls}


def test_a_tag_one_article_has_gets_pages_once_a_second_has_it(seed_root, tmp_path):
    """A tag only one article has is shown on it unlinked and has no pages (the tags index links the
    article); tagged on a second article, it gets its list and feed and both articles link it - and
    the site is a clean build's."""
    from newsarchive import page

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root, search=False)
    site = root / "site"
    fronts = {p: page.split(p.read_text(encoding="utf-8"))[0] for p in sorted((root / "content").rglob("*.md"))}
    tagged = next(p for p, f in fronts.items() if f.get("tags"))
    other = next(p for p, f in fronts.items() if not f.get("tags") and f["lang"] == fronts[tagged]["lang"])
    tag = fronts[tagged]["tags"][0]
    first = next(site.joinpath("articles").rglob(f"*{tagged.stem[-8:]}.html"))
    assert f"<span>#{tag}</span>" in first.read_text(encoding="utf-8")
    assert [p.name for p in (site / "tags").iterdir()] == ["index.html"]
    assert first.name in (site / "tags" / "index.html").read_text(encoding="utf-8")

    text = other.read_text(encoding="utf-8")
    other.write_text(text.replace("\nsummary:", f'\ntags:\n  - "{tag}"\nsummary:', 1), encoding="utf-8")
    build(root, search=False)
    tag_dirs = [p for p in (site / "tags").iterdir() if p.is_dir()]
    assert len(tag_dirs) == 1 and sorted(p.name for p in tag_dirs[0].iterdir()) == ["feed.xml", "index.html"]
    for article in (first, next(site.joinpath("articles").rglob(f"*{other.stem[-8:]}.html"))):
        assert f'{tag_dirs[0].name}/index.html">#{tag}</a>' in article.read_text(encoding="utf-8")

    _same_as_a_clean_build(root, tmp_path / "b")


def test_serves_hot_pass_leaves_a_tag_gaining_its_pages_to_a_build(seed_root, tmp_path):
    """The hot pass renders the lists and the edited article only: a tag that gains its pages changes
    the other article's page too, so it declines and the site stays as it was."""
    import threading

    from newsarchive import archive as arc
    from newsarchive import page
    from newsarchive.builder import BuildState, hot
    from newsarchive.builder.outcome import HotDeclined

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    state = BuildState()
    build(root, search=False, state=state)
    fronts = {p: page.split(p.read_text(encoding="utf-8"))[0] for p in sorted((root / "content").rglob("*.md"))}
    tag = next(f["tags"][0] for f in fronts.values() if f.get("tags"))
    other = next(p for p, f in fronts.items() if not f.get("tags"))
    before = _files(root / "site")
    other.write_text(other.read_text(encoding="utf-8").replace("\nsummary:", f'\ntags:\n  - "{tag}"\nsummary:', 1),
                     encoding="utf-8")
    assert isinstance(hot(arc.Archive(root), {other}, threading.Lock(), state), HotDeclined)
    assert _files(root / "site") == before


def _same_as_a_clean_build(root, clean):
    copy_tree(root, clean)
    shutil.rmtree(clean / "site")
    shutil.rmtree(clean / ".newsarchive-cache")
    build(clean, search=False)
    assert _files(clean / "site") == _files(root / "site")


def _files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
