"""Search benchmark: newsarchive's index vs Pagefind extended on the same site, side by side in one run.

    python bench/search.py [--root ARCHIVE] [--limit N]

Ingests ../shared/scale (or uses --root, an archive already ingested) and builds the site (not
timed). Then, for both: index build time; peak memory of the whole process tree
(proportional set size, sampled every 50 ms); index size; and query latency in headless Chromium
(Debian's) over a mix with very common words. Ours is timed through window.newsarchive.search (all
matches, ranked), over HTTP and from file://; Pagefind extended (jieba for Chinese: the peer the
issues name) through its own JS API on the site's pages.
Targets (issue 4): build <= 60 s and <= 2 GB; p95 <= 300 ms warm; first query <= 1 s. Ranking
(issue 16): the mean reciprocal rank of 100 known-item queries (tests/test_search.known_items).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from scale import REPO, as_installed, ingest, measured as scale_measured

sys.path.insert(0, str(REPO))


QUERIES = ("中国", "美国", "今年", "台湾", "臺灣", "香港", "疫情", "习近平", "特朗普", "拜登", "新冠肺炎", "总统",
           "联合国", "警察", "经济", "美國 大選", "香港 警察", '"国家安全"', "trump", "covid", "election", "2020年",
           "北京", "俄罗斯", "日本", "选举", "疫苗", "上海", "台积电", "抗议")
# Seconds between two samples of the process tree's memory (short runs: a fine grain).
SAMPLE_EVERY = 0.05


def measured(cmd: list[str]) -> tuple[float, int, str]:
    """(wall seconds, peak tree memory in bytes, stdout) of one command (scale.measured)."""
    found = scale_measured(cmd, sample_every=SAMPLE_EVERY, ok=(0,))
    return found["wall"], int(found["peak"] * 2 ** 20), found["stdout"]


OUR_INDEX = """
import os
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")  # as the CLI sets it (cli._plain_pages)
import shutil, sys, types
from pathlib import Path
from newsarchive.archive import Archive
from newsarchive.builder.collect import collect
from newsarchive.builder.search import search_files
from newsarchive.progress import Progress
root, cache = Path(sys.argv[1]), Path(sys.argv[2])
site = collect(Archive(root))
out = root / "site"
for path, data in search_files(types.SimpleNamespace(site=site, progress=Progress.off()), cache):
    target = out / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):  # a file of the index kept in the cache
        shutil.copyfile(data, target)
    else:
        target.write_bytes(data)
"""

DEFAULT_PAGE = """<!DOCTYPE html><html lang="zh-Hant"><head><meta charset="utf-8"></head><body><script type="module">
const pf = await import("./pagefind/pagefind.js");
await pf.init();
window.newsarchive = {search: async q => (await pf.search(q)).results};
</script></body></html>"""


def size(folder: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in folder.rglob(pattern) if p.is_file())


def latencies(b, url: str, queries) -> tuple[float, list[float], int, float]:
    """(first query ms, warm ms per query, results of the first, the tab's JavaScript heap in MB after
    them all) on a fresh page."""
    page = b.new_page()
    page.goto(url)
    page.wait_for_function("window.newsarchive && window.newsarchive.search", timeout=120_000)
    timing = "async q => { const t = performance.now(); const r = await window.newsarchive.search(q);" \
             " return [performance.now() - t, r.length]; }"
    first, count = page.evaluate(timing, queries[0])
    warm = [page.evaluate(timing, q)[0] for q in queries[1:]]
    warm += [page.evaluate(timing, q)[0] for q in queries]   # the mix again, caches warm
    heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0") / 2 ** 20
    page.close()
    return first, warm, count, heap


def known_item_ranks(b, url: str, root: Path, count: int = 100) -> list[int]:
    """Where each of `count` known-item queries (tests/test_search.known_items: a distinctive phrase
    from an article's text typed as separate words) puts its article (0 = first; None = not found)."""
    from tests.test_search import Corpus, known_items

    queries = known_items(Corpus(root), count, seed=20261201)
    page = b.new_page()
    page.goto(url)
    page.wait_for_function("window.newsarchive && window.newsarchive.search", timeout=120_000)
    got = page.evaluate("qs => Promise.all(qs.map(q => window.newsarchive.search(q)))", [q for q, _ in queries])
    page.close()
    urls = [[r["url"] for r in results] for results in got]
    return [found.index(target) if target in found else None for (_q, target), found in zip(queries, urls)]


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, help="an archive already ingested (its site/ is rebuilt)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N raw files")
    ap.add_argument("--no-peer", action="store_true", help="leave Pagefind extended out (its memory at 100 000+)")
    ap.add_argument("--no-ranking", action="store_true", help="leave the known-item queries out (slow to draw at 100 000+)")
    args = ap.parse_args()
    from tests.browser import browser, serve

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        as_installed()
        root = args.root or ingest(tmp, args.limit)
        # (built with its search page and index, not timed: the index is timed below, made again from nothing)
        subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build"], capture_output=True)
        site = root / "site"
        articles = len(list((root / "content").rglob("*.md")))
        for made in (site / "search").iterdir():  # the index, not the search page
            if made.name != "index.html":
                shutil.rmtree(made) if made.is_dir() else made.unlink()
        ours_s, ours_mem, _ = measured([sys.executable, "-c", OUR_INDEX, str(root), str(tmp / "cache")])
        cached_s, _, _ = measured([sys.executable, "-c", OUR_INDEX, str(root), str(tmp / "cache")])
        default_out = tmp / "default"
        shutil.copytree(site, default_out, ignore=shutil.ignore_patterns("search"))
        (default_out / "default.html").write_text(DEFAULT_PAGE, encoding="utf-8")
        nan = float("nan")
        def_s, def_mem, _ = (nan, nan, "") if args.no_peer else measured(
            [sys.executable, "-m", "pagefind_bin_extended", "--site", str(default_out), "--silent"])
        ours_size = size(site / "search") - (site / "search" / "index.html").stat().st_size
        offline_size = size(tmp / "cache" / "text")  # kept in the cache: only pack's zip carries them
        def_size = size(default_out / "pagefind") if not args.no_peer else nan
        with browser() as b, serve(site) as base, serve(default_out) as def_base:
            http_first, http_warm, n, http_heap = latencies(b, base + "search/index.html", QUERIES)
            file_first, file_warm, _, file_heap = latencies(b, (site / "search" / "index.html").as_uri(), QUERIES)
            def_first, def_warm, _, _ = (nan, [nan], 0, 0) if args.no_peer else latencies(
                b, def_base + "default.html", QUERIES)
            ranks = [] if args.no_ranking else known_item_ranks(b, base + "search/index.html", root)

    print(f"{articles} articles, {os.cpu_count()} cores")
    print(f"{'':38}{'newsarchive':>14}{'Pagefind ext.':>18}")
    print(f"{'index build, s (target <= 60)':38}{ours_s:14.1f}{def_s:18.1f}")
    print(f"{'index rebuild, nothing changed, s':38}{cached_s:14.1f}{'':>18}")
    print(f"{'peak memory, MB (target <= 2048)':38}{ours_mem / 2**20:14.0f}{def_mem / 2**20:18.0f}")
    print(f"{'index size, MB (served over HTTP)':38}{ours_size / 2**20:14.1f}{def_size / 2**20:18.1f}")
    print(f"{'texts for file:// excerpts, MB':38}{offline_size / 2**20:14.1f}{'-':>18}")
    print(f"{'first query, ms (target <= 1000)':38}{http_first:14.0f}{def_first:18.0f}   ({QUERIES[0]}: {n} hits)")
    print(f"{'warm p50, ms':38}{p(http_warm, 50):14.0f}{p(def_warm, 50):18.0f}")
    print(f"{'warm p95, ms (target <= 300)':38}{p(http_warm, 95):14.0f}{p(def_warm, 95):18.0f}")
    print(f"{'file://: first query / p50 / p95, ms':38}{file_first:8.0f} / {p(file_warm, 50):.0f} / "
          f"{p(file_warm, 95):.0f}   (target: first <= 2000)")
    print(f"{'tab JS heap after the mix, MB':38}{http_heap:14.0f}   file:// {file_heap:.0f} (target <= 300)")
    if not ranks:
        return
    mrr = sum(1 / (r + 1) for r in ranks if r is not None) / len(ranks)
    print(f"known-item queries: {len(ranks)}, MRR {mrr:.3f}, first {sum(r == 0 for r in ranks) / len(ranks):.0%}, "
          f"top 3 {sum(r is not None and r < 3 for r in ranks) / len(ranks):.0%}")


if __name__ == "__main__":
    main()
