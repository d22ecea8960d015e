"""Ingest again: a raw file whose last outcome still holds is reported as it was, without being
converted; a changed raw file, a hand-edited or deleted page, or a rule change sends it through
conversion again, which decides as it always did."""
import dataclasses
import os
import shutil

import pytest

from newsarchive import archive as arc
from newsarchive import ingest, page

from .conftest import _rules, copy_tree, pages


@pytest.fixture
def converted(monkeypatch):
    """The raw file keys converted during a test (conversion kept in this process to see them)."""
    seen: list[str] = []
    real = ingest._convert

    def convert(rules, job):
        seen.append(job[0])
        return real(rules, job)

    monkeypatch.setattr(ingest, "_convert", convert)
    monkeypatch.setattr(ingest, "PARALLEL_FROM", 10 ** 9)
    return seen


def _ingest(root, rules=None):
    archive = arc.Archive(root)
    return ingest.run(archive, [], rules or _rules(archive), warn=lambda msg: None)


def test_a_second_ingest_of_the_corpus_converts_nothing_and_reports_the_same(corpus_run, tmp_path, converted):
    first_root, first = corpus_run
    root = tmp_path / "corpus"
    copy_tree(first_root, root)  # times kept: the memo still holds
    before = pages(root)
    again = _ingest(root)
    assert converted == []
    assert not first.failed and not again.failed
    assert set(again.unchanged) == set(first.ingested + first.updated + first.unchanged) and not again.ingested
    assert set(again.duplicates) == set(first.duplicates) and first.duplicates
    archived = {s for s in first.skipped if s[0].startswith("sources/")}  # not the folder's SOURCES.md: never copied in
    assert set(again.skipped) == archived and archived
    assert pages(root) == before


def test_what_changed_is_converted_again(seed_root, tmp_path, converted):
    root = tmp_path / "seeds"
    copy_tree(seed_root, root)
    by_source = _pages_by_source(root)
    keys = sorted(by_source)
    assert len(keys) == 5 and _ingest(root).unchanged and converted == []

    edited, deleted, replaced = keys[0], keys[1], keys[2]
    page_path = by_source[edited]
    page_path.write_text(page_path.read_text(encoding="utf-8") + "\nA curator's note.\n", encoding="utf-8")
    by_source[deleted].unlink()
    raw = root / replaced
    raw.write_bytes(raw.read_bytes().replace("。".encode(), "．".encode(), 1))
    summary = _ingest(root)
    assert sorted(converted) == sorted([edited, deleted, replaced])
    assert summary.kept_edits == [page_path.relative_to(root).as_posix()]
    assert summary.ingested == [deleted] and _pages_by_source(root)[deleted].is_file()
    assert summary.updated == [replaced]
    assert "A curator's note." in page_path.read_text(encoding="utf-8")

    converted.clear()
    again = _ingest(root)
    assert converted == []  # the kept hand edit is remembered too
    assert again.kept_edits == summary.kept_edits and len(again.unchanged) == 4

    rules = _rules(arc.Archive(root))
    changed_rules = dataclasses.replace(rules, rules=rules.rules[1:])
    _ingest(root, changed_rules)
    assert sorted(converted) == keys


def test_without_the_memo_every_file_is_converted(seed_root, tmp_path, converted):
    root = tmp_path / "seeds"
    copy_tree(seed_root, root)
    shutil.rmtree(root / ".newsarchive-cache")
    summary = _ingest(root)
    assert len(converted) == 5 and len(summary.unchanged) == 5


def _pages_by_source(root):
    return {page.split(p.read_text(encoding="utf-8"))[0]["source"]["file"]: p for p in (root / "content").rglob("*.md")}


def test_a_memo_that_cannot_be_written_costs_only_speed(seed_root, tmp_path, converted):
    root = tmp_path / "seeds"
    copy_tree(seed_root, root)
    shutil.rmtree(root / ".newsarchive-cache")
    (root / ".newsarchive-cache").write_text("not a folder")  # the memo's folder cannot be made
    assert len(_ingest(root).unchanged) == 5
    assert len(_ingest(root).unchanged) == 5 and len(converted) == 10


def test_a_damaged_memo_sends_files_through_conversion(seed_root, tmp_path, converted):
    import json

    root = tmp_path / "seeds"
    copy_tree(seed_root, root)
    memo_file = root / ".newsarchive-cache" / "ingest.json"
    memo = json.loads(memo_file.read_text(encoding="utf-8"))
    first, second, third = sorted(memo["data"])[:3]
    del memo["data"][first]["page"]
    memo["data"][second]["kind"] = "duplicate"  # of nothing recorded
    memo["data"][third] = "a string"
    memo_file.write_text(json.dumps(memo), encoding="utf-8")
    summary = _ingest(root)
    assert sorted(converted) == [first, second, third] and len(summary.unchanged) == 5


def test_a_fresh_checkout_with_the_cache_restored_converts_nothing(seed_root, tmp_path, converted):
    """A deploy's CI job checks the archive out anew (every file's time is new) and restores the cache
    folder: files whose bytes are as they were are still recalled, by their digest."""
    root = tmp_path / "seeds"
    copy_tree(seed_root, root)
    _ingest(root)  # the memo now holds digests
    for path in list((root / "sources").rglob("*")) + list((root / "content").rglob("*.md")):
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10 ** 9))  # a second later
    converted.clear()
    again = _ingest(root)
    assert converted == [] and len(again.unchanged) == 5
    page = next((root / "content").rglob("*.md"))
    page.write_text(page.read_text(encoding="utf-8").replace("。", "！", 1), encoding="utf-8")  # a real edit
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10 ** 9))
    assert len(_ingest(root).kept_edits) == 1 and len(converted) == 1



def test_a_file_recalled_by_its_digest_is_recorded_with_its_stat_as_now(seed_root, tmp_path, converted, monkeypatch):
    """A raw file recalled by its bytes (its time moved) is recorded with the stat its check took, so the
    next ingest recalls it by that stat, reading no file."""
    from newsarchive import ingest_memo

    root = tmp_path / "seeds"
    copy_tree(seed_root, root)
    _ingest(root)
    for path in (root / "sources").rglob("*"):
        if path.is_file():
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10 ** 9))
    converted.clear()
    assert len(_ingest(root).unchanged) == 5 and converted == []
    memo = arc.Archive(root).cache.load_any("ingest.json")[1]
    assert len(memo) == 5 and {key: entry["source"] for key, entry in memo.items()} == {
        key: [os.stat(root / key).st_size, os.stat(root / key).st_mtime_ns] for key in memo}
    hashed = []
    monkeypatch.setattr(ingest_memo, "_sha256", lambda path: hashed.append(path))
    assert len(_ingest(root).unchanged) == 5 and converted == [] and hashed == []
