"""Raw files that could not be ingested, remembered across runs: each with its reason and when it
was first seen (a tenant of the archive's cache store, `failures.json`).

A real archive always holds a few files that cannot be articles; they must not stop every deploy,
and must not be forgotten either. Every run tells them again (ingest retries them), the site lists
them on its problems page, and `--strict` fails the main job only for a failure not seen before.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from .archive import Archive

STORE = "failures.json"
VERSION = "1"


@dataclass(frozen=True)
class Failure:
    key: str          # the raw file, "sources/..."
    reason: str
    first_seen: str   # UTC, "2026-12-01T16:20:04+00:00"


def load(archive: Archive) -> tuple[Failure, ...]:
    stored = archive.cache.load(STORE, VERSION)
    try:
        return tuple(Failure(**entry) for entry in stored) if isinstance(stored, list) else ()
    except TypeError:  # damaged by hand: forgotten, told again by the next ingest
        return ()


def update(archive: Archive, seen: set[str], failed: list[tuple[str, str]]) -> tuple[Failure, ...]:
    """The record after a run that handled the raw files `seen`, of which `failed` (key, reason) failed:
    their entries are replaced (a known failure keeps its first sighting), the others kept while
    their raw file is there. Saved; the new failures (not in the record before) are returned."""
    before = {f.key: f for f in load(archive)}
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    kept = {k: f for k, f in before.items() if k not in seen and archive.at(k).is_file()}
    current = {key: Failure(key, reason, before[key].first_seen if key in before else now) for key, reason in failed}
    record = sorted({**kept, **current}.values(), key=lambda f: f.key)
    archive.cache.save(STORE, VERSION, [asdict(f) for f in record])
    return tuple(current[key] for key in sorted(current) if key not in before)
