"""Fetching what the archive lacks: every image its pages show that the manifest has not stored.

Pages changed since the last scan are read for image addresses (a run after a day's ingest reads
that day's pages, not the archive's); addresses that failed before are tried again. Downloads run on
a few threads, at most `per_host` at once per host, each with retries and growing pauses for what may
pass; the manifest is saved every SAVE_EVERY results and at the end, so a killed run loses little
and the next one fetches only what is missing.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

from .. import page
from ..archive import Archive, sha256
from ..config import MediaConfig
from ..progress import Progress
from . import addresses, kinds, store
from .fetch import Limits, Retry, get

# Results between two saves of the manifest.
SAVE_EVERY = 50
# First pause before trying again, in seconds; it doubles with each try.
BACKOFF_SECONDS = 0.5


@dataclass
class MediaSummary:
    fetched: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    left: int = 0  # over this run's budget: for the next run

    def line(self) -> str:
        later = f", {self.left} left for the next run" if self.left else ""
        return f"media fetched {len(self.fetched)}, reused {len(self.reused)}, failed {len(self.failed)}{later}"


def wanted(archive: Archive, since_ns: int) -> list[str]:
    """Image addresses of the pages changed since `since_ns`, in page order, each once."""
    found: dict[str, None] = {}
    paths, _refused = archive.content_pages()
    for path in paths:
        try:
            if path.stat().st_mtime_ns < since_ns:
                continue
            _front, body = page.split(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # told by ingest and build; nothing to fetch from it here
        for url in addresses.images_in(body):
            found.setdefault(url, None)
    return list(found)


def fetch_media(archive: Archive, config: MediaConfig, progress: Progress | None = None) -> MediaSummary:
    progress = progress or Progress.off()
    manifest = store.load(archive)
    started = time.time_ns()
    summary = MediaSummary()
    todo = []
    for url in dict.fromkeys(wanted(archive, manifest.scanned_at) + sorted(manifest.failures)):
        if url in manifest.images:
            summary.reused.append(url)
        else:
            todo.append(url)
    todo, summary.left = todo[:config.budget], max(0, len(todo) - config.budget)
    fetcher = _Fetcher(archive, config)
    done = 0
    with ThreadPoolExecutor(max_workers=config.workers) as pool:
        for url, outcome in progress.wrap(pool.map(lambda u: (u, fetcher.one(u)), todo), "pictures", len(todo), "image"):
            _record(manifest, summary, url, outcome)
            done += 1
            if done % SAVE_EVERY == 0:
                store.save(archive, manifest)
    if not summary.left:  # every page read is done with: the next run reads only pages changed after
        manifest.scanned_at = started
    store.save(archive, manifest)
    return summary


def _record(manifest: store.Manifest, summary: MediaSummary, url: str, outcome) -> None:
    if isinstance(outcome, tuple):
        stored, new = outcome
        manifest.images[url] = stored
        manifest.failures.pop(url, None)
        (summary.fetched if new else summary.reused).append(url)
        return
    before = manifest.failures.get(url)
    manifest.failures[url] = store.Failure(outcome, (before.tries if before else 0) + 1, _now())
    summary.failed.append((url, outcome))


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class _Fetcher:
    """One image at a time per call, from any thread: (Stored, new) or the reason it failed."""

    def __init__(self, archive: Archive, config: MediaConfig):
        self.archive, self.config = archive, config
        self.limits = Limits(frozenset(h.lower() for h in config.allow_hosts), config.max_bytes, float(config.timeout))
        self._hosts: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(config.per_host))
        self._lock = threading.Lock()
        self._claimed: set[str] = set()  # digests this run has stored or is storing

    def _host(self, url: str) -> threading.Semaphore:
        with self._lock:
            return self._hosts[(urlsplit(url).hostname or "").lower()]

    def one(self, url: str):
        reason = "no address to fetch from"
        for source in addresses.sources(url):
            try:
                return self._kept(self._get(source))
            except kinds.Refused as exc:
                reason = f"{source[:200]}: {exc}"
        return reason

    def _get(self, url: str):
        for attempt in range(self.config.retries + 1):
            try:
                with self._host(url):
                    return get(url, self.limits)
            except Retry:
                if attempt == self.config.retries:
                    raise
                time.sleep(BACKOFF_SECONDS * 2 ** attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _kept(self, response) -> tuple[store.Stored, bool]:
        kind = kinds.sniff(response.data)
        width, height = kinds.dimensions(response.data, self.config.max_pixels)
        digest = sha256(response.data)
        with self._lock:  # the same bytes fetched at two addresses at once: stored (and counted) once
            new = digest not in self._claimed
            self._claimed.add(digest)
        if new:
            new = store.put(self.archive, response.data, kind)[1]
        return store.Stored(digest, kind.ext, kind.mime, len(response.data), width, height, response.url, _now(),
                            response.status), new
