"""Ingest benchmark: newsarchive vs trafilatura on the same raw files, side by side in one run.

    python bench/ingest.py [--limit N] [--jobs J]
    python bench/ingest.py --fetch-media [--limit N]

Prints files/second, peak memory, the throughput ratio, and quality scored the same way for both:
the share of files whose output still holds junk (tests/markers.py) and the share of real paragraphs
(each <p> of the raw feed HTML with 30+ letters, read by the stdlib parser) found in the output.

`--fetch-media`: the scale month's pictures fetched from a picture server on 127.0.0.1 (generated
images of realistic sizes, tests/media_server.py; the raw files' image addresses moved to it):
images per second and the fetching run's peak memory. The pictures all come from one host here, so
the per-host limit is raised to the thread count (a real month's pictures come from hundreds of hosts).
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale import REPO, SCALE, as_installed, copy_raw, raw_files

sys.path.insert(0, str(REPO))

from newsarchive import page  # noqa: E402
from tests.markers import JUNK_MARKERS, Paragraphs, fold  # noqa: E402

# Real paragraphs are at least this many letters/digits (shorter <p> are credits, bylines).
PARAGRAPH_LETTERS = 30


def _fold(text: str) -> str:
    return fold(re.sub(r"\]\([^)]*\)", "]", text))


def _feed_html(raw: str) -> str:
    """The HTML part of a bot post (after the front matter and the '------' line)."""
    parts = re.split(r"^-{6,}\s*$", raw, maxsplit=1, flags=re.M)
    if len(parts) == 2:
        return parts[1]
    return re.split(r"^---\s*$", raw, maxsplit=2, flags=re.M)[-1]


def _reference(raw: str) -> list[str]:
    parser = Paragraphs()
    parser.feed(_feed_html(raw))
    return [_fold(p) for p in parser.out
            if len(_fold(p)) >= PARAGRAPH_LETTERS and not any(m.strip() in p for m in JUNK_MARKERS)]


def _quality(outputs: dict[str, str], raws: dict[str, str]) -> tuple[float, float, int]:
    junk = sum(1 for text in outputs.values() if any(m in text for m in JUNK_MARKERS))
    found = total = 0
    for name, text in outputs.items():
        flat = _fold(text)
        ref = _reference(raws[name])
        total += len(ref)
        found += sum(1 for p in ref if p in flat)
    return junk / max(len(outputs), 1), found / max(total, 1), len(outputs)


def _trafilatura_one(path: str) -> tuple[str, str]:
    import trafilatura

    raw = Path(path).read_text(encoding="utf-8", errors="replace")
    out = trafilatura.extract(_feed_html(raw), output_format="markdown", include_images=True,
                              include_links=True, include_comments=False) or ""
    return path, out, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_trafilatura(files: list[Path], jobs: int) -> tuple[float, dict[str, str], int]:
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        rows = list(pool.imap(_trafilatura_one, [str(f) for f in files], chunksize=16))
    elapsed = time.perf_counter() - start
    return elapsed, {path: out for path, out, _rss in rows}, max((rss for *_x, rss in rows), default=0)


def run_newsarchive(folder: Path, root: Path) -> tuple[float, int]:
    start = time.perf_counter()
    cmd = [sys.executable, str(REPO / "build.py"), "--root", str(root), "ingest", str(folder)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    print("  newsarchive:", proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-500:])
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def huge() -> None:
    """The 50 MB case of tests/bad_inputs: seconds and peak RSS of one CLI ingest."""
    from tests.bad_inputs.cases import huge_html

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "huge-50MB.html"
        raw.write_bytes(huge_html(50))
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, str(REPO / "build.py"), "--root",
                               str(Path(tmp) / "archive"), "ingest", str(raw)], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    print(f"50 MB page: {elapsed:.1f} s, peak RSS {peak_kb / 1024:.0f} MB; {proc.stdout.strip()}")


def fetch_media(files: list[Path]) -> None:
    """Ingest the files with their pictures moved to a local server, then time `ingest --fetch-media`."""
    from tests.media_server import PictureServer

    with PictureServer(unique=True) as server, tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for f in files:
            target = tmp / "raw" / f.relative_to(SCALE.parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = f.read_text(encoding="utf-8", errors="replace")
            target.write_text(server.moved_here(text), encoding="utf-8")
        root = tmp / "archive"
        root.mkdir()
        (root / "newsarchive.toml").write_text('[media]\nallow_hosts = ["127.0.0.1"]\nper_host = 8\n', encoding="utf-8")
        subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "ingest", str(tmp / "raw")],
                       capture_output=True, text=True)
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, str(REPO / "build.py"), "--root", str(root),
                               "--quiet", "ingest", "--fetch-media"], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        from newsarchive import archive as arc
        from newsarchive.media import store

        manifest = store.load(arc.Archive(root))
        stored = store.stored_files(arc.Archive(root))
        size = sum(s.bytes for s in manifest.images.values())
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    local = [u for u in manifest.images if u.startswith(server.url("/"))]
    print(f"{len(files)} raw files: {len(manifest.images)} picture addresses stored ({len(local)} from the local server), "
          f"{len(manifest.failures)} failed (addresses the rewrite did not reach: no outside network), "
          f"{len(stored)} files, {size / 1e6:.0f} MB fetched")
    print(f"fetch run: {elapsed:.1f} s, {len(manifest.images) / elapsed:.0f} pictures/s, "
          f"{size / 1e6 / elapsed:.1f} MB/s, peak RSS {peak_kb / 1024:.0f} MB (server in this process, same 2 cores)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N files (default: all)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="trafilatura worker processes")
    ap.add_argument("--huge", action="store_true", help="only: time and peak memory of ingesting one 50 MB page")
    ap.add_argument("--fetch-media", action="store_true", help="only: fetch the pictures from a local server")
    args = ap.parse_args()
    if args.huge:
        huge()
        return
    if args.fetch_media:
        fetch_media(raw_files(args.limit))
        return
    files = raw_files(args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        as_installed()
        folder = tmp / "scale"
        copy_raw(files, folder)
        print(f"{len(files)} files from {SCALE}, {os.cpu_count()} cores")
        ours_s, ours_peak = run_newsarchive(folder, tmp / "archive")
        ours_out = {}
        for path in (tmp / "archive" / "content").rglob("*.md"):
            front, body = page.split(path.read_text(encoding="utf-8"))
            ours_out[front["source"]["file"].split("/", 1)[1]] = body
        traf_s, traf_out, traf_peak = run_trafilatura(files, args.jobs)
        raws = {f.relative_to(SCALE.parent).as_posix(): f.read_text(encoding="utf-8", errors="replace") for f in files}
        traf_out = {Path(k).relative_to(SCALE.parent).as_posix(): v for k, v in traf_out.items() if v}
        ours_q, traf_q = _quality(ours_out, raws), _quality(traf_out, raws)
    n = len(files)
    print(f"{'':14}{'files/s':>10}{'peak RSS MB':>13}{'outputs':>9}{'with junk':>11}{'paragraphs kept':>17}")
    print(f"{'newsarchive':14}{n / ours_s:10.0f}{ours_peak / 1024:13.0f}{ours_q[2]:9d}{ours_q[0]:11.1%}{ours_q[1]:17.1%}")
    print(f"{'trafilatura':14}{n / traf_s:10.0f}{traf_peak / 1024:13.0f}{traf_q[2]:9d}{traf_q[0]:11.1%}{traf_q[1]:17.1%}")
    print(f"throughput ratio newsarchive / trafilatura: {traf_s / ours_s:.1f}x (target >= 20x); "
          f"trafilatura ran on {args.jobs} processes, newsarchive on {os.cpu_count()}")


if __name__ == "__main__":
    main()
