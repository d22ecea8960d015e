"""The parsed-page cache (builder/parsed.py): a build in a new process reads only the content pages
whose files changed since the last one, and gathers exactly what reading them all gathers."""
import datetime
import os
import shutil
from pathlib import Path

from newsarchive import archive as arc
from newsarchive.builder import collect as gather
from newsarchive.builder import parsed

from .conftest import copy_tree


def _reads(monkeypatch) -> list[Path]:
    """The content pages read from now on."""
    read: list[Path] = []
    real = Path.read_text

    def counting(self, *args, **kwargs):
        if self.suffix == ".md":
            read.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counting)
    return read


def _fresh(root: Path) -> gather.Site:
    """What collect() gathers with no cache at all (every page read): the archive's content/ copied
    to a root of its own (the pages' names are relative to the root: the same entries)."""
    other = root.parent / f"{root.name}-fresh"
    shutil.rmtree(other, ignore_errors=True)
    copy_tree(root / "content", other / "content")
    return gather.collect(arc.Archive(other))


def test_a_second_build_reads_no_page_and_gathers_the_same(seed_root, tmp_path, monkeypatch):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    first = gather.collect(arc.Archive(root))
    read = _reads(monkeypatch)
    again = gather.collect(arc.Archive(root))
    assert read == []
    assert again == first == _fresh(root)
    assert [e.body_md for e in again.entries] == [e.body_md for e in first.entries]
    assert [(e.source, e.cleaning) for e in again.entries] == [(e.source, e.cleaning) for e in first.entries]


def test_an_edited_page_is_read_again_and_only_it(seed_root, tmp_path, monkeypatch):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    gather.collect(arc.Archive(root))
    page = sorted((root / "content").rglob("*.md"))[1]
    text = page.read_text(encoding="utf-8")
    stat = page.stat()
    # The same size and modification time as before: only the change time and the bytes differ.
    page.write_text(text.replace('title: "', 'title: "X', 1)[:len(text)], encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert page.stat().st_size == stat.st_size
    read = _reads(monkeypatch)
    site = gather.collect(arc.Archive(root))
    assert read == [page]
    assert site == _fresh(root)
    assert any(e.title.startswith("X") for e in site.entries)


def test_a_deleted_page_and_a_new_one_are_seen(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    gather.collect(arc.Archive(root))
    pages = sorted((root / "content").rglob("*.md"))
    pages[0].rename(pages[0].with_name("moved-here.md"))
    site = gather.collect(arc.Archive(root))
    assert site == _fresh(root)
    assert any(e.content_file.endswith("/moved-here.md") for e in site.entries)
    assert not any(e.content_file == arc.Archive(root).content_file(pages[0]) for e in site.entries)


def test_values_json_would_change_are_never_kept(seed_root, tmp_path, monkeypatch):
    """A hand-written page whose YAML holds a date and a number key in a mapping is parsed every time
    (JSON would give them back as other things), and still gathered right."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    page = sorted((root / "content").rglob("*.md"))[0]
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("source:\n", "source:\n  captured: 2020-09-17\n  7: seven\n", 1), encoding="utf-8")
    first = gather.collect(arc.Archive(root))
    hand = next(e for e in first.entries + first.earlier if e.content_file == arc.Archive(root).content_file(page))
    assert (hand.source[7], hand.source["captured"]) == ("seven", datetime.date(2020, 9, 17))
    read = _reads(monkeypatch)
    again = gather.collect(arc.Archive(root))
    assert read == [page]
    assert again == first
    assert [e.source for e in again.entries] == [e.source for e in first.entries]


def test_a_damaged_or_foreign_cache_file_is_no_cache(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    gather.collect(arc.Archive(root))
    files = sorted((root / ".newsarchive-cache" / parsed.FOLDER).glob("*.json"))
    assert files
    files[0].write_text('{"version": "other", "data": {}}', encoding="utf-8")
    for other in files[1:]:
        other.write_bytes(other.read_bytes()[:50])
    assert gather.collect(arc.Archive(root)) == _fresh(root)


def test_listing_finds_what_a_walk_finds_and_names_every_symlink(tmp_path):
    root = tmp_path / "a"
    content = root / "content" / "2020" / "09"
    content.mkdir(parents=True)
    (content / "a.md").write_text("x", encoding="utf-8")
    (content / ".tmp-b.md").write_text("x", encoding="utf-8")
    (content / "notes.txt").write_text("x", encoding="utf-8")
    (content / "link.md").symlink_to(content / "a.md")
    (root / "content" / "elsewhere").symlink_to(tmp_path)
    (content / "folder.md").mkdir()
    (content / "folder.md" / "c.md").write_text("x", encoding="utf-8")
    os.mkfifo(content / "pipe.md")
    pages, links = arc.Archive(root).content_listing()
    assert [p for p, _ in pages] == [content / "a.md", content / "folder.md" / "c.md"]
    assert all(stat.st_size == 1 for _, stat in pages)
    assert links == sorted([content / "link.md", root / "content" / "elsewhere"])


def test_a_row_damaged_by_hand_is_no_cache(seed_root, tmp_path, monkeypatch):
    """A cache file of the right version whose rows lack a key, hold a tag as a number or a mapping as
    a list: those pages are read again, without a traceback."""
    import json

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    gather.collect(arc.Archive(root))
    damage = ({"drop": "title"}, {"tags": [7]}, {"source": []})
    files = sorted((root / ".newsarchive-cache" / parsed.FOLDER).glob("*.json"))
    rows = 0
    for file in files:
        saved = json.loads(file.read_text(encoding="utf-8"))
        for name, row in saved["data"].items():
            how = damage[rows % len(damage)]
            row[3].pop(how["drop"]) if "drop" in how else row[3].update(how)
            rows += 1
        file.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    assert rows >= len(damage)
    read = _reads(monkeypatch)
    again = gather.collect(arc.Archive(root))
    assert len(read) == rows
    assert again == _fresh(root)
