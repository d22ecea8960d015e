"""The generic cleaning chain's own cases (newsarchive/clean/cases.toml): per family of junk, what
must go and the look-alike that must stay, through the whole chain with no outlet rule."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import newsarchive
from newsarchive import to_markdown
from newsarchive.clean import DocInfo, clean

CASES = tomllib.loads((Path(newsarchive.__file__).parent / "clean" / "cases.toml").read_text(encoding="utf-8"))["cases"]
# The page the cases stand in (a link-only list to this site is a related-articles list).
BASE = "https://www.example.com/news/0"


@pytest.mark.parametrize("case", CASES, ids=[c["family"] for c in CASES])
def test_generic_case(case):
    html, _report = clean(case["html"], DocInfo(title="", base_url=BASE), None)
    markdown = to_markdown.convert(html)
    for text in case.get("contains", ()):
        assert text in markdown, f"{text!r} missing from:\n{markdown}"
    for text in case.get("absent", ()):
        assert text not in markdown, f"{text!r} still in:\n{markdown}"


def test_every_family_with_a_removal_has_a_look_alike_that_stays():
    kept = [c for c in CASES if not c.get("absent")]
    assert len(kept) >= 4 and len(CASES) - len(kept) >= 10


# ---- never lose the article; of two extractors' picks, the one with prose ----

_PROSE = "".join(f"<p>第{i}段：这是一篇很长的报道，讲述了城市的变化和人们的生活，以及政府的新政策如何影响每一个家庭。</p>"
                 for i in range(12))


def test_an_extractors_pick_that_cleaning_would_empty_is_kept_whole_and_said():
    from newsarchive import ingest

    markdown, report = ingest._cleaned(ingest.Found(None, f"<div><aside>{_PROSE}</aside></div>", extracted=True),
                                       DocInfo())
    assert "第11段" in markdown and dict(report.counts)[ingest.KEPT_WHOLE] == 1
    # a feed's own HTML is not an extractor's pick: what its cleaning removes stays removed
    markdown, report = ingest._cleaned(ingest.Found(None, f"<div><aside>{_PROSE}</aside></div>"), DocInfo())
    assert markdown == "" and ingest.KEPT_WHOLE not in dict(report.counts)


def test_of_two_extractors_picks_the_one_with_prose_is_kept_and_said():
    from newsarchive import ingest

    headlines = "".join(f"<p>另一条新闻的标题第{i}条</p>" for i in range(10))
    found = ingest.Found(None, headlines, alternatives=(_PROSE,), extracted=True)
    markdown, report = ingest._cleaned(found, DocInfo())
    assert "第11段" in markdown and dict(report.counts)[ingest.SECOND_PICK] == 1
    found = ingest.Found(None, _PROSE, alternatives=(headlines,), extracted=True)
    markdown, report = ingest._cleaned(found, DocInfo())
    assert "第11段" in markdown and ingest.SECOND_PICK not in dict(report.counts)
