"""Bylines, outlets and junk on the corpus: every byline form's own cases (data/bylines.toml), the
authors of every corpus article against a truth table read from the raw files, no author that is not
a person, no outlet that is an address where the page names itself, and no junk of the families the
generic chain removes."""
from __future__ import annotations

import re
import tomllib

import pytest
from selectolax.lexbor import LexborHTMLParser

from newsarchive import bylines, outlets, page
from newsarchive.ingest import clean_title
from newsarchive.readers import html_page

from .conftest import CORPUS, REPO

PATTERNS = bylines.book().patterns
CASES = [(p, text, want) for p in PATTERNS for text, want in p.cases]
NOT_CASES = [(p, text) for p in PATTERNS for text in p.not_cases]
# Filler blocks that put a case at the end of a body (a `last` form is only looked for there).
_FILLER = ["正文第一段。"] * (bylines.EDGE_BLOCKS + 1)


def test_every_byline_form_carries_positive_and_negative_cases():
    assert PATTERNS
    assert all(p.cases and p.not_cases for p in PATTERNS), [p.name for p in PATTERNS if not (p.cases and p.not_cases)]


@pytest.mark.parametrize("pattern,text,want", CASES, ids=[f"{p.name}: {t[:20]}" for p, t, _w in CASES])
def test_byline_case(pattern, text, want):
    blocks = [text, *_FILLER] if pattern.where != "last" else [*_FILLER, text]
    found, _drop = bylines.from_blocks(blocks)
    assert "|".join(found) == want


@pytest.mark.parametrize("pattern,text", NOT_CASES, ids=[f"{p.name}: {t[:20]}" for p, t in NOT_CASES])
def test_byline_look_alike(pattern, text):
    m = pattern.regex.search(text)
    assert not (m and bylines.names(m.group("names"), (), pattern.place_follows))


def test_a_block_that_only_carries_the_byline_leaves_the_body():
    found, drop = bylines.from_blocks([*_FILLER, "记者：高锋 责编：许书婷 网编：瑞哲"])
    assert found == ("高锋",) and drop == len(_FILLER)
    found, drop = bylines.from_blocks(["（中央社記者龍柏安台北18日電）媒體報導，FOX體育台將撤台。", *_FILLER])
    assert found == ("龍柏安",) and drop is None  # the dateline opens the lede, which stays


@pytest.mark.parametrize("raw,want", [
    ("記者吳婉英", ("吳婉英",)), ("眾新聞記者", ()), ("讀者來論", ()), ("网易", ()), ("新浪科技", ()),
    ("name, email@gmail.com", ()), ("https://plus.google.com/+Someone", ()), ("Our Foreign Staff", ()),
    ("By Jane Doe and John Smith", ("Jane Doe", "John Smith")), ("公民記者有限公司", ("公民記者有限公司",)),
])
def test_names_cut_roles_and_drop_what_is_no_person(raw, want):
    assert bylines.names(raw) == want


def test_a_name_is_cut_at_the_outlets_name_and_job_title():
    assert bylines.names("Mark Di Stefano BuzzFeed News Reporter", ("BuzzFeed",)) == ("Mark Di Stefano",)
    assert bylines.names("The Economist", ("The Economist",)) == ()


@pytest.mark.parametrize("title,names,want", [
    ("Linux 6.1 released [LWN.net]", ("LWN.net",), "Linux 6.1 released"),
    ("如何配置 nginx-CSDN.NET", ("csdn.net",), "如何配置 nginx"),
    ("Vláda schválila rozpočet | Aktuálne.cz", ("Aktuálne.cz",), "Vláda schválila rozpočet"),
    ("新竹尖石_美樹營地賞楓 (2) @ 史蒂文的家_藍天 :: 痞客邦 PIXNET ::", ("史蒂文的家_藍天", "痞客邦 PIXNET"),
     "新竹尖石_美樹營地賞楓 (2)"),
    ("Review - Part 2", ("Example",), "Review - Part 2"),
])
def test_title_loses_the_outlets_name_in_any_usual_form(title, names, want):
    assert clean_title(title, None, None, None, names) == want


def test_outlet_choice_order():
    assert outlets.choose(None, None, "http://www.tmz.com", "https://www.tmz.com/x").outlet == "TMZ"
    assert outlets.choose(None, None, "Le Monde.fr", "https://x.unknown-site.fr/a").outlet == "Le Monde.fr"
    blog = outlets.choose(None, "Jane Writer", None, "https://medium.com/@jane/post-1")
    assert (blog.outlet, blog.person) == ("Medium", "Jane Writer")
    assert outlets.choose(None, None, None, "https://news.unknown.example/a").outlet == "news.unknown.example"


# ---- over the corpus ----

TRUTH = tomllib.loads((REPO / "tests" / "fixtures" / "corpus_authors.toml").read_text(encoding="utf-8"))["authors"]



def _fronts(root):
    import yaml

    out = []
    for path in sorted((root / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        out.append((yaml.safe_load(text.split("---\n")[1]), page.split(text)[1]))
    return out


def test_authors_match_the_truth_table(corpus_run):
    root, _summary = corpus_run
    got = {fm["source"]["file"].removeprefix("sources/").removeprefix("corpus/"): list(fm.get("authors") or []) for fm, _b in _fronts(root)}
    assert set(got) == set(TRUTH)
    wrong = {f: (got[f], TRUTH[f]) for f in TRUTH if got[f] != TRUTH[f]}
    assert wrong == {}
    with_byline = sum(1 for v in TRUTH.values() if v)
    assert with_byline >= 120  # when written: the corpus's articles whose raw file names a person


def test_no_author_is_a_portal_placeholder_or_the_outlet(corpus_run):
    root, _summary = corpus_run
    for fm, _body in _fronts(root):
        for name in fm.get("authors") or []:
            assert bylines.is_person(name, (fm["outlet"],)), (fm["source"]["file"], name)


def _names_itself(raw: str) -> bool:
    tree = LexborHTMLParser(raw)
    if any(tree.css_first(sel) is not None for sel in ('meta[property="og:site_name"]', 'meta[name="application-name"]')):
        return True
    title = tree.css_first("title")
    return bool(title is not None and html_page.split_site_name(re.sub(r"\s+", " ", title.text()).strip())[1])


def test_outlet_is_never_an_address_where_the_page_names_itself(corpus_run):
    root, _summary = corpus_run
    for fm, _body in _fronts(root):
        if fm["source"]["format"] != "html-page":
            continue
        raw = (root / fm["source"]["file"]).read_text(encoding="utf-8", errors="replace")
        if _names_itself(raw):
            assert fm["outlet"] != "unknown" and not outlets._ADDRESS.match(fm["outlet"]), fm["source"]["file"]


# A marker of each junk family the generic chain removes, as it would stand in a page's body.
JUNK_MARKERS = {
    "WordPress footer": re.compile(r"appeared first on"),
    "Medium footer": re.compile(r"continuing the conversation|was originally published in .* on Medium"),
    "Drupal submitted line": re.compile(r"^Submitted by ", re.M),
    "relative time": re.compile(r"^\d+\s*(?:分钟|分鐘|小时|小時)前$|^\d+ (?:minutes?|hours?) ago$", re.M | re.I),
    "tracking parameters": re.compile(r"[?&](?:utm_\w+|fbclid|gclid|source=rss)"),
    "affiliate promo": re.compile(r"earn (?:a|an affiliate) commission", re.I),
}


def test_no_junk_of_the_removed_families_survives(corpus_run):
    root, _summary = corpus_run
    for fm, body in _fronts(root):
        url = (fm.get("source") or {}).get("url") or ""
        for family, marker in JUNK_MARKERS.items():
            assert not marker.search(body) and not marker.search(url), (family, fm["source"]["file"])


def test_corpus_is_there(corpus_run):
    assert CORPUS.exists()
