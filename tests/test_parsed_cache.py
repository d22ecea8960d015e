"""The parsed-page cache (parsed.py): a build in a new process reads only the content pages
whose files changed since the last one, and gathers exactly what reading them all gathers."""
import datetime
import json
import os
import shutil
from pathlib import Path

import pytest

from newsarchive import archive as arc
from newsarchive.builder import collect as gather
from newsarchive.builder import gathered
from newsarchive import parsed

from .conftest import SEEDS, copy_tree, ingest_into


@pytest.fixture(autouse=True)
def _no_gathered_entries(monkeypatch):
    """The parsed-page cache on its own: the gathered entries a build keeps in front of it
    (gathered.py, tested in test_gathered.py) hold nothing here - whether a test's folders are
    settled enough to be kept depends on how long the run took to reach it."""
    monkeypatch.setattr(gathered.Kept, "_index", lambda self: {})


def _reads(monkeypatch) -> list[Path]:
    """The content pages read from now on."""
    read: list[Path] = []
    real = parsed.read_page

    def counting(file):
        read.append(Path(file))
        return real(file)

    monkeypatch.setattr(parsed, "read_page", counting)
    return read


@pytest.mark.parametrize("raw", [b"", b"a\nb", b"a\r\nb\r\n", b"a\rb\r", b"\r\r\n\n\r", "\ufeff標題\r\n\u2028x".encode(),
                                 b"tail\r", b"\xe6\x96"])
def test_a_page_is_read_as_read_text_reads_it(tmp_path, raw):
    """read_page gives the text Path.read_text(encoding="utf-8") gives - universal newlines, a BOM
    kept, U+2028 kept - and raises what it raises on bytes that are not UTF-8."""
    file = tmp_path / "p.md"
    file.write_bytes(raw)
    try:
        expected = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        with pytest.raises(UnicodeDecodeError):
            parsed.read_page(file)
        return
    assert parsed.read_page(file) == parsed.read_page(str(file)) == expected


def _fresh(root: Path) -> gather.Site:
    """What collect() gathers with no cache at all (every page read): the archive's content/ copied
    to a root of its own (the pages' names are relative to the root: the same entries)."""
    other = root.parent / f"{root.name}-fresh"
    shutil.rmtree(other, ignore_errors=True)
    copy_tree(root / "content", other / "content")
    return gather.collect(arc.Archive(other))


def _bodies(site: gather.Site) -> list[str]:
    """Each entry's body (Entry equality leaves it to the digest: a body read from the wrong place
    would pass it)."""
    return [e.body_md for e in site.entries + site.earlier]


def _whole(site: gather.Site) -> tuple:
    """A site as it compares with another with its entries' bodies (see _bodies)."""
    return site, _bodies(site)


def test_a_second_build_reads_no_page_and_gathers_the_same(seed_root, tmp_path, monkeypatch):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    first = gather.collect(arc.Archive(root))
    read = _reads(monkeypatch)
    again = gather.collect(arc.Archive(root))
    assert read == []
    assert again == first == _fresh(root)
    assert _bodies(again) == _bodies(first) == _bodies(_fresh(root))
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
    assert _whole(site) == _whole(_fresh(root))
    assert any(e.title.startswith("X") for e in site.entries)


def test_a_deleted_page_and_a_new_one_are_seen(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    gather.collect(arc.Archive(root))
    pages = sorted((root / "content").rglob("*.md"))
    pages[0].rename(pages[0].with_name("moved-here.md"))
    site = gather.collect(arc.Archive(root))
    assert _whole(site) == _whole(_fresh(root))
    assert any(e.content_file.endswith("/moved-here.md") for e in site.entries)
    assert not any(e.content_file == arc.Archive(root).content_file(pages[0]) for e in site.entries)


def test_values_json_would_change_are_never_kept(seed_root, tmp_path, monkeypatch):
    """A hand-written page whose YAML holds a date and a number key in a mapping, or an integer past
    64 bits (the cache's reader gives it back as a float), is parsed every time (JSON would give them
    back as other things), and still gathered right; a page with a 64-bit one is kept."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    page, *others = sorted((root / "content").rglob("*.md"))
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("source:\n", "source:\n  captured: 2020-09-17\n  7: seven\n", 1), encoding="utf-8")
    large = [others[0], others[1]]
    for n, value in ((0, 1 << 64), (1, (1 << 64) - 1)):
        text = large[n].read_text(encoding="utf-8")
        large[n].write_text(text.replace("source:\n", f"source:\n  serial: {value}\n", 1), encoding="utf-8")
    first = gather.collect(arc.Archive(root))
    hand = next(e for e in first.entries + first.earlier if e.content_file == arc.Archive(root).content_file(page))
    assert (hand.source[7], hand.source["captured"]) == ("seven", datetime.date(2020, 9, 17))
    read = _reads(monkeypatch)
    again = gather.collect(arc.Archive(root))
    assert sorted(read) == sorted([page, large[0]])
    assert {e.source.get("serial") for e in again.entries + again.earlier} == {None, 1 << 64, (1 << 64) - 1}
    assert _whole(again) == _whole(first)
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
    assert _whole(gather.collect(arc.Archive(root))) == _whole(_fresh(root))


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
    pages, refused = arc.Archive(root).content_listing()
    assert [p for p, _ in pages] == [content / "a.md", content / "folder.md" / "c.md"]
    assert all(stat.st_size == 1 for _, stat in pages)
    assert refused == sorted([(content / "link.md", arc.SYMLINK), (root / "content" / "elsewhere", arc.SYMLINK)])


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
    assert _whole(again) == _whole(_fresh(root))


def _page_reads(monkeypatch) -> list[Path]:
    """The content pages read as bytes from now on (how ingest reads them)."""
    read: list[Path] = []
    real = Path.read_bytes

    def counting(self):
        if self.suffix == ".md" and "content" in self.parts:
            read.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    return read


def _near_copy(tmp_path: Path) -> Path:
    """A seed with one more blank line: other bytes (not a copy by digest), the same article - only its
    title and text can tell it is a duplicate, so ingest needs what the archive holds, bodies too."""
    other = tmp_path / "incoming" / "near copy.txt"
    other.parent.mkdir(parents=True)
    other.write_bytes(SEEDS.joinpath("003_bb4a6ccb6fd5c6e9.txt").read_bytes() + b"\n\n")
    return other


def test_ingest_takes_what_the_archive_holds_from_the_cache(seed_root, tmp_path, monkeypatch):
    """New raw files after a build: the dedupe index comes from the build's parsed pages (no content
    page read, at 100 000 pages that was ~30 s), and says what reading every page says."""
    root, plain = tmp_path / "a", tmp_path / "b"
    copy_tree(seed_root, root)
    copy_tree(seed_root, plain)
    gather.collect(arc.Archive(root))
    read = _page_reads(monkeypatch)
    summary = ingest_into(root, [_near_copy(tmp_path)])
    assert read == []
    assert summary.duplicates == [("sources/near copy.txt", "sources/003_bb4a6ccb6fd5c6e9.txt")]
    assert ingest_into(plain, [_near_copy(tmp_path / "x")]).duplicates == summary.duplicates
    assert len(read) == 5  # (no cache there: every page read)


def test_ingest_reads_a_page_changed_since_the_build(seed_root, tmp_path, monkeypatch):
    """A page edited after the build is not the cache's: ingest reads that one, no other."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    gather.collect(arc.Archive(root))
    held = next(p for p in sorted((root / "content").rglob("*.md"))
                if 'file: "sources/000_bf67578e0c1fd6cd.txt"' in p.read_text(encoding="utf-8"))
    held.write_text(held.read_text(encoding="utf-8").replace('title: "', 'title: "Renamed ', 1), encoding="utf-8")
    read = _page_reads(monkeypatch)
    summary = ingest_into(root, [_near_copy(tmp_path)])
    assert read == [held]
    assert summary.duplicates == [("sources/near copy.txt", "sources/003_bb4a6ccb6fd5c6e9.txt")]


def _parses(monkeypatch) -> list[str]:
    """Front matter parsed from now on (page.split's calls)."""
    from newsarchive import page

    calls: list[str] = []
    real = page.split

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(page, "split", counting)
    return calls


def test_a_checked_out_copy_is_read_but_not_parsed_again(seed_root, tmp_path, monkeypatch):
    """In CI content/ is a fresh checkout beside a restored cache folder: every file has new times and
    inode. Such pages are read (their digest compared) but not parsed again, and gather the same; and
    ingest there takes the recorded values too."""
    first, root = tmp_path / "a", tmp_path / "b"
    copy_tree(seed_root, first)
    gather.collect(arc.Archive(first))
    copy_tree(first, root)  # (new inodes and times, the same texts, the cache as it was)
    parses = _parses(monkeypatch)
    read = _reads(monkeypatch)
    site = gather.collect(arc.Archive(root))
    assert parses == [] and len(read) == len(list((root / "content").rglob("*.md")))
    fresh = _fresh(root)
    assert site == fresh and len(site.entries) >= 4
    del read[:], parses[:]  # (_fresh parsed its own copy)
    again = gather.collect(arc.Archive(root))
    assert again == site and read == []  # (re-signed: not even read now)
    assert _bodies(again) == _bodies(site) == _bodies(fresh)  # (read from the files where recorded)
    copy_tree(first, tmp_path / "c")
    summary = ingest_into(tmp_path / "c", [_near_copy(tmp_path)])
    assert parses == []
    assert summary.duplicates == [("sources/near copy.txt", "sources/003_bb4a6ccb6fd5c6e9.txt")]


def test_the_main_job_decodes_the_cache_once_for_ingest_and_build(seed_root, tmp_path, monkeypatch):
    """The main job (ingest, then build, in one process): the parsed-page files ingest decoded for
    its dedupe index are handed to the build, not decoded again (~7 s at 100 000 articles), and the
    site is the one a separate ingest and build make."""
    from newsarchive import cli
    from newsarchive.cache import CacheStore

    root, apart = tmp_path / "a", tmp_path / "b"
    for where in (root, apart):
        copy_tree(seed_root, where)
        assert cli.main(["--root", str(where), "build", "-q"]) == 0
        _near_copy(where / "sources")  # (sources/incoming/: the main job ingests what sources/ holds)
        (where / "sources" / "incoming" / "new report.txt").write_text(_NEW_REPORT, encoding="utf-8")
    decoded: list[str] = []
    real = CacheStore.load_any

    def counting(self, name):
        if name.startswith(parsed.FOLDER + "/"):
            decoded.append(name)
        return real(self, name)

    monkeypatch.setattr(CacheStore, "load_any", counting)
    assert cli.main(["--root", str(root), "-q"]) == 0
    assert decoded and len(decoded) == len(set(decoded))
    assert cli.main(["--root", str(apart), "ingest", "-q"]) == 0
    assert cli.main(["--root", str(apart), "build", "-q"]) == 0
    assert _site_files(root) == _site_files(apart)


def _site_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root / "site").as_posix(): p.read_bytes() for p in sorted((root / "site").rglob("*"))
            if p.is_file()}


_NEW_REPORT = """港鐵新綫今日通車　首日客量逾十萬人次
【本報訊 2021 年 09 月 18 日】港鐵新綫今早六時正式通車，首班列車載滿市民及鐵路迷。港鐵表示，首日客量逾十萬人次，
各站運作大致暢順，只有一個車站的閘機一度故障，約十分鐘後修復。
運輸及房屋局局長表示，新綫可紓緩區內道路擠塞，政府會繼續留意乘客意見，研究加密班次。
"""


def test_gathered_objects_are_kept_out_of_the_collector_until_the_next_gathering(seed_root, tmp_path):
    """collect() freezes what it made (gc.freeze: the cycle collector's passes over 100 000 pages'
    objects were ~5 s of one title edit at 100 000); the next collect() in the same process (serve)
    hands the frozen objects back first, so a cycle the last site left as garbage is freed then."""
    import gc
    import weakref

    root = tmp_path / "a"
    copy_tree(seed_root, root)

    class Node:
        pass

    try:
        cycle = Node()
        cycle.itself = cycle
        gone = weakref.ref(cycle)
        site = gather.collect(arc.Archive(root))
        assert gc.get_freeze_count() >= len(site.entries) > 0
        del cycle
        gc.collect()
        assert gone() is not None  # frozen: no pass of the collector reaches it
        gather.collect(arc.Archive(root))
        assert gone() is None  # handed back and collected by the next gathering
    finally:
        gc.unfreeze()


def test_pages_read_in_a_pool_gather_what_reading_them_here_gathers(corpus_run, tmp_path, monkeypatch):
    """A first build reads its pages in a pool of processes (from PARALLEL_READ_FROM pages): the same
    site, the same problems in the same order, and the same cache as reading them in this process - on
    a fresh archive, on a checked-out copy (new file times, the cache restored: the texts are the
    recorded ones), and with a page that fails the schema among them."""
    here, pooled = tmp_path / "here", tmp_path / "pooled"
    shutil.copytree(corpus_run[0] / "content", here / "content")
    broken = sorted((here / "content").rglob("*.md"))[7]
    broken.write_text(broken.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    copy_tree(here, pooled)

    def gathered(root: Path, from_: int):
        monkeypatch.setattr(gather, "PARALLEL_READ_FROM", from_)
        site = gather.collect(arc.Archive(root))
        cache = {p.name: {name: row[1:] for name, row in json.loads(p.read_bytes())["data"].items()}
                 for p in (root / ".newsarchive-cache" / "parsed").glob("*.json")}  # (rows without the files' stats)
        return _whole(site), cache

    site, cache = gathered(here, 10 ** 9)
    assert len(site[0].problems) == 1 and len(site[0].entries) > 200
    assert gathered(pooled, 1) == (site, cache)
    for root, from_ in ((here, 10 ** 9), (pooled, 1)):  # checked out again beside the cache
        moved = root.parent / f"{root.name}-again"
        copy_tree(root, moved)
        assert gathered(moved, from_)[0] == gathered(here, 10 ** 9)[0]
    again, cache_again = gathered(pooled.parent / "pooled-again", 1)
    assert cache_again == gathered(here.parent / "here-again", 10 ** 9)[1]
    assert sum(map(len, cache_again.values())) == len(again[0].entries)  # every page kept, under its new stat


def test_a_body_is_read_from_its_page_when_asked_and_as_the_page_is_then(seed_root, tmp_path):
    """The cache keeps where a body begins, not its text: a recorded page's body is read from its
    file when first asked - as it is then if the file changed since it was listed (a longer front
    matter moves the body), empty if it is gone - and kept."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    first = gather.collect(arc.Archive(root))
    site = gather.collect(arc.Archive(root))
    assert all(e.body._text is None for e in site.entries)  # (none read yet)
    by_file = {e.content_file: e for e in site.entries}
    changed, gone, kept = (by_file[f] for f in sorted(by_file)[:3])
    page = root / changed.content_file
    page.write_text(page.read_text(encoding="utf-8").replace('title: "', 'title: "A much longer title ', 1)
                    .replace("\n---\n\n", "\n---\n\nNew first line.\n\n", 1), encoding="utf-8")
    (root / gone.content_file).unlink()
    was = {e.content_file: e.body_md for e in first.entries}
    assert changed.body_md == "New first line.\n\n" + was[changed.content_file]
    assert gone.body_md == ""
    assert kept.body_md == was[kept.content_file]
    (root / kept.content_file).unlink()
    assert kept.body_md == was[kept.content_file]  # (read once)


def test_a_build_that_keys_every_page_reads_no_body_it_does_not_render(seed_root, tmp_path, monkeypatch):
    """With the last site's shape unknown every article page is keyed, and each is kept as it was:
    no body is read from its page for that (an archive without stored pictures needs none to key a
    page; at 100 000 articles reading them all was ~2.5 s and their memory)."""
    from newsarchive.builder import shape

    from .conftest import build

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root)
    (root / ".newsarchive-cache" / shape.SHAPE).unlink()
    touched = sorted((root / "content").rglob("*.md"))[0]
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10 ** 9))  # (a build to do)
    before = {p: p.stat().st_ino for p in (root / "site" / "articles").rglob("*.html")}
    reads, real = [], parsed.Body._read
    monkeypatch.setattr(parsed.Body, "_read", lambda body: reads.append(body.file) or real(body))
    build(root)
    assert len(before) >= 5 and {p: p.stat().st_ino for p in before} == before  # (every page kept)
    assert reads == []
