"""Kill ingest and build with SIGKILL at random moments: sources/, content/ and site/ are each the
old complete state or the new one, never a half-written file; the next run finishes the job."""
import hashlib
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from newsarchive import page

from .conftest import CORPUS, REPO, SEEDS, require

KILLS = 6


def _start(*args):
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _kill_after(proc, seconds):
    time.sleep(seconds)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()


def _survivors(root: Path, grace: float = 3.0) -> list[str]:
    """Processes still working for a build on root (its pool workers, Pagefind) after a short grace."""
    deadline = time.time() + grace
    while True:
        found = []
        for proc in Path("/proc").iterdir():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if proc.name.isdigit() and str(root) in cmdline:
                found.append(cmdline)
        if not found or time.time() > deadline:
            return found
        time.sleep(0.1)


def _incoming(tmp_path) -> Path:
    require(CORPUS, "the sample corpus (../shared/corpus)")
    incoming = tmp_path / "incoming"
    shutil.copytree(CORPUS / "jekyll-feed", incoming / "jekyll-feed")
    for seed in SEEDS.iterdir():
        shutil.copy(seed, incoming / seed.name)
    return incoming


def _assert_consistent(root: Path, incoming: Path):
    for raw in (root / "sources").rglob("*"):
        if raw.is_file() and not raw.name.startswith(".tmp-"):
            original = incoming / raw.relative_to(root / "sources" / "incoming")
            assert raw.read_bytes() == original.read_bytes(), f"half-copied raw file {raw}"
    for md in (root / "content").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        front, _body = page.split(text)
        assert page.verify(text) is True, f"half-written page {md}"
        raw = root / front["source"]["file"]
        assert hashlib.sha256(raw.read_bytes()).hexdigest() == front["source"]["sha256"]


def _content(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "content").rglob("*.md")}


def test_killed_ingest_leaves_old_or_new_and_recovers(tmp_path):
    incoming = _incoming(tmp_path)
    clean_root = tmp_path / "clean"
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(clean_root), "ingest", str(incoming)],
                   capture_output=True)
    expected = _content(clean_root)
    rng = random.Random(7)
    root = tmp_path / "killed"
    for _ in range(KILLS):
        _kill_after(_start("--root", str(root), "ingest", str(incoming)), rng.uniform(0.3, 2.5))
        _assert_consistent(root, incoming)
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "ingest", str(incoming)],
                   capture_output=True)
    _assert_consistent(root, incoming)
    assert _content(root) == expected
    assert not list((root / "content").rglob(".tmp-*")) and not list((root / "sources").rglob(".tmp-*"))


def _site_files(site: Path) -> dict:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_killed_build_leaves_the_last_good_site(tmp_path):
    incoming = _incoming(tmp_path)
    root = tmp_path / "a"
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "ingest", str(incoming)],
                   capture_output=True)
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build"], capture_output=True)
    good = _site_files(root / "site")
    rng = random.Random(11)
    for _ in range(KILLS):
        shutil.rmtree(root / ".newsarchive-cache", ignore_errors=True)  # force a real rebuild
        _kill_after(_start("--root", str(root), "build"), rng.uniform(0.3, 3.0))
        now = _site_files(root / "site")
        assert now == good, "site/ changed by a killed build"
        assert not _survivors(root), "a killed build left worker processes running"
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build"], capture_output=True)
    assert _site_files(root / "site") == good
    assert not list(root.glob(".site-*"))
