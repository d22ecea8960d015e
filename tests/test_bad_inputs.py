"""The bad-input suite (tests/bad_inputs/cases.py): every case has its expected outcome, nothing
else in the archive changes, nothing executable reaches content/ or site/, a symlink is never followed."""
import os
import re

import pytest

from newsarchive import page

from .bad_inputs.cases import CASES, SEED_BODY
from .conftest import build, copy_tree, pages, run_cli
from .site_checks import assert_published_and_well_formed

VECTORS = re.compile(r"(?<!\\)<\s*(script|iframe|object|embed|svg|math|form|meta|base|style)\b|\son\w+\s*=|"
                     r"javascript:|data:text/html|http-equiv|evil\.example", re.I)


@pytest.fixture(scope="module")
def outcome(seed_root, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    root = tmp / "archive"
    copy_tree(seed_root, root)
    before = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    incoming = tmp / "incoming"
    incoming.mkdir()
    for case in CASES:
        (incoming / case.name).write_bytes(case.data)
    outside = tmp / "secret.txt"
    outside.write_text("標題\n不應被讀取的檔案內容\n", encoding="utf-8")
    os.symlink(outside, root / "sources" / "link-to-outside.txt")
    result = run_cli("--root", str(root), "ingest", str(incoming))
    result_all = run_cli("--root", str(root), "ingest")
    build(root)
    return root, before, result, result_all


def test_one_line_per_failure_and_no_traceback(outcome):
    _root, _before, result, _all = outcome
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    for case in CASES:
        mine = [ln for ln in lines if case.name in ln]
        if case.outcome in ("ingested",):
            assert not mine, (case.name, mine)
        else:
            assert len(mine) == 1 and case.outcome in mine[0], (case.name, mine)


@pytest.mark.parametrize("case", [c for c in CASES if c.outcome == "ingested"], ids=lambda c: c.name)
def test_ingested_cases_have_clean_pages(outcome, case):
    root, _before, _result, _all = outcome
    key = f"sources/incoming/{case.name}"
    front, body = pages(root)[key]
    assert (root / key).read_bytes() == case.data  # preserved byte for byte, odd name and all
    if case.keeps:
        assert case.keeps in body
    assert not VECTORS.search(body), body


def test_a_source_url_that_is_not_one_loses_only_the_url(outcome):
    """Said in one warning line (test_one_line_per_failure_and_no_traceback); the article is there, with
    everything but source.url."""
    root, _before, _result, _all = outcome
    front, body = pages(root)["sources/incoming/from-not-a-url.md"]
    assert "url" not in front["source"] and front["title"] == "來源網址壞了" and SEED_BODY in body


def test_nothing_already_archived_changed(outcome):
    root, before, _result, _all = outcome
    for rel, data in before.items():
        if rel.startswith(("sources/", "content/")):
            assert (root / rel).read_bytes() == data, rel


def test_symlink_in_sources_is_not_followed(outcome):
    root, _before, _result, result_all = outcome
    assert "link-to-outside.txt: symlink, not followed" in result_all.stderr
    assert all("不應被讀取" not in body for _front, body in pages(root).values())
    assert not any("不應被讀取" in p.read_text(encoding="utf-8") for p in (root / "site").rglob("*.html"))


def test_built_site_has_no_executable_vectors(outcome):
    root, _before, _result, _all = outcome
    # (its title is in its neighbours' pages too, as a link: the page whose heading it is)
    hostile = next(p for p in (root / "site" / "articles").rglob("*.html")
                   if "惡意標記" in p.read_text(encoding="utf-8").split("<h1>", 1)[-1].split("</h1>", 1)[0])
    html = hostile.read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    assert not VECTORS.search(article), article
    for text in ("第一段真正的正文", "第二段正文", "第三段正文", "第四段正文"):
        assert text in article


def test_every_page_still_verifies(outcome):
    root, _before, _result, _all = outcome
    for md in (root / "content").rglob("*.md"):
        assert page.verify(md.read_text(encoding="utf-8")) is True


def test_whatever_ingest_accepted_is_published_and_the_outputs_parse(outcome):
    """Every page ingest wrote is in the site (none left out), every feed and the sitemap are
    well-formed XML, every article's JSON-LD is JSON, and no script element holds page text."""
    root, _before, _result, _all = outcome
    assert_published_and_well_formed(root)
