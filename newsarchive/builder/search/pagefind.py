"""Run Pagefind over our own word lists, one shard at a time, each shard cached by its content.

Pagefind indexes HTML. We give it one tiny page per article whose text is the article's index
words (tokens.index_words), not the site's pages: the folded bigram text never reaches a reader.
Pagefind's memory grows with the pages indexed at once (~0.45 MB per article here), so articles
are split into shards of at most SHARD_PAGES, indexed in parallel (one process per core) and
merged in the browser with Pagefind's mergeIndex. A shard whose words did not change is reused
from the cache, so one edited article re-indexes one shard.

Fragments (Pagefind's per-page excerpt store) are dropped: they would hold the bigram text, and
static/search.js never asks for them - it maps Pagefind's page ids to its own table instead.
"""
from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import shutil
import subprocess
import tempfile
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ...cache import TEMPORARY_SUFFIX
from ...forked import child_of_this_process
from ...progress import Progress
from . import tokens

PAGEFIND_VERSION = "1.5.2"
# Articles per Pagefind run: bounds its peak memory (~0.7 MB per article) on each core.
SHARD_PAGES = 1200
# Pagefind files the browser never loads for our client (its own UIs; fragments hold bigram text).
_UNUSED = ("fragment/", "pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.js")


_TOKENS_SOURCE = Path(tokens.__file__).read_text(encoding="utf-8")


class PagefindError(RuntimeError):
    pass


@dataclass(frozen=True)
class Shard:
    files: dict[str, Path]       # path inside the shard's folder -> the cached file
    ids: dict[str, str]          # Pagefind page id -> the article's page name


def executable() -> Path:
    try:
        import pagefind_bin
    except ImportError as err:
        raise PagefindError("pagefind-bin is not installed (pip install pagefind-bin==1.5.2)") from err
    return Path(pagefind_bin.get_executable())


def index_shards(shards: list[list[tuple[str, str]]], cache_dir: Path, progress: Progress | None = None) -> list[Shard]:
    """Each shard's (page name, article text) -> its Pagefind bundle; cached shards reused.

    Missing shards are made in a pool of processes, one per core: each turns its texts into
    index words (CPU-bound Python) and runs one Pagefind process.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    keys = [_key(docs) for docs in shards]
    binary = executable()
    missing = [(binary, cache_dir / key, docs) for key, docs in zip(keys, shards)
               if not (cache_dir / key / "ids.json").is_file()]
    if missing:
        tick = (progress or Progress.off()).phase("search index", len(missing), "shard")
        workers = min(len(missing), os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=child_of_this_process()) as pool:
            for _done in pool.map(_run, *zip(*missing)):
                tick(1)
    for stale in set(p.name for p in cache_dir.iterdir()) - set(keys):
        shutil.rmtree(cache_dir / stale, ignore_errors=True)
    return [_load(cache_dir / key) for key in keys]


def _key(docs: list[tuple[str, str]]) -> str:
    """Names a shard by everything its index depends on: Pagefind, our word making, the texts."""
    h = hashlib.sha256(f"{PAGEFIND_VERSION}\0{_TOKENS_SOURCE}".encode())
    for name, text in docs:
        h.update(f"\0{name}\0{text}".encode())
    return h.hexdigest()[:32]


def _load(cached: Path) -> Shard:
    files = {}
    for path in sorted(cached.rglob("*")):
        name = path.relative_to(cached).as_posix()
        if path.is_file() and name != "ids.json":
            files[name] = path
    return Shard(files=files, ids=json.loads((cached / "ids.json").read_text()))


def _run(binary: Path, cached: Path, docs: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory(prefix=".pagefind-", suffix=TEMPORARY_SUFFIX, dir=cached.parent) as tmp:
        pages, out = Path(tmp) / "pages", Path(tmp) / "out"
        pages.mkdir()
        for name, text in docs:
            words = tokens.index_words(tokens.normalize(text))
            (pages / f"{name}.html").write_text(
                f'<!DOCTYPE html><html lang="und"><body data-pagefind-body>{html.escape(words)}</body></html>',
                encoding="utf-8")
        # One language ("und": no stemming, no browser word segmentation of the query's bigrams).
        proc = subprocess.run([str(binary), "--site", str(pages), "--output-path", str(out),
                               "--force-language", "und", "--silent"], capture_output=True, text=True,
                              preexec_fn=child_of_this_process())
        if proc.returncode != 0:
            raise PagefindError(f"pagefind failed: {proc.stderr.strip()[-500:]}")
        try:
            ids = _page_ids(out / "fragment")
        except (ValueError, KeyError, EOFError) as exc:  # gzip, JSON: cut short (Pagefind says nothing of a full disk)
            raise PagefindError(f"pagefind's output in {out} is cut short ({exc}); is the disk full? "
                                "Free space and build again") from None
        for path in list(out.rglob("*")):
            name = path.relative_to(out).as_posix()
            if path.is_file() and name.startswith(_UNUSED):
                path.unlink()
        shutil.rmtree(out / "fragment", ignore_errors=True)
        (out / "ids.json").write_text(json.dumps(ids, sort_keys=True))
        shutil.rmtree(cached, ignore_errors=True)
        out.rename(cached)


def _page_ids(fragments: Path) -> dict[str, str]:
    """Pagefind's result id (its fragment's name) -> the indexed page's name."""
    ids = {}
    for path in fragments.glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        record = json.loads(data[data.index(b"{"):])
        ids[path.name.removesuffix(".pf_fragment")] = record["url"].strip("/").removesuffix(".html")
    return ids
