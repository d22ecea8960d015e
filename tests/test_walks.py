"""The build's two walks of a folder tree - content/ for the fingerprint (fingerprint._walked) and site/
for the memo and the commit (write.walk) - stat each file relative to its folder's descriptor. Each
is held here to what a walk by whole paths finds (os.walk with an lstat of each entry, as the
content walk was before; the site walk was a scandir of each folder's path) on a tree with the entries a hand may leave there (symlinks to
files, to folders and to nothing, nested and empty folders, names that are not UTF-8)."""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from newsarchive.builder import fingerprint, write


def _tree(root: Path) -> Path:
    for folder in ("a/b/c", "a/empty", "d", "z"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name, text in (("a/one.md", "1"), ("a/b/two.md", "22"), ("a/b/c/three.md", "333"), ("d/x.md", ""),
                       ("top.md", "top"), ("z/last.md", "z")):
        (root / name).write_text(text, encoding="utf-8")
    os.symlink("a/one.md", root / "link-to-file")
    os.symlink("a", root / "link-to-folder")
    os.symlink("nowhere", root / "dangling")
    os.symlink("../d", root / "a" / "b" / "up")
    (root / os.fsdecode(b"bad-\xff.md")).write_text("not utf-8", encoding="utf-8")
    return root


def _walked_by_paths(top: str):
    """The walk before: os.walk, each folder's folders and files sorted, an lstat of each file's path."""
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames.sort()
        names = sorted(filenames)
        yield dirpath, names, [os.lstat(f"{dirpath}/{name}") for name in names]


def _present_by_paths(site: Path) -> write.Present:
    """What write.walk finds, found another way: os.walk (which follows no symlink), an lstat of each
    entry by its whole path telling files, folders and symlinks apart."""
    files, folders, links, found = set(), set(), False, {}
    for dirpath, dirnames, filenames in os.walk(site):
        here = os.path.relpath(dirpath, site)
        for name in dirnames + filenames:
            rel_path = name if here == "." else f"{here}/{name}"
            st = os.lstat(os.path.join(dirpath, name))
            if stat.S_ISLNK(st.st_mode):
                links = True
            elif stat.S_ISDIR(st.st_mode):
                folders.add(rel_path)
                continue
            else:
                files.add(rel_path)
            found[rel_path] = (st.st_size, st.st_mtime_ns)
    return write.Present(files, folders, links, found)


def test_content_walk_is_os_walk(tmp_path):
    top = os.fspath(_tree(tmp_path / "content"))
    assert list(fingerprint._walked(top)) == list(_walked_by_paths(top))
    # what the fingerprint hashes of it, and the stats and folders it hands on, the same as os.walk's
    h, stats, folders = hashlib.sha256(), {}, {}
    fingerprint._hash_folder(h, Path(top), stats, folders)
    expected = {dirpath: (names, found) for dirpath, names, found in _walked_by_paths(top)}
    assert folders == expected
    assert stats == {f"{d}/{n}": st for d, (names, found) in expected.items() for n, st in zip(names, found)}
    assert f"{top}/link-to-file" in stats and f"{top}/dangling" in stats  # (symlinks as files, not followed)
    assert not any(d.startswith(f"{top}/link-to-folder") or d.endswith("/up") for d in folders)


def test_content_walk_of_a_symlinked_top_and_of_nothing(tmp_path):
    real = _tree(tmp_path / "real")
    os.symlink(real, tmp_path / "content")
    top = os.fspath(tmp_path / "content")
    assert list(fingerprint._walked(top)) == list(_walked_by_paths(top))
    assert list(fingerprint._walked(os.fspath(tmp_path / "missing"))) == []


def test_content_walk_raises_for_a_file_gone_before_its_stat(tmp_path, monkeypatch):
    top = _tree(tmp_path / "content")
    listed = fingerprint._listed

    def listed_then_gone(fd):
        found = listed(fd)
        if "top.md" in found[1]:
            (top / "top.md").unlink()
        return found

    monkeypatch.setattr(fingerprint, "_listed", listed_then_gone)
    with pytest.raises(FileNotFoundError):
        list(fingerprint._walked(os.fspath(top)))


def test_site_walk_is_the_walk_by_paths(tmp_path):
    site = _tree(tmp_path / "site")
    assert write.walk(site) == _present_by_paths(site)
    assert write.walk(site).links
    assert write.site_files(site) == _present_by_paths(site).stats


def test_site_walk_of_many_folders_holds_one_descriptor_at_a_time(tmp_path, monkeypatch):
    """(tags/ holds thousands of folders: were each opened when found, a walk would run out of them)"""
    site = tmp_path / "site"
    for k in range(300):
        (site / "tags" / f"t{k}").mkdir(parents=True)
        (site / "tags" / f"t{k}" / "index.html").write_text(str(k), encoding="utf-8")
    expected = _present_by_paths(site)
    before = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else None
    opened, real_open = [], os.open

    def counting_open(*args, **kwargs):
        fd = real_open(*args, **kwargs)
        opened.append(fd)
        return fd

    monkeypatch.setattr(os, "open", counting_open)
    present = write.walk(site)
    monkeypatch.undo()
    assert present == expected and len(present.files) == 300
    assert len(opened) == 302 and len(set(opened)) <= 2  # (each closed before the next is opened)
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before


def test_site_walk_refuses_a_folder_swapped_for_a_symlink(tmp_path, monkeypatch):
    """A folder listed as one, then replaced by a symlink before it is walked: not walked through
    (the walk fails, as for a folder that cannot be listed)."""
    site = _tree(tmp_path / "site")
    outside = _tree(tmp_path / "outside")
    real_open = os.open

    def swapping_open(path, *args, **kwargs):
        if os.fspath(path).endswith("/z") and not (site / "z").is_symlink():
            (site / "z" / "last.md").unlink()
            (site / "z").rmdir()
            os.symlink(outside, site / "z")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", swapping_open)
    with pytest.raises(OSError):
        write.walk(site)
    monkeypatch.undo()
    assert (site / "z").is_symlink()  # (it was swapped, and the walk did not go through it)
