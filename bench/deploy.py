"""Deploy benchmark: how long a first and a next deploy of the scale month take, as a CI job runs them.

The archive as its repository holds it (sources/ and content/ of the month but its last day, ingested
beforehand, not timed) is checked out anew for each deploy - files copied, so every file's time is
new, as after `git clone` - and the main job runs as the committed deploy configs run it
(`build.py --base-url URL`: ingest what is new, then build with search):

- first deploy: no cache (a new site, or a cache that expired);
- next deploy, nothing new: a fresh checkout again, the cache folder of the first deploy restored
  (actions/cache, netlify-plugin-cache);
- next deploy, a day later: the same with the month's last day of raw files added to sources/.

    python bench/deploy.py [--repeat N]

Prints wall time, CPU time (this process's children) and the summary lines, each deploy side by side.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale import REPO, copy_raw, raw_files

BASE_URL = "https://archive.example.org/"


def run(root: Path) -> tuple[float, float, str]:
    """The main job as deploys run it: (wall s, CPU s of the process tree, its summary lines)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "--base-url", BASE_URL],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.exit(f"deploy failed:\n{proc.stderr[-3000:]}")
    return wall, cpu, " | ".join(line for line in proc.stdout.splitlines() if line.strip())


def checkout(repository: Path, where: Path) -> Path:
    """A fresh copy of the archive's repository (sources/, content/): new file times, no cache."""
    for folder in ("sources", "content"):
        shutil.copytree(repository / folder, where / folder, copy_function=shutil.copyfile)
    return where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="deploy pairs to run (medians printed)")
    args = parser.parse_args()
    files = raw_files()
    last_day = sorted({f.parent.name for f in files})[-1]
    day = [f for f in files if f.parent.name == last_day]
    month = [f for f in files if f.parent.name != last_day]
    with tempfile.TemporaryDirectory(prefix="bench-deploy-") as tmp_name:
        tmp = Path(tmp_name)
        repository = tmp / "repository"
        copy_raw(month, repository / "sources" / "scale")
        subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(repository), "ingest", "-q"],
                       capture_output=True)
        articles = len(list((repository / "content").rglob("*.md")))
        print(f"archive: {len(month)} raw files, {articles} articles; next deploy adds {len(day)} raw files "
              f"({last_day}); base URL {BASE_URL}")
        firsts, sames, nexts = [], [], []
        for n in range(args.repeat):
            first = checkout(repository, tmp / f"first-{n}")
            firsts.append(run(first))
            for runs, new_files in ((sames, []), (nexts, day)):
                following = checkout(repository, tmp / f"next-{n}")
                copy_raw(new_files, following / "sources" / "scale")
                shutil.copytree(first / ".newsarchive-cache", following / ".newsarchive-cache")  # the cache restored
                runs.append(run(following))
                shutil.rmtree(following)
            shutil.rmtree(first)
        for label, runs in (("first deploy (no cache)", firsts), ("next deploy (nothing new)", sames),
                            ("next deploy (+1 day)", nexts)):
            walls = [w for w, _c, _s in runs]
            print(f"{label:30} wall {statistics.median(walls):7.1f} s (range {min(walls):.1f}-{max(walls):.1f}), "
                  f"CPU {statistics.median(c for _w, c, _s in runs):7.1f} s")
            print(f"{'':30} {runs[-1][2]}")


if __name__ == "__main__":
    main()
