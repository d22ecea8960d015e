"""Archive safety: byte-for-byte sources, idempotent re-ingest, hand edits kept, duplicates, bad input, check."""
import os
import re
import shutil
import time

from newsarchive import archive as arc
from newsarchive import builder, schema
from newsarchive.builder import fingerprint
from newsarchive.builder.outcome import Built, Unchanged
from newsarchive.builder.state import BuildState

from .conftest import SEEDS, SHARED, copy_tree, ingest_into, pages, require, run_cli

SEED = SEEDS / "000_bf67578e0c1fd6cd.txt"


def _snapshot(root):
    """What is archived: every file but the lock and the cache folder (which remembers, archives nothing)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".newsarchive-cache" not in p.relative_to(root).parts}


def test_the_bundled_archive_holds_exactly_the_seeds():
    """The tests take the seeds from the repo's own sources/ (a fresh clone needs nothing beside it):
    they are the five files of ../shared/seeds, byte for byte."""
    require(SHARED / "seeds", "the seed files (../shared/seeds)")
    shared = {p.name: p.read_bytes() for p in (SHARED / "seeds").iterdir()}
    assert {p.name: p.read_bytes() for p in SEEDS.iterdir()} == shared and len(shared) == 5


def test_raw_files_kept_byte_for_byte(seed_root):
    for seed in SEEDS.iterdir():
        assert (seed_root / "sources" / seed.name).read_bytes() == seed.read_bytes()


def test_reingest_changes_nothing(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    before = _snapshot(root)
    summary = ingest_into(root, [])
    assert len(summary.unchanged) == 5 and not (summary.ingested or summary.updated or summary.failed)
    assert _snapshot(root) == before


def test_hand_edit_is_kept_and_reported(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    page_path = next((root / "content").rglob("*.md"))
    edited = page_path.read_text(encoding="utf-8").replace("\n\n", "\n\nA curator's note.\n\n", 1)
    page_path.write_text(edited, encoding="utf-8")
    result = run_cli("--root", str(root), "ingest")
    assert result.returncode == 0, result.stderr
    assert "edited by hand" in result.stderr and page_path.name in result.stderr
    assert page_path.read_text(encoding="utf-8") == edited


def test_same_article_under_another_name_is_a_duplicate(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    other = tmp_path / "copy of seed.txt"
    shutil.copy(SEED, other)
    summary = ingest_into(root, [other])
    assert summary.duplicates == [("sources/copy of seed.txt", "sources/000_bf67578e0c1fd6cd.txt")]
    assert len(pages(root)) == 5


def test_bad_inputs_fail_one_line_each_and_the_rest_is_processed(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    before = _snapshot(root)
    bad = tmp_path / "incoming"
    bad.mkdir()
    (bad / "empty.md").write_bytes(b"")
    (bad / "junk.bin").write_bytes(bytes(range(256)) * 40)
    (bad / "unclosed.md").write_text("---\ntitle: x\ndate: 2020-01-01\n\nbody without a closing fence\n", encoding="utf-8")
    (bad / "broken-yaml.md").write_text("---\ntitle: [unclosed\n  - : :\n---\nbody\n", encoding="utf-8")
    (bad / "one-line.txt").write_text("just a line\n", encoding="utf-8")
    shutil.copy(SEEDS / "003_bb4a6ccb6fd5c6e9.txt", bad / "good.txt")
    result = run_cli("--root", str(root), "ingest", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    for name in ("empty.md", "junk.bin", "unclosed.md", "broken-yaml.md", "one-line.txt"):
        mine = [ln for ln in lines if name in ln]
        assert len(mine) == 1, (name, lines)
    assert "duplicate of sources/003_bb4a6ccb6fd5c6e9.txt" in result.stderr
    after = _snapshot(root)
    assert all(after[k] == v for k, v in before.items()), "something archived changed"
    assert "failed 5" in result.stdout


def test_crlf_and_lone_cr_read_like_lf(tmp_path):
    text = SEED.read_bytes()
    variants = {"lf.txt": text, "crlf.txt": text.replace(b"\n", b"\r\n"), "cr.txt": text.replace(b"\n", b"\r")}
    bodies = set()
    for name, data in variants.items():
        root = tmp_path / name
        (root / "in").mkdir(parents=True)
        (root / "in" / name).write_bytes(data)
        ingest_into(root, [root / "in" / name])
        ((front, body),) = pages(root).values()
        bodies.add((front["title"], front["date"], body))
    assert len(bodies) == 1


def test_legacy_encodings_decode(tmp_path):
    text = "香港美心員工染疫\n【新唐人亞太台 2020 年 09 月 17 日訊】臺灣食藥署今天表示，二千餘盒月餅退運銷毀。\n"
    simp = "香港美心员工染疫\n【新唐人亚太台 2020 年 09 月 17 日讯】台湾食药署今天表示，二千余盒月饼退运销毁。\n"
    cases = {"big5.txt": text.encode("big5"), "utf16.txt": text.encode("utf-16"),
             "gb18030.txt": simp.encode("gb18030")}
    for name, data in cases.items():
        root = tmp_path / name
        (root / "in").mkdir(parents=True)
        (root / "in" / name).write_bytes(data)
        summary = ingest_into(root, [root / "in" / name])
        assert not summary.failed, summary.failed
        ((front, body),) = pages(root).values()
        assert front["title"] in (text.splitlines()[0], simp.splitlines()[0]), name
        assert "月餅退運銷毀" in body or "月饼退运销毁" in body, name


def test_gb2312_declared_on_utf8_bytes(tmp_path):
    html = ("<!DOCTYPE html><html><head><meta charset=\"gb2312\"><title>測試標題 - 測試網</title></head><body>"
            "<article><p>這是一段足夠長的正文，用來確認頁面以 UTF-8 解碼，而不是照著宣告的 gb2312。</p>"
            "<p>第二段正文也在這裡，內容完整保留。</p></article></body></html>")
    root = tmp_path / "a"
    (root / "in").mkdir(parents=True)
    (root / "in" / "page.html").write_bytes(html.encode("utf-8"))
    summary = ingest_into(root, [root / "in" / "page.html"])
    assert not summary.failed
    ((front, body),) = pages(root).values()
    assert front["title"] == "測試標題" and front["outlet"] == "測試網"
    assert "以 UTF-8 解碼" in body


def test_a_second_run_is_refused_while_one_holds_the_lock(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    with arc.locked(arc.Archive(root)):
        for stale in root.glob(".newsarchive*.lock"):  # no lock file to delete lets a second run in
            stale.unlink()
        result = run_cli("--root", str(root), "ingest")
    assert result.returncode == 1 and "another newsarchive run" in result.stderr
    assert run_cli("--root", str(root), "ingest").returncode == 0  # released


def test_check_names_each_problem(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    assert run_cli("--root", str(root), "check").returncode == 0
    (root / "sources" / "000_bf67578e0c1fd6cd.txt").write_bytes(b"tampered")
    (root / "sources" / "001_adfec861ec877f4b.txt").unlink()
    broken = next(p for p in (root / "content").rglob("*.md") if "004" in p.read_text(encoding="utf-8")
                  .split("file:")[1][:40])
    broken.write_text("---\ntitle: [broken\n---\nbody\n", encoding="utf-8")
    result = run_cli("--root", str(root), "check")
    assert result.returncode == 1
    assert "raw file modified (SHA-256 mismatch): sources/000_bf67578e0c1fd6cd.txt" in result.stderr
    assert "raw file missing: sources/001_adfec861ec877f4b.txt" in result.stderr
    assert f"{broken.relative_to(root).as_posix()}: invalid front matter" in result.stderr


def test_mojibake_is_repaired(corpus_run):
    """article_43693 is UTF-8 once misread as PT154 (Cyrillic-looking): it reads as the Chinese it was."""
    root, _summary = corpus_run
    front, body = pages(root)["sources/corpus/wayback-markdown/article_43693.md"]
    assert front["title"] == "失業回落疑似好　港化灣區報應到"
    assert front["lang"] == "zh-Hant"
    assert not any("\u0400" <= c <= "\u052f" for c in body)


def test_real_cyrillic_and_latin_text_is_left_alone():
    from newsarchive.decode import repair_mojibake

    for text in ("Москва — столица России, крупнейший по численности населения город страны.",
                 "Le président a annoncé une réforme très attendue à l'été.", "Tite diz que errou ao levar a seleção."):
        assert repair_mojibake(text) == (text, None)


def test_an_empty_folder_is_a_valid_root(tmp_path):
    for args in ((), ("ingest",), ("check",)):
        result = run_cli("--root", str(tmp_path), *args)
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("--root", str(tmp_path), "no-such-command").returncode == 2


def test_chinese_always_gets_a_script():
    from newsarchive import lang

    # Mostly a URL with a Chinese title: still zh-Hant / zh-Hans, never zh or yue.
    assert lang.detect("【CDTV】矢板明夫：美中對決與亞太情勢 https://youtu.be/u7rf5-1s41s") == "zh-Hant"
    assert lang.detect("粵語：佢哋今日喺度傾咗好耐，講咗好多嘢") == "zh-Hant"


def test_a_page_whose_source_line_was_removed_is_never_replaced(seed_root, tmp_path):
    """A curator removed a page's `file:` line (ingest no longer knows it as that raw file's page) and
    edited its body: the next ingest keeps the page byte for byte and says so."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    page_path = next((root / "content").rglob("*61cf1516.md"))
    text = page_path.read_text(encoding="utf-8")
    edited = re.sub(r'^  file: .*\n', "", text, count=1, flags=re.M) + "\n策展人加的一段話。\n"
    page_path.write_text(edited, encoding="utf-8")
    shutil.rmtree(root / ".newsarchive-cache")  # no memo: the raw file is converted again
    result = run_cli("--root", str(root), "ingest")
    assert page_path.read_text(encoding="utf-8") == edited
    assert "kept hand edits 1" in result.stdout and "edited by hand" in result.stderr


def test_a_markdown_post_keeps_its_paragraphs_and_markup_never_reaches_a_title(tmp_path):
    """A front-matter post whose body has no tag at all is Markdown, as Jekyll reads it (blank lines
    are paragraphs); a title that is nothing but markup keeps no tag; a year before 1000 is written
    with four digits. Found by the pipeline's property test; each page is then published."""
    paragraphs = ["立法會今日三讀通過修訂條例，多名議員在辯論中提出對私隱保障的憂慮。",
                  "The council voted on Tuesday to extend the archive's opening hours.", "## 小標題", "1. 第一點"]
    incoming = tmp_path / "in"
    incoming.mkdir()
    (incoming / "a.md").write_text("---\ntitle: <!--<script>\ndate: 0999-01-01\n---\n\n" + "\n\n".join(paragraphs),
                                   encoding="utf-8")
    root = tmp_path / "a"
    summary = ingest_into(root, [incoming])
    assert len(summary.ingested) == 1
    ((front, body),) = pages(root).values()
    assert schema.problems(front) == [] and front["date"] == "0999-01-01"
    assert body.strip().split("\n\n") == [paragraphs[0], paragraphs[1], "## 小標題", "1. 第一點"]
    assert run_cli("--root", str(root), "build").returncode == 0


def test_the_listing_is_in_path_order_whatever_the_names_sort_before_a_slash(tmp_path):
    """Pages come in Path's order (component by component), which the site's order of equal dates
    rests on - not in their strings' order, where `a.md` and `a-b.md` (., - and space sort before
    the separator) would come before the pages in folder `a`. A name that is not UTF-8 is refused,
    beside the rest listed as ever."""
    archive = arc.Archive(tmp_path)
    names = ("a.md", "a-b.md", "a b/y.md", "a/x.md", "a/b/z.md", "a!.md", "ab.md", "A/x.md", "中/一.md",
             "a/b.md", "\u4e2d.md", "\U0002a6a5.md")
    for name in names:
        (archive.content / name).parent.mkdir(parents=True, exist_ok=True)
        (archive.content / name).write_text("x", encoding="utf-8")
    odd = os.fsencode(archive.content / "a") + b"/\xff\xfe.md"
    with open(odd, "wb") as fh:
        fh.write(b"x")
    listed, refused = archive.content_listing()
    wanted = sorted((archive.content / name for name in names), key=lambda path: path.parts)
    assert [path for path, _stat in listed] == wanted
    assert [str(path) for path, _stat in listed] != sorted(str(path) for path, _stat in listed)  # (the case made)
    assert refused == [(archive.content / os.fsdecode(b"a/\xff\xfe.md"), arc.NOT_UTF8_PAGE)]


def test_a_listing_given_the_last_ones_paths_is_the_same_listing(tmp_path):
    """content_listing with the Paths an earlier listing made (the main job: ingest's, then the
    build's) lists exactly what a fresh listing does, in the same order, taking those very Path
    objects; afterwards the Listing names this listing's pages only (a removed page is gone from it)."""
    archive = arc.Archive(tmp_path)
    for name in ("2020/09/b.md", "2020/09/a-b.md", "2020/10/a.md", "2021/x/y.md", "a.md"):
        (archive.content / name).parent.mkdir(parents=True, exist_ok=True)
        (archive.content / name).write_text("x", encoding="utf-8")
    listing = arc.Listing()
    first, _ = archive.content_listing(listing)
    assert set(listing.named) == {str(path) for path, _ in first}
    (archive.content / "2020/10/a.md").unlink()
    (archive.content / "2020/09/c.md").write_text("y", encoding="utf-8")
    again, refused = archive.content_listing(listing)
    fresh, _ = archive.content_listing()
    assert [(p, s.st_size, s.st_mtime_ns) for p, s in again] == [(p, s.st_size, s.st_mtime_ns) for p, s in fresh]
    assert refused == []
    was = {str(path): path for path, _ in first}
    assert all(path is was[str(path)] for path, _ in again if str(path) in was)
    assert set(listing.named) == {str(path) for path, _ in fresh}


def test_a_listing_takes_the_stats_the_fingerprint_took_and_leaves_none(tmp_path):
    """The build's fingerprint stats every content file; the listing right after takes those very
    stat results (Listing.stats) instead of a second stat of each, stats a page the fingerprint did
    not see (written since), and empties Listing.stats. A build with nothing to do leaves none in
    the state it was given (serve keeps that state)."""
    archive = arc.Archive(tmp_path)
    for name in ("2020/09/b.md", "2020/10/a.md", "a.md", "notes.txt"):
        (archive.content / name).parent.mkdir(parents=True, exist_ok=True)
        (archive.content / name).write_text("x", encoding="utf-8")
    stats: dict = {}
    fingerprint.fingerprint(archive, {}, stats)
    assert set(stats) == {str(archive.content / n) for n in ("2020/09/b.md", "2020/10/a.md", "a.md", "notes.txt")}
    (archive.content / "2020/10/new.md").write_text("y", encoding="utf-8")
    listing = arc.Listing(stats=dict(stats))
    listed, _ = archive.content_listing(listing)
    assert [str(p) for p, _ in listed] == [str(archive.content / n) for n in
                                           ("2020/09/b.md", "2020/10/a.md", "2020/10/new.md", "a.md")]
    taken = {str(p) for p, st in listed if st is stats.get(str(p))}
    assert taken == {str(archive.content / n) for n in ("2020/09/b.md", "2020/10/a.md", "a.md")}
    assert listing.stats == {}
    require(SEEDS, "the seeds (../shared/seeds)")
    root = tmp_path / "seeds"
    ingest_into(root, sorted(SEEDS.glob("*")))
    state = BuildState()
    assert isinstance(builder.build(arc.Archive(root), search=False, state=state), Built)
    assert state.content_listing.stats == {}
    assert isinstance(builder.build(arc.Archive(root), search=False, state=state), Unchanged)
    assert state.content_listing.stats == {}


def test_a_fresh_listing_takes_the_folders_nothing_was_added_to_or_removed_from(tmp_path):
    """The main job's build lists content/ right after its ingest (Listing.fresh): a folder whose
    inode and time are those the last listing found is taken as found (its very stats), one where a
    page was written beside and renamed in, or removed, is listed again, as is one changed too short
    a time before the last listing (SETTLED_NS) - and the listing is a new one's; only the next one
    after it is never fresh."""
    archive = arc.Archive(tmp_path)
    names = ("2020/09/b.md", "2020/10/a.md", "2021/01/y.md", "2021/02/z.md", "a.md")
    for name in names:
        (archive.content / name).parent.mkdir(parents=True, exist_ok=True)
        (archive.content / name).write_text("x", encoding="utf-8")
    settled = time.time_ns() - 2 * arc.SETTLED_NS
    for folder in (archive.content, *(p for p in archive.content.rglob("*") if p.is_dir())):
        if folder.name != "02":  # (2021/02 changed just now)
            os.utime(folder, ns=(settled, settled))
    listing = arc.Listing()
    first, _ = archive.content_listing(listing)
    stat_of = {str(path): stat for path, stat in first}
    (archive.content / "2020/10/.new.md").write_text("new", encoding="utf-8")  # (as ingest writes a page)
    os.replace(archive.content / "2020/10/.new.md", archive.content / "2020/10/n.md")
    (archive.content / "2021/01/y.md").unlink()
    listing.fresh = True
    again, _ = archive.content_listing(listing)
    fresh, _ = archive.content_listing()
    assert [(p, s.st_size, s.st_mtime_ns) for p, s in again] == [(p, s.st_size, s.st_mtime_ns) for p, s in fresh]
    taken = {str(path).removeprefix(str(archive.content) + "/") for path, stat in again
             if stat is stat_of.get(str(path))}
    assert taken == {"2020/09/b.md", "a.md"}
    assert not listing.fresh and str(archive.content / "2021/02") not in listing.folders



def test_a_removed_serve_lock_asked_for_by_two_threads_at_once_is_taken_again_once(tmp_path):
    """serve asks whether it keeps its lock from its own thread and from its file watcher's: both at
    once, after the lock's file was removed, keep it (one takes it again; a second take would find
    the first's lock and give it up)."""
    import threading

    archive = arc.Archive(tmp_path)
    for _ in range(20):
        with arc.locked(archive, lock_file=archive.serve_lock_file) as held:
            archive.serve_lock_file.unlink()
            start, answers = threading.Barrier(8), []
            threads = [threading.Thread(target=lambda: (start.wait(), answers.append(held.kept()))) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert answers == [True] * 8
            assert os.fstat(held.fd).st_ino == archive.serve_lock_file.stat().st_ino
