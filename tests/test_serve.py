"""`serve` in a real browser: edits show up in the open page with no manual reload; a broken layout
shows an overlay while the server keeps running, and the page comes back when it is fixed."""
import os
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import pytest

from newsarchive.archive import Archive
from newsarchive.builder.outcome import Built, Failed, HotDeclined, LeftOut
from newsarchive.serve.passes import Builder
from newsarchive.serve.server import Rebuilder

from .browser import browser, free_port
from .conftest import DEFAULTS, REPO, SEEDS, copy_tree

TIMEOUT_MS = 15_000


def _start_serve(root, port: int) -> subprocess.Popen:
    """`serve` on the archive at root, once it listens (its first build done)."""
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    return proc


@pytest.fixture
def server(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    port = free_port()
    proc = _start_serve(root, port)
    yield root, f"http://127.0.0.1:{port}/"
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    print(out)


def _open(b, url: str):
    """A page open on url, its reload channel connected, marked so that a navigation would show."""
    page = b.new_page()
    page.goto(url)
    page.wait_for_timeout(500)  # the reload channel connects
    page.evaluate("window.beforeTheEdit = true")  # gone if the page is navigated again
    return page


def test_serve_starts_with_a_full_build(server):
    """The first build is a full one: the search index and same-story links are there from the start."""
    root, _base = server
    preview = Archive(root).for_preview().site
    assert (preview / "search" / "meta.js").is_file() and list((preview / "search" / "ix").iterdir())


def test_edits_reach_the_open_page(server, tmp_path):
    root, base = server
    preview = Archive(root).for_preview().site
    article = next((preview / "articles").rglob("*61cf1516.html")).relative_to(preview).as_posix()
    content = next((root / "content").rglob("*61cf1516.md"))
    with browser() as b:
        page = _open(b, base + quote(article))
        # 1. A content edit: the open page shows the new title by itself.
        content.write_text(content.read_text(encoding="utf-8").replace('title: "', 'title: "改過的標題 ', 1),
                           encoding="utf-8")
        page.wait_for_function("document.querySelector('h1').textContent.includes('改過的標題')", timeout=TIMEOUT_MS)
        # Swapped in without a navigation (the reader keeps their place), the page's own script run again.
        assert page.evaluate("window.beforeTheEdit") is True
        page.wait_for_function("document.querySelector('time[datetime]').title !== ''", timeout=TIMEOUT_MS)
        # 2. A layout edit (the archive's own layouts/ override the project's).
        (root / "layouts").mkdir()
        layout = (DEFAULTS / "layouts" / "article.html").read_text(encoding="utf-8")
        (root / "layouts" / "article.html").write_text(layout.replace('<p class="kicker">', '<p class="kicker">版面已改 · '),
                                                       encoding="utf-8")
        page.wait_for_function("document.body.textContent.includes('版面已改')", timeout=TIMEOUT_MS)
        # 3. A raw file dropped into sources/ appears on the open home page.
        home = b.new_page()
        home.goto(base)
        home.wait_for_timeout(500)
        raw = SEEDS / "003_bb4a6ccb6fd5c6e9.txt"
        text = raw.read_text(encoding="utf-8").replace("美台外交突破!", "新投入的稿件：", 1)
        (root / "sources" / "dropped.txt").write_text(text, encoding="utf-8")
        home.wait_for_function("document.body.textContent.includes('新投入的稿件')", timeout=TIMEOUT_MS)
        # 4. A broken layout: overlay on the open page, server alive; fixed: overlay gone, page back.
        (root / "layouts" / "article.html").write_text("{% extends 'base.html' %}{% block main %}{{ broken( }}{% endblock %}",
                                                       encoding="utf-8")
        page.wait_for_selector("#newsarchive-error", timeout=TIMEOUT_MS)
        assert "layout error" in page.text_content("#newsarchive-error")
        assert home.evaluate("fetch('index.html').then(r => r.status)") == 200
        (root / "layouts" / "article.html").unlink()
        page.wait_for_function("!document.getElementById('newsarchive-error') && "
                               "document.querySelector('h1').textContent.includes('改過的標題')", timeout=TIMEOUT_MS)


class _Recorder:
    def __init__(self):
        self.events = []

    def send(self, event, data=""):
        self.events.append((event, data))


class _Job:
    """A full build as Rebuilder sees it: finished with an outcome, or a child process to stop."""

    def __init__(self, outcome=None, proc=None):
        self.outcome, self.proc = outcome, proc

    def wait(self):
        return self.proc.wait() and None if self.proc else self.outcome

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class _Builder:
    """serve's builder with its passes played by the test: each records its call and answers."""

    def __init__(self, quick, hot=None, full=None, calls=None):
        self._quick, self._hot, self._full = quick, hot, full
        self.calls = calls if calls is not None else []

    def ingest(self):
        self.calls.append(("ingest",))

    def quick(self):
        self.calls.append(("build", True))
        return self._quick()

    def hot(self, changed, lock):
        self.calls.append(("hot", sorted(changed)))
        return self._hot() if self._hot else HotDeclined()

    def full(self):
        self.calls.append(("build", False))
        return self._full() if self._full else _Job(self._quick())


def test_pages_left_out_still_reload_and_show_why(tmp_path):
    """A content page with bad front matter is left out; the rest of the site still reloads, and the
    reason shows as the overlay (sent after the reload, so the reloaded page gets it)."""
    channel = _Recorder()
    builder = _Builder(lambda: LeftOut(5, 38, (("content/x.md", "lang not BCP 47"),)))
    Rebuilder(Archive(tmp_path), channel, builder).once({"content"})
    passes = [quick for kind, *quick in builder.calls if kind == "build" for quick in quick]
    assert passes == [True, False]  # the quick pass, then the full one
    names = [e for e, _ in channel.events]
    assert names[:3] == ["ok", "reload", "error-message"] and "lang not BCP 47" in channel.events[2][1]


def test_a_failed_build_shows_the_overlay_and_does_not_reload(tmp_path):
    channel = _Recorder()
    Rebuilder(Archive(tmp_path), channel, _Builder(lambda: Failed("layout error: x"))).once({"layouts"})
    assert channel.events == [("error-message", "layout error: x")]


def test_content_edits_take_the_hot_pass_and_a_new_change_stops_the_full_build(tmp_path):
    """Only content pages changed: the hot pass alone, the pages reload; when it declines, a quick
    build. The full build runs in a child process, killed when the next change arrives."""
    channel = _Recorder()
    calls, children = [], []

    def start_full():
        children.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]))
        return _Job(proc=children[-1])

    hot_answers = iter([Built(5, 3), HotDeclined()])
    builder = _Builder(lambda: Built(5, 38), hot=lambda: next(hot_answers), full=start_full, calls=calls)
    rebuilder = Rebuilder(Archive(tmp_path), channel, builder)
    edited = tmp_path / "content" / "a.md"
    rebuilder.once({"content"}, {edited})
    assert calls == [("hot", [edited]), ("build", False)] and channel.events[-1] == ("reload", "")
    assert children[0].poll() is None  # the full build is under way
    rebuilder.once({"content"}, {edited})
    assert children[0].wait(timeout=10) == -9  # stopped by the newer change
    assert calls[2:] == [("hot", [edited]), ("build", True), ("build", False)]  # declined: a quick build instead
    rebuilder.once({"layouts"})
    assert calls[5:] == [("build", True), ("build", False)] and children[1].wait(timeout=10) == -9
    rebuilder._stop_full()
    assert children[2].wait(timeout=10) == -9


def test_the_full_build_child_answers_like_an_in_process_build(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    builder = Builder(Archive(root))
    assert isinstance(builder.full().wait(), Built)
    assert (Archive(root).for_preview().site / "search" / "meta.js").is_file()
    (root / "layouts").mkdir()
    (root / "layouts" / "article.html").write_text("{% block main %}{{ broken( }}{% endblock %}", encoding="utf-8")
    answer = builder.full().wait()
    assert isinstance(answer, Failed) and answer.reason.startswith("layout error") and "article.html" in answer.reason


def test_a_full_build_that_dies_is_said_and_one_stopped_is_not(tmp_path):
    from newsarchive.serve.passes import FullBuild

    builder = Builder(Archive(tmp_path))
    died = FullBuild(builder, subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"],
                                               stdout=subprocess.PIPE, text=True))
    outcome = died.wait()
    assert isinstance(outcome, Failed) and "exit status 3" in outcome.reason
    stopped = FullBuild(builder, subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                                                  stdout=subprocess.PIPE, text=True))
    stopped.stop()
    assert stopped.wait() is None


def test_serve_leaves_site_alone_and_lets_check_and_pack_run(seed_root, tmp_path):
    """serve builds its own preview (for its own address): site/ stays as `build` made it, byte for
    byte and file for file, through the preview's builds; check and pack run while it serves."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    assert subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build",
                           "--base-url", "https://example.org/"], capture_output=True).returncode == 0
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / "site").rglob("*") if p.is_file()}
    port = free_port()
    proc = _start_serve(root, port)
    try:
        preview = Archive(root).for_preview().site
        assert f"http://127.0.0.1:{port}/".encode() in (preview / "feed.xml").read_bytes()  # its own address
        content = next((root / "content").rglob("*61cf1516.md"))
        content.write_text(content.read_text(encoding="utf-8").replace('title: "', 'title: "預覽 ', 1), encoding="utf-8")
        deadline = time.time() + 30
        while time.time() < deadline and not any("預覽" in p.read_text(encoding="utf-8")
                                                 for p in (preview / "articles").rglob("*61cf1516.html")):
            time.sleep(0.2)
        for command in (["check"], ["pack", "--output", str(tmp_path / "x.zip")]):
            result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), *command],
                                    capture_output=True, text=True)
            assert "another newsarchive run" not in result.stderr, command
        second = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port", "0"],
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 1 and "another newsarchive run" in second.stderr  # one preview at a time
        assert (tmp_path / "x.zip").is_file()
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before


def test_an_open_page_listing_the_edited_article_catches_up_after_the_full_build(server):
    """The hot pass updates the edited article and the lists at once; another article's same-story
    list showing its title is brought up to date by the full build that follows, and that page, open
    in the browser, shows it without being navigated."""
    root, base = server
    preview = Archive(root).for_preview().site
    other = next((preview / "articles").rglob("*8f261365.html")).relative_to(preview).as_posix()
    content = next((root / "content").rglob("*61cf1516.md"))
    with browser() as b:
        page = _open(b, base + quote(other))
        assert "全文已改" not in page.text_content(".related")
        content.write_text(content.read_text(encoding="utf-8").replace('title: "', 'title: "全文已改 ', 1),
                           encoding="utf-8")
        page.wait_for_function("document.querySelector('.related').textContent.includes('全文已改')",
                               timeout=60_000)
        assert page.evaluate("window.beforeTheEdit") is True  # swapped in, not navigated


def test_serve_keeps_its_lock_when_its_lock_file_is_removed(seed_root, tmp_path):
    """serve's own lock (one preview of an archive at a time) is on a file someone may delete while it
    serves: serve takes it again at once, so a second serve started after is still refused."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    proc = _start_serve(root, free_port())
    try:
        lock_file = Archive(root).serve_lock_file
        first_inode = lock_file.stat().st_ino
        lock_file.unlink()
        deadline = time.time() + 10
        while time.time() < deadline and not lock_file.exists():
            time.sleep(0.1)
        assert lock_file.exists() and lock_file.stat().st_ino != first_inode  # taken again on a new file
        second = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port", "0"],
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 1 and "another newsarchive run" in second.stderr
        assert proc.poll() is None  # and the first still serves
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_a_lock_file_removed_before_serve_watches_is_taken_again(seed_root, tmp_path, monkeypatch):
    """serve's lock file removed while its first build runs - before it watches the archive, so no
    event tells it - is taken again once it watches, before it says it serves."""
    import threading

    from newsarchive import archive as arc
    from newsarchive.serve import passes, server as server_module

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    archive = Archive(root)
    servers, ready = [], threading.Event()

    class Recorded(server_module._Server):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            servers.append(self)

    class RemovingFirst:
        """The real builder, whose first build removes the lock file."""

        def __init__(self, archive_, address):
            self._real = passes.Builder(archive_, address)

        def first(self):
            archive.serve_lock_file.unlink()
            return self._real.first()

        def __getattr__(self, name):
            return getattr(self._real, name)

    monkeypatch.setattr(server_module, "_Server", Recorded)
    with arc.locked(archive, lock_file=archive.serve_lock_file) as held:
        first_inode = archive.serve_lock_file.stat().st_ino
        thread = threading.Thread(target=server_module.serve, daemon=True,
                                  args=(archive, "127.0.0.1", 0, RemovingFirst),
                                  kwargs={"ready": lambda port: ready.set(), "lock": held})
        thread.start()
        try:
            assert ready.wait(120)
            assert archive.serve_lock_file.exists() and archive.serve_lock_file.stat().st_ino != first_inode
            assert os.fstat(held.fd).st_ino == archive.serve_lock_file.stat().st_ino  # the lock held is on it
        finally:
            if servers:
                servers[0].shutdown()
            thread.join(30)
    assert not thread.is_alive()
