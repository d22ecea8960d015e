"""Lighthouse on the search page with a query: performance and accessibility, mobile, offline.

    (cd bench && npm install lighthouse)      # once; or LIGHTHOUSE=/path/to/lighthouse
    python bench/lighthouse.py [--root ARCHIVE] [--query Q] [--runs N]

Builds the archive's site with its search index (default: the sample corpus, ingested into a
scratch folder), serves it on 127.0.0.1, and runs Lighthouse's mobile preset against Debian's
Chromium on search/index.html?q=QUERY, N times; prints each run's scores and the medians of
performance, accessibility, largest contentful paint, cumulative layout shift and total blocking
time. Target (issue 16): performance >= 90, accessibility 100.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from scale import REPO

sys.path.insert(0, str(REPO))  # the tests package: its picture server, browser and corpus helpers

CHROMIUM = "/usr/bin/chromium"
CORPUS = REPO.parent / "shared" / "corpus"


def lighthouse() -> str:
    found = os.environ.get("LIGHTHOUSE") or str(Path(__file__).parent / "node_modules" / ".bin" / "lighthouse")
    if not Path(found).exists():
        sys.exit(f"no Lighthouse at {found}: (cd bench && npm install lighthouse), or set LIGHTHOUSE")
    return found


def run_once(binary: str, url: str, out: Path) -> dict:
    subprocess.run([binary, url, "--quiet", "--output=json", f"--output-path={out}", "--only-categories=performance,accessibility",
                    f"--chrome-path={CHROMIUM}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                   check=True, capture_output=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {"performance": report["categories"]["performance"]["score"] * 100,
            "accessibility": report["categories"]["accessibility"]["score"] * 100,
            "LCP s": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "CLS": audits["cumulative-layout-shift"]["numericValue"],
            "TBT ms": audits["total-blocking-time"]["numericValue"]}


def every_kind(binary: str, site: Path, tmp: Path) -> None:
    from tests.browser import serve

    def first(pattern: str) -> str:
        return next(site.glob(pattern)).relative_to(site).as_posix()

    kinds = {"home": "index.html", "archive": "archive/index.html", "month": first("archive/*/*/index.html"),
             "day": first("archive/*/*/*/index.html"), "outlets": "outlets/index.html",
             "an outlet": first("outlets/*/index.html"), "tags": "tags/index.html", "a tag": first("tags/*/index.html"),
             "an article": first("articles/*/*/*.html"), "search": "search/index.html?q=" + quote("香港"),
             "404": "404.html"}
    with serve(site) as base:
        for kind, path in kinds.items():
            out = tmp / "report.json"
            subprocess.run([binary, base + path, "--quiet", "--output=json", f"--output-path={out}",
                            "--only-categories=accessibility", f"--chrome-path={CHROMIUM}",
                            "--chrome-flags=--headless=new --no-sandbox --disable-gpu"], check=True, capture_output=True)
            report = json.loads(out.read_text(encoding="utf-8"))
            failed = [a for a, v in report["audits"].items() if v.get("score") == 0 and v.get("scoreDisplayMode") == "binary"]
            print(f"  {kind:12} accessibility {report['categories']['accessibility']['score'] * 100:5.0f}"
                  + (f"  failing: {', '.join(failed)}" if failed else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, help="an archive already ingested (default: the sample corpus)")
    ap.add_argument("--query", default="香港 警察")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--every-kind", action="store_true",
                    help="instead: accessibility only, once on each kind of page (home, archive, month, day, "
                         "outlets, an outlet, tags, a tag, an article, search, 404)")
    args = ap.parse_args()
    binary = lighthouse()
    from tests.browser import serve

    with tempfile.TemporaryDirectory() as tmp:
        root = args.root or Path(tmp) / "archive"
        if args.root is None:
            subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "ingest", str(CORPUS)],
                           capture_output=True, check=False)
        subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build"], capture_output=True)
        articles = len(list((root / "content").rglob("*.md")))
        if args.every_kind:
            return every_kind(binary, root / "site", Path(tmp))
        runs = []
        with serve(root / "site") as base:
            url = base + "search/index.html?q=" + quote(args.query)
            for n in range(args.runs):
                runs.append(run_once(binary, url, Path(tmp) / f"report-{n}.json"))
                print(f"run {n + 1}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                                   for k, v in runs[-1].items()))
    print(f"{articles} articles, query {args.query!r}, Lighthouse mobile preset, median of {len(runs)}:")
    for key in runs[0]:
        print(f"  {key:14} {statistics.median(r[key] for r in runs):8.2f}")


if __name__ == "__main__":
    main()
