"""The script switch on the scale month: what it costs a reader.

    python bench/reader.py [--root ARCHIVE] [--pages N]

Builds the archive's site (default: ../shared/scale ingested into a scratch folder), serves it on
127.0.0.1 and, in Debian's Chromium, opens the N longest article pages; for each, the time to show
it in Simplified and in Traditional (Taiwan) - the first switch of a page load includes loading the
converter - and the converters' weight. Prints medians.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from scale import REPO, ingest

sys.path.insert(0, str(REPO))

TIMED = """async v => { const t = performance.now(); await window.newsarchive.showScript(v); return performance.now() - t; }"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, help="an archive already ingested")
    ap.add_argument("--pages", type=int, default=10)
    args = ap.parse_args()
    from tests.browser import browser, serve

    with tempfile.TemporaryDirectory() as tmp:
        root = args.root or ingest(Path(tmp), 0)
        subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--no-search"],
                       capture_output=True)
        site = root / "site"
        pages = sorted(site.joinpath("articles").rglob("*.html"), key=lambda p: -p.stat().st_size)[:args.pages]
        weights = {p.name: p.stat().st_size for p in site.joinpath("assets", "vendor").glob("opencc-*.js")}
        rows = []
        with browser() as b, serve(site) as base:
            for path in pages:
                page = b.new_page()
                page.goto(base + path.relative_to(site).as_posix())
                page.wait_for_function("window.newsarchive && window.newsarchive.showScript")
                first_cn = page.evaluate(TIMED, "cn")
                first_tw = page.evaluate(TIMED, "tw")
                again_cn = page.evaluate(TIMED, "cn")
                chars = page.evaluate("document.body.textContent.length")
                page.evaluate("window.newsarchive.showScript('')")
                page.evaluate("localStorage.clear()")
                page.close()
                rows.append((first_cn, first_tw, again_cn, chars))
    print(f"{len(rows)} longest article pages of {root}; converters: "
          + ", ".join(f"{name} {size / 1024:.0f} KB" for name, size in sorted(weights.items())))
    for label, n in (("to Simplified, first (loads its converter)", 0), ("to Traditional, first (loads its converter)", 1),
                     ("to Simplified again", 2)):
        print(f"  {label:46} median {statistics.median(r[n] for r in rows):7.0f} ms, max {max(r[n] for r in rows):7.0f} ms")
    print(f"  page text, characters: median {statistics.median(r[3] for r in rows):.0f}")


if __name__ == "__main__":
    main()
