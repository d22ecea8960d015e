"""The committed fixture set (tests/fixtures/raw, see its SOURCES.md): every reader, the encoding and
line-ending cases real files have, and the rule families, checked on a fresh clone with nothing
beside it - exact outcomes per file, and the properties the corpus tests check at scale."""
from pathlib import Path

import pytest

from newsarchive import schema

from .conftest import ingest_into, pages
from .markers import JUNK_MARKERS

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "raw"
# file -> (format, outlet, lang, the title's start, date)
EXPECTED = {
    "jekyll-feed/2019-12-17-特朗普最得意的一周.md":
        ("jekyll-feed", "Nei.st", "zh-Hans", "特朗普最得意的一周", "2019-12-17T07:57:53+00:00"),
    "jekyll-feed/2018-07-28-如何利用 sslstrip 对 HTTPS 连接发起中间人攻击？ - iYouPort.md":
        ("jekyll-feed", "iYouPort", "zh-Hans", "如何利用 sslstrip 对 HTTPS 连接发起中间人攻", "2018-07-28T04:39:49+00:00"),
    "jekyll-feed/2020-09-14-12名偷渡港人被指企图分裂国家 恐成政治筹码无限上纲.md":
        ("jekyll-feed", "自由亚洲电台", "zh-Hans", "12名偷渡港人被指企图分裂国家", "2020-09-14T15:09:08+00:00"),
    "jekyll-feed/2020-09-02-史玛特三分球攻势率队逆转 塞尔蒂克2连胜暴龙 – 法国国际广播电台 - RFI.md":
        ("jekyll-feed", "法国国际广播电台", "zh-Hans", "史玛特三分球攻势率队逆转 塞尔蒂克2连胜暴龙", "2020-09-02T05:55:03+00:00"),
    "jekyll-feed/2020-07-20-综述：G20官员誓言动用所有可用政策工具以支持经济复苏.md":
        ("jekyll-feed", "路透中文网", "zh-Hans", "综述：G20官员誓言", "2020-07-20T00:55:41+00:00"),
    "wayback-markdown/article_43693.md": ("wayback-markdown", "眾新聞", "zh-Hant", "失業回落疑似好", None),
    "wayback-markdown/article_10524.md": ("wayback-markdown", "眾新聞", "zh-Hant", "選舉主任隨時仍可DQ人", "2018-03-06"),
    "raw-html/GeneralNewsExtractor/people/1.html":
        ("html-page", "人民网", "zh-Hans", "女儿出嫁，郑板桥画了几笔兰花当嫁妆", "2019-06-15"),
    "raw-html/GeneralNewsExtractor/xinhuanet/1.html": ("html-page", "新华网", "zh-Hans", "法国全国大罢工", "2019-12-10"),
    "raw-html/readability/lemonde-1/source.html":
        # the known-host table's name (data/outlets.toml) before the page's own "Le Monde.fr"
        ("html-page", "Le Monde", "fr", "Le projet de loi sur le rensei", "2015-05-04T13:36:31+02:00"),
}


@pytest.fixture(scope="module")
def fixtures_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("fixtures")
    summary = ingest_into(root, [FIXTURES])
    return pages(root), summary


def test_the_fixture_set_is_what_sources_md_lists():
    files = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*") if p.is_file())
    assert files == sorted(EXPECTED)
    listed = (FIXTURES.parent / "SOURCES.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in listed for name in files)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_ingests_exactly_right(fixtures_run, name):
    by_file, summary = fixtures_run
    assert not summary.failed and not summary.skipped and not summary.duplicates
    front, body = by_file[f"sources/raw/{name}"]
    fmt, outlet, lang, title, date = EXPECTED[name]
    assert (front["source"]["format"], front["outlet"], front["lang"]) == (fmt, outlet, lang)
    assert front["title"].startswith(title) and front.get("date") == date
    assert schema.problems(front) == []
    assert [m for m in JUNK_MARKERS if m in body] == []
    assert len(body) > 300 and "\r" not in body and "\x00" not in body


def test_every_reader_is_covered(fixtures_run):
    by_file, _summary = fixtures_run
    assert {front["source"]["format"] for front, _body in by_file.values()} == {"jekyll-feed", "wayback-markdown",
                                                                               "html-page"}
    # plain-text: the NTDTV seed (tests/test_seeds.py)
