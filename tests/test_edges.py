"""The archive's edges, as an unlucky or hostile setup has them: symlinks where the site or content
pages should be, a root no lock can be made in. One line, no traceback, nothing read or written
outside the archive, the last good site kept."""
import os
import shutil
import subprocess

import pytest

from .conftest import CORPUS, copy_tree, leftovers, missing, require, run_cli, run_cli_without_file_powers


def _archive(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("the archivist's own file", encoding="utf-8")
    (outside / "secret.md").write_text('---\ntitle: "祕密"\n---\n不應被讀取的檔案內容\n', encoding="utf-8")
    return root, outside


def _listing(folder):
    return sorted((p.relative_to(folder).as_posix(), p.read_bytes()) for p in folder.rglob("*") if p.is_file())


def test_a_site_that_is_a_symlink_is_never_written_through(seed_root, tmp_path):
    root, outside = _archive(seed_root, tmp_path)
    before = _listing(outside)
    os.symlink(outside, root / "site")
    result = run_cli("--root", str(root), "build")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "a symlink" in result.stderr and str(root / "site") in result.stderr
    assert _listing(outside) == before and (root / "site").is_symlink()
    assert not [p for p in root.iterdir() if p.name.startswith(".site-")]


def test_content_symlinks_are_named_and_never_followed(seed_root, tmp_path):
    root, outside = _archive(seed_root, tmp_path)
    os.symlink(outside / "secret.md", root / "content" / "leak.md")
    os.symlink(outside, root / "content" / "folder-link")
    os.symlink(tmp_path / "nowhere.md", root / "content" / "dangling.md")
    result = run_cli("--root", str(root), "build")
    assert "Traceback" not in result.stderr and (root / "site" / "index.html").is_file()
    for name in ("leak.md", "folder-link", "dangling.md"):
        assert f"content/{name}: left out of the site (symlink, not followed)" in result.stderr
    assert not any("不應被讀取" in p.read_text(encoding="utf-8", errors="replace")
                   for p in (root / "site").rglob("*") if p.is_file())
    checked = run_cli("--root", str(root), "check")
    assert checked.returncode == 1 and checked.stderr.count("symlink, not followed") == 3
    assert "Traceback" not in run_cli("--root", str(root), "ingest").stderr


def test_a_root_no_file_can_be_made_in_is_one_line(tmp_path):
    """A root where nothing can be written (the kernel's own folders): whatever the command, at most
    one line and never a traceback."""
    for root in ("/proc/self", "/sys/kernel"):
        for command in (["check"], ["build"], ["ingest"]):
            result = run_cli("--root", root, *command, cwd=tmp_path)
            assert result.returncode in (0, 1) and result.stderr.count("\n") <= 1, (root, command, result.stderr)
            assert "Traceback" not in result.stderr and (not result.stderr or result.stderr.startswith("newsarchive: "))


def test_a_site_built_without_search_passes_check(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    assert run_cli("--root", str(root), "build", "--no-search").returncode == 0
    result = run_cli("--root", str(root), "check")
    assert result.returncode == 0, result.stderr
    assert "without its search index" in (root / "site" / "search" / "index.html").read_text(encoding="utf-8")


def test_a_fifo_in_sources_is_named_and_skipped(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    os.mkfifo(root / "sources" / "pipe.md")  # opening it for reading would wait for a writer for ever
    result = run_cli("--root", str(root), "ingest")
    assert result.returncode == 1 and "pipe.md: not a regular file" in result.stderr
    assert "unchanged 5" in result.stdout and "Traceback" not in result.stderr


def test_check_catches_a_flipped_byte_in_a_raw_file_that_has_no_page(seed_root, tmp_path):
    """A duplicate's raw file has no page of its own: check still verifies it (by ingest's record)."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    twin = root / "sources" / "twin-of-000.txt"
    twin.write_bytes((root / "sources" / "000_bf67578e0c1fd6cd.txt").read_bytes() + b"\n")
    assert "duplicates 1" in run_cli("--root", str(root), "ingest").stdout
    assert run_cli("--root", str(root), "check").returncode == 0
    data = bytearray(twin.read_bytes())
    data[100] ^= 0x01
    twin.write_bytes(bytes(data))
    result = run_cli("--root", str(root), "check")
    assert result.returncode == 1 and "sources/twin-of-000.txt: raw file modified since ingest read it" in result.stderr


def test_a_file_name_that_is_not_utf8(seed_root, tmp_path):
    """From outside, it is copied in under a readable name (its bytes as they are); already inside
    sources/, it is named in one line (ingest never renames an archived file)."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    seed = (root / "sources" / "001_adfec861ec877f4b.txt").read_bytes()
    text = seed.replace("美台".encode(), "檔名".encode(), 1)
    (incoming / os.fsdecode(b"bad-\xff\xfe-name.txt")).write_bytes(text)
    result = run_cli("--root", str(root), "ingest", str(incoming))
    assert result.returncode == 0 and "failed 0" in result.stdout, result.stderr  # (a duplicate of its seed)
    assert (root / "sources" / "incoming" / "bad-\ufffd\ufffd-name.txt").read_bytes() == text
    (root / "sources" / os.fsdecode(b"inside-\xff.txt")).write_bytes(text + b"\n")
    result = run_cli("--root", str(root), "ingest")
    assert result.returncode == 1 and "its name is not UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_paths_never_lead_outside_the_archive(seed_root, tmp_path):
    """A PATH through a symlinked folder inside sources/ is not read; a folder from outside whose name
    is a symlink inside sources/ is not copied through it; `ingest ..` (a PATH holding the archive)
    neither copies the archive's own files nor writes outside sources/. The folder above the archive
    is the same file for file before and after."""
    root, outside = _archive(seed_root, tmp_path)
    os.symlink(outside, root / "sources" / "linked")
    incoming = tmp_path / "incoming" / "linked"
    incoming.mkdir(parents=True)
    (incoming / "new.md").write_bytes((root / "sources" / "000_bf67578e0c1fd6cd.txt").read_bytes() + b"\n")
    before_outside = _listing(outside)
    before_above = sorted(p.name for p in tmp_path.iterdir())
    through = run_cli("--root", str(root), "ingest", str(root / "sources" / "linked" / "secret.md"))
    assert through.returncode == 1 and "leads outside the archive" in through.stderr
    copied = run_cli("--root", str(root), "ingest", str(incoming))
    assert copied.returncode == 1 and "nothing is written through it" in copied.stderr
    above = run_cli("--root", str(root), "ingest", str(root / ".."))
    assert "the archive itself" in above.stderr and "Traceback" not in above.stderr
    assert _listing(outside) == before_outside and sorted(p.name for p in tmp_path.iterdir()) == before_above
    for name in ("layouts", "top.md"):
        assert not (root / name).exists()
    # (`..` names the folder above, whose outside/ the archivist asked for: copied in as real files)
    assert not any('file: "sources/linked/' in p.read_text(encoding="utf-8") for p in (root / "content").rglob("*.md"))
    assert all(p.resolve().is_relative_to(root.resolve()) for p in (root / "sources").rglob("*")
               if p.is_file() and not p.is_symlink() and "linked" not in p.parts)


def test_notes_and_hidden_files_are_named_as_skipped(seed_root, tmp_path):
    """README.md, SOURCES.md and hidden files or folders in a folder of raw files are no articles: each
    is said as skipped (they went by without a line)."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    incoming = tmp_path / "incoming"
    (incoming / ".git").mkdir(parents=True)
    (incoming / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    for name in ("README.md", "SOURCES.md", ".hidden.md", "..hidden.md"):
        (incoming / name).write_text("---\ntitle: 說明\n---\n一段說明文字。\n", encoding="utf-8")
    result = run_cli("--root", str(root), "ingest", str(incoming))
    assert result.returncode == 0 and "skipped non-articles 5" in result.stdout, result.stdout
    for name in ("README.md", "SOURCES.md", ".hidden.md", "..hidden.md", ".git"):
        assert f"{name}: skipped: " in result.stderr, name


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MB file system of its own (tmpfs; a site with its script converters is ~2 MB), filled up by the
    test; unmounted after."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        missing(f"needs to mount a small tmpfs (root): {mounted.stderr.decode(errors='replace').strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _fill(disk, leave: int) -> None:
    """The disk filled but for about `leave` bytes."""
    free = shutil.disk_usage(disk).free
    (disk / "filler").write_bytes(b"\0" * max(free - leave, 0))


def _edit_a_page(root) -> None:
    first = sorted((root / "content").rglob("*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n策展人補記一段。\n", encoding="utf-8")


@pytest.mark.parametrize("search", [True, False], ids=["with search", "no search"])
def test_a_full_disk_stops_a_build_with_one_line_and_keeps_the_last_site(seed_root, small_disk, search):
    root = small_disk / "a"
    copy_tree(seed_root, root)
    assert run_cli("--root", str(root), "build").returncode == 0
    last = _listing(root / "site")
    _edit_a_page(root)
    shutil.rmtree(root / ".newsarchive-cache")  # the whole site to write again
    _fill(small_disk, 60_000)
    result = run_cli("--root", str(root), "build", *([] if search else ["--no-search"]))
    lines = [ln for ln in result.stderr.splitlines() if "no base URL" not in ln]
    assert result.returncode == 1 and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "free space" in lines[0].lower() and str(root) in lines[0]
    assert _listing(root / "site") == last and leftovers(root) == []
    (small_disk / "filler").unlink()
    assert run_cli("--root", str(root), "build").returncode == 0 and _listing(root / "site") != last


def test_a_full_disk_stops_an_ingest_with_one_line_and_changes_nothing(seed_root, small_disk, tmp_path):
    require(CORPUS, "the sample corpus (../shared/corpus)")
    root = small_disk / "a"
    copy_tree(seed_root, root)
    incoming = tmp_path / "jekyll-feed"
    incoming.mkdir()
    for post in sorted((CORPUS / "jekyll-feed").iterdir(), key=lambda p: p.stat().st_size)[:20]:
        shutil.copy(post, incoming / post.name)
    before = _listing(root)
    _fill(small_disk, 40_000)
    result = run_cli("--root", str(root), "ingest", str(incoming))
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert "No space left on device; free space and run again" in result.stderr
    assert leftovers(root) == []
    archived = [entry for entry in _listing(root) if not entry[0].startswith("sources/jekyll-feed/")]
    assert archived == before  # what was there is as it was; raw files copied whole stay for the next run
    (small_disk / "filler").unlink()
    assert run_cli("--root", str(root), "ingest", str(incoming)).returncode == 0


def test_a_site_folder_that_is_not_writable_is_one_line_and_kept(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    assert run_cli("--root", str(root), "build").returncode == 0
    last = _listing(root / "site")
    _edit_a_page(root)
    for folder in (root / "site", root):
        folder.chmod(0o555)
        result = run_cli_without_file_powers("--root", str(root), "build")
        folder.chmod(0o755)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"{folder}: not writable" in result.stderr and _listing(root / "site") == last


def test_a_read_only_folder_inside_the_site_does_not_stop_the_build(seed_root, tmp_path):
    """The new site goes in place; the last one, which cannot be removed, is named with what to do,
    and removed by the first build after it is made writable."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    assert run_cli("--root", str(root), "build").returncode == 0
    locked_folder = next((root / "site" / "articles").iterdir())
    locked_folder.chmod(0o555)
    _edit_a_page(root)
    result = run_cli_without_file_powers("--root", str(root), "build")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("a last site set aside, not removed") == 1 and "remove it by hand" in result.stderr
    assert "策展人補記一段" in "".join(p.read_text(encoding="utf-8") for p in (root / "site" / "articles").rglob("*.html"))
    for leftover in root.glob(".site-*"):
        for folder in leftover.rglob("*"):
            folder.chmod(0o755) if folder.is_dir() else None
    _edit_a_page(root)
    assert run_cli("--root", str(root), "build").returncode == 0 and leftovers(root) == []
