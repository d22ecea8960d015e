"""How same story and related coverage grow with the archive: the windowed comparison (the build's)
beside the all-pairs one (the earlier build's), at growing sizes, with the growth exponent.

    python bench/growth.py --root ARCHIVE [--sizes 10000,36000,100000] [--all-pairs-up-to 40000]

ARCHIVE is an ingested archive (e.g. the scale month plus ../shared/scale-large's two sets, ~29 000
articles). Sizes beyond it are padded with transformed copies (see `padded`): each copy moved in
time past the archive's own span and its characters put through a permutation of its own, so no
copy is a near-duplicate of another or of its original (same story and dedupe would otherwise find
nothing but copies), while each keeps its original's length, term statistics and language.
Prints, per size: wall and CPU seconds, peak memory of this process, the share of articles with
same-story links and with related coverage; then the exponent b of time ~ size^b between sizes.
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import resource
import sys
import time
from pathlib import Path

from scale import REPO, permutation

sys.path.insert(0, str(REPO))

def shifted(date: str | None, years: int) -> str | None:
    if not date or len(date) < 4 or not date[:4].isdigit():
        return date
    return f"{int(date[:4]) + years:04d}{date[4:]}"


def padded(entries: tuple, size: int) -> tuple:
    """The entries grown to `size` with transformed copies: copy k of every article moves 5·k years
    later (past the archive's span: no window holds an original and a copy) and through permutation k."""
    from newsarchive.parsed import Body

    out = list(entries)
    k = 0
    while len(out) < size:
        k += 1
        table = permutation(k)
        for e in entries[:size - len(out)]:
            out.append(dataclasses.replace(
                e, title=e.title.translate(table), body=Body(e.body_md.translate(table)),
                date=shifted(e.date, 5 * k), path=e.path.replace("articles/", f"articles/copy{k}/", 1),
                digest=f"{e.digest}-{k}"))
    return tuple(out)


def measure(entries: tuple, window_days) -> dict:
    from newsarchive.builder.related import _same_story

    groups: dict[str, list] = {}
    for e in entries:
        groups.setdefault(e.lang.split("-")[0], []).append(e)
    wall, cpu = time.perf_counter(), time.process_time()
    found = {}
    for members in groups.values():
        found.update(_same_story(tuple(members), window_days))
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
            "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "same": sum(bool(f.same) for f in found.values()) / len(entries),
            "coverage": sum(bool(f.coverage) for f in found.values()) / len(entries)}


def main() -> None:
    from newsarchive.archive import Archive
    from newsarchive.builder.collect import collect

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--sizes", default="10000,36000,100000")
    parser.add_argument("--all-pairs-up-to", type=int, default=40000)
    args = parser.parse_args()
    entries = collect(Archive(args.root)).entries
    print(f"{len(entries)} articles in {args.root}")
    rows = {}
    for size in map(int, args.sizes.split(",")):
        sample = entries[:size] if size <= len(entries) else padded(entries, size)
        for name, days in (("windowed ±3 days", 3), ("all pairs", None)):
            if days is None and size > args.all_pairs_up_to:
                continue
            r = measure(sample, days)
            rows.setdefault(name, []).append((size, r))
            print(f"{size:>7} {name:<17} wall {r['wall']:7.1f} s  CPU {r['cpu']:7.1f} s  peak {r['peak']:6.0f} MB  "
                  f"same story {r['same']:.0%}  related coverage {r['coverage']:.0%}", flush=True)
    for name, found in rows.items():
        for (n1, r1), (n2, r2) in zip(found, found[1:]):
            exponent = math.log(r2["cpu"] / r1["cpu"]) / math.log(n2 / n1)
            print(f"{name}: CPU grows as size^{exponent:.2f} from {n1} to {n2}")


if __name__ == "__main__":
    main()
