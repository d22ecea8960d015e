"""Same story and related coverage, measured against pairs labelled by reading them.

    python bench/same_story.py [--scale ARCHIVE] [--corpus ARCHIVE] [--days N]

Ingests ../shared/scale and ../shared/corpus + seeds (or uses archives already ingested), computes
both lists as the build does (per language, same story within the window) and, in the same run,
the same-story list as the all-pairs comparison gives it (every article against every other, the
earlier method). Against `bench/labels/pairs.toml` (~250 pairs: "same" event, "related", "unrelated";
candidates were random articles' nearest neighbours within three days and related-coverage links)
it prints, for each list, precision (of the labelled pairs a list links, the share rightly linked)
and recall (of the labelled pairs that should be linked, the share it links). Target: same-story
precision >= 95 %.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from scale import REPO

sys.path.insert(0, str(REPO))

LABELS = REPO / "bench" / "labels" / "pairs.toml"
SHARED = REPO.parent / "shared"


def ingested(tmp: Path, name: str, sources: list[Path]) -> Path:
    import subprocess

    root = tmp / name
    subprocess.run([sys.executable, str(REPO / "build.py"), "init", str(root)], capture_output=True, check=True)
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "ingest", "-q",
                    *map(str, sources)], capture_output=True)
    return root


def linked(root: Path, window_days) -> tuple[dict, dict]:
    """(same-story pairs, related-coverage pairs) as sets of sorted 12-hex name pairs."""
    from newsarchive.archive import Archive
    from newsarchive.builder.collect import collect
    from newsarchive.builder.related import _same_story

    entries = collect(Archive(root)).entries
    groups: dict[str, list] = {}
    for e in entries:
        groups.setdefault(e.lang.split("-")[0], []).append(e)
    same, coverage = set(), set()
    for members in groups.values():
        for path, links in _same_story(tuple(members), window_days).items():
            me = next(e for e in members if e.path == path)
            for into, others in ((same, links.same), (coverage, links.coverage)):
                into.update(tuple(sorted((me.source["sha256"][:12], o.source["sha256"][:12]))) for o in others)
    return same, coverage


def scores(found: set, labels: dict, right: set[str]) -> str:
    judged = [labels[p] for p in found if p in labels]
    should = [p for p, label in labels.items() if label in right]
    hits = sum(label in right for label in judged)
    caught = sum(p in found for p in should)
    precision = f"{hits / len(judged):.1%} ({hits}/{len(judged)})" if judged else "-"
    return f"precision {precision}, recall {caught / len(should):.1%} ({caught}/{len(should)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=Path, help="the scale month already ingested")
    parser.add_argument("--corpus", type=Path, help="the corpus and seeds already ingested")
    parser.add_argument("--days", type=int, default=3, help="the same-story window")
    args = parser.parse_args()
    labels = {tuple(sorted((p["a"], p["b"]))): p["label"] for p in tomllib.loads(LABELS.read_text())["pairs"]}
    with tempfile.TemporaryDirectory() as tmp:
        roots = [args.corpus or ingested(Path(tmp), "corpus", [SHARED / "corpus", SHARED / "seeds"]),
                 args.scale or ingested(Path(tmp), "scale", [SHARED / "scale"])]
        found = {}
        for name, days in (("windowed", args.days), ("all pairs", None)):
            started = time.perf_counter()
            same, coverage = set(), set()
            for root in roots:
                s, c = linked(root, days)
                same |= s
                coverage |= c
            found[name] = (same, coverage, time.perf_counter() - started)
    print(f"{len(labels)} labelled pairs: " + ", ".join(f"{k} {list(labels.values()).count(k)}"
                                                      for k in ("same", "related", "unrelated")))
    for name, (same, coverage, seconds) in found.items():
        print(f"{name:>10} same story:        {scores(same, labels, {'same'})}   ({seconds:.1f} s for both lists)")
        print(f"{name:>10} related coverage:  {scores(coverage, labels, {'related', 'same'})}"
              f"   (recall of 'related' alone: {scores(coverage, labels, {'related'}).split('recall ')[1]})")


if __name__ == "__main__":
    main()
