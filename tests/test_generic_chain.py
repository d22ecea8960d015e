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
