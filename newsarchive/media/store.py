"""The stored pictures and their manifest.

Each picture is one file, `sources/media/<sha256[:2]>/<sha256>.<ext>`, written beside its place and
renamed into it (a kill leaves no half file), never replaced: the same bytes shown by many articles,
or found at many addresses, are one file. The manifest, `sources/media/manifest.json`, is the record:
for each address an article shows, the file it was stored as (digest, kind, bytes, pixels, where and
when it was fetched, the HTTP status), or why it could not be (and how often that was tried).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..archive import Archive, atomic_write, sha256
from .kinds import Kind

VERSION = 1


@dataclass(frozen=True)
class Stored:
    sha256: str
    ext: str
    type: str
    bytes: int
    width: int | None
    height: int | None
    fetched_from: str
    fetched_at: str
    status: int

    @property
    def site_path(self) -> str:
        """Its place in the site, and (under sources/) in the archive."""
        return site_path(self.sha256, self.ext)


@dataclass(frozen=True)
class Failure:
    reason: str
    tries: int
    last_tried: str


def site_path(digest: str, ext: str) -> str:
    return f"media/{digest[:2]}/{digest}.{ext}"


@dataclass
class Manifest:
    images: dict[str, Stored]
    failures: dict[str, Failure]
    scanned_at: int = 0  # (ns) pages changed since are read for new images; older ones were read


def load(archive: Archive) -> Manifest:
    """The manifest; an empty one when there is none (or it cannot be read: it is then rebuilt, the
    stored files being found again by the fetches)."""
    try:
        data = json.loads(archive.media_manifest.read_text(encoding="utf-8"))
        images = {url: Stored(**record) for url, record in data["images"].items()}
        failures = {url: Failure(**record) for url, record in data["failures"].items()}
        return Manifest(images, failures, int(data.get("scanned_at", 0)))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest({}, {})


def save(archive: Archive, manifest: Manifest) -> None:
    data = {"version": VERSION, "scanned_at": manifest.scanned_at,
            "images": {url: asdict(s) for url, s in sorted(manifest.images.items())},
            "failures": {url: asdict(f) for url, f in sorted(manifest.failures.items())}}
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    atomic_write(archive.media_manifest, text.encode("utf-8"))


def put(archive: Archive, data: bytes, kind: Kind) -> tuple[str, bool]:
    """Store a picture's bytes once: (its digest, whether it was new)."""
    digest = sha256(data)
    path = archive.media_file(site_path(digest, kind.ext))
    if path.is_file() and not path.is_symlink():
        return digest, False
    atomic_write(path, data)  # (makes the folder when it is missing)
    return digest, True


def problems(archive: Archive) -> list[tuple[str, str]]:
    """`check`: every picture the manifest lists is there with the bytes its name says."""
    out = []
    seen: set[str] = set()
    for url, stored in sorted(load(archive).images.items()):
        if stored.site_path in seen:
            continue
        seen.add(stored.site_path)
        path = archive.media_file(stored.site_path)
        shown = f"sources/{stored.site_path}"
        if path.is_symlink() or not path.is_file():
            out.append((shown, f"picture missing (of {url[:200]})"))
        elif sha256(path.read_bytes()) != stored.sha256:
            out.append((shown, "picture modified (SHA-256 mismatch)"))
    return out


def stored_files(archive: Archive) -> list[Path]:
    """Every picture file under sources/media/ (for the tests and the benchmark)."""
    folder = archive.media
    return sorted(p for p in folder.glob("*/*") if p.is_file()) if folder.is_dir() else []
