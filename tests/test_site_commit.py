"""How a build puts its site in place (builder/write.py): few new files renamed into site/ under a
journal, many staged whole and swapped in; a commit killed part way finished by the next run; never
through a symlink."""
import re
import shutil
from pathlib import Path

import pytest

from newsarchive.builder import write

from .conftest import build, copy_tree, run_cli, run_cli_without_file_powers


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _retitle(root: Path, title: str) -> None:
    page = sorted((root / "content").rglob("*.md"))[0]
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r'^title: ".*"$', f'title: "{title}"', text, count=1, flags=re.M), encoding="utf-8")


def _clean(root: Path, where: Path) -> dict[str, bytes]:
    shutil.copytree(root, where, ignore=shutil.ignore_patterns("site", ".newsarchive-cache", ".site-*"))
    build(where)
    return _files(where / "site")


@pytest.fixture
def root(seed_root, tmp_path):
    copy_tree(seed_root, tmp_path / "a")
    build(tmp_path / "a")
    return tmp_path / "a"


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (no `except Exception`, no staging removed)."""


def test_few_new_files_go_in_place_and_many_are_swapped_in(root, tmp_path, monkeypatch):
    site = root / "site"
    folder = site.stat().st_ino
    untouched = (site / "404.html").stat().st_ino
    monkeypatch.setattr(write, "IN_PLACE_SHARE", 1.0)  # (the seeds are five articles: an edit changes most pages)
    _retitle(root, "甲")
    build(root)
    assert site.stat().st_ino == folder, "an edit's pages were not put into the site folder in place"
    assert (site / "404.html").stat().st_ino == untouched
    assert _files(site) == _clean(root, tmp_path / "clean1")
    monkeypatch.setattr(write, "IN_PLACE_SHARE", 0.0)
    _retitle(root, "乙")
    build(root)
    assert site.stat().st_ino != folder, "a rewrite was not staged whole and swapped in"
    assert (site / "404.html").stat().st_ino == untouched  # kept pages are linked into the swapped-in site
    assert _files(site) == _clean(root, tmp_path / "clean2")
    assert not list(root.glob(".site-*"))


def test_the_corpus_takes_an_edited_title_in_place(corpus_run, tmp_path):
    """At the share the build uses (IN_PLACE_SHARE), on 277 real articles: one title edited changes few
    files, and they are renamed into the site; a file no page wants any more is removed."""
    root = tmp_path / "c"
    shutil.copytree(corpus_run[0] / "content", root / "content")
    build(root, search=False)
    site = root / "site"
    folder = site.stat().st_ino
    (site / "stray.html").write_bytes(b"left by hand")
    _retitle(root, "改過的標題 An edited title")
    build(root, search=False)
    assert site.stat().st_ino == folder
    assert not (site / "stray.html").exists()
    shutil.copytree(root / "content", tmp_path / "clean" / "content")
    build(tmp_path / "clean", search=False)
    assert _files(site) == _files(tmp_path / "clean" / "site")


def test_a_commit_killed_part_way_is_finished_by_the_next_run(root, tmp_path, monkeypatch):
    """Killed after some of its files were renamed into site/: the journal is there (pack refuses the
    mix, check names it), and finishing it gives the site that build made; the next build leaves no
    journal or staging folder, and then pack and check are content."""
    monkeypatch.setattr(write, "IN_PLACE_SHARE", 1.0)
    _retitle(root, "甲")
    want = _clean(root, tmp_path / "clean")
    renames = []
    real_replace = write.os.replace

    def replace_then_die(source, target):
        if ".site-new-" in str(source):  # a staged file going into site/ (not the cache's files)
            if len(renames) == 3:
                raise _Killed()
            renames.append(target)
        real_replace(source, target)

    monkeypatch.setattr(write.os, "replace", replace_then_die)
    monkeypatch.setattr(write.Staging, "__exit__", lambda self, *exc: None)  # a killed process cleans nothing up
    with pytest.raises(_Killed):
        build(root)
    monkeypatch.undo()
    assert len(list(root.glob(write.JOURNAL + "*"))) == 1 and len(renames) == 3
    assert _files(root / "site") != want  # part way: some new files in, not all
    packed, checked = run_cli("--root", str(root), "pack"), run_cli("--root", str(root), "check")
    assert packed.returncode == 1 and "killed while putting its pages in place" in packed.stderr
    assert not (root / "site.zip").exists()
    assert checked.returncode == 1 and "killed while putting its pages in place" in checked.stderr
    copy = tmp_path / "copy"
    copy_tree(root, copy)
    write.finish_commits(copy / "site")
    assert _files(copy / "site") == want
    assert not list(copy.glob(write.JOURNAL + "*"))
    build(root)
    assert _files(root / "site") == want
    assert not list(root.glob(".site-*"))
    assert run_cli("--root", str(root), "pack").returncode == 0
    assert "killed" not in run_cli("--root", str(root), "check").stderr


def test_a_symlink_in_the_site_is_never_written_through(root, tmp_path, monkeypatch):
    """A folder of site/ replaced by a symlink to one outside: the build writes nothing there and puts
    a real folder back (the site is staged whole and swapped in, not changed in place)."""
    monkeypatch.setattr(write, "IN_PLACE_SHARE", 1.0)
    outside = tmp_path / "outside"
    shutil.copytree(root / "site" / "outlets", outside)
    before = _files(outside)
    shutil.rmtree(root / "site" / "outlets")
    (root / "site" / "outlets").symlink_to(outside, target_is_directory=True)
    _retitle(root, "甲")
    build(root)
    assert _files(outside) == before
    assert not (root / "site" / "outlets").is_symlink()
    assert _files(root / "site") == _clean(root, tmp_path / "clean")


def test_a_folder_made_read_only_in_the_site_is_swapped_away_not_written_into(corpus_run, tmp_path):
    """The article folders of site/ made read-only by hand, then one title edited (few files: the build
    would rename them in place): the build does not fail part way through renaming into them; the new
    site is swapped in whole, and the old one it could not remove is named."""
    root = tmp_path / "c"
    shutil.copytree(corpus_run[0] / "content", root / "content")
    build(root, search=False)
    _retitle(root, "改過的標題 An edited title")
    shutil.copytree(root / "content", tmp_path / "clean" / "content")
    build(tmp_path / "clean", search=False)
    frozen = [p for p in (root / "site" / "articles").rglob("*") if p.is_dir()]
    for folder in frozen:
        folder.chmod(0o555)
    try:
        result = run_cli_without_file_powers("--root", str(root), "build", "--no-search")
    finally:
        for leftover in [root / "site", *root.glob(".site-*")]:
            for folder in [leftover, *leftover.rglob("*")]:
                if folder.is_dir() and not folder.is_symlink():
                    folder.chmod(0o755)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert _files(root / "site") == _files(tmp_path / "clean" / "site")
    assert "not removed" in result.stderr
