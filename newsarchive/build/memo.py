"""Pages kept from the last build: a page whose inputs did not change is linked from the last good
site instead of being rendered again, across runs.

A page's key hashes everything it is made of: the site-wide part (the code, layouts, static files,
config, and the few site facts every page shows - article and outlet counts, outlet and tag slugs)
and the page's own inputs (template, path, language, and its context, where an article stands for
its content page's digest). The keys of the site last written are kept in
`.newsarchive-cache/pages.json`; a page whose key matches, and whose file is still in site/, is
hard-linked into the new site (site files are never changed in place, only replaced whole).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import fields, is_dataclass
from pathlib import Path

from ..archive import atomic_write
from .collect import Entry, Group

MANIFEST = "pages.json"


def fingerprint(value):
    """A hashable, repr-stable stand-in for a page's context value."""
    if isinstance(value, Entry):
        return ("entry", value.path, value.digest)
    if isinstance(value, Group):
        return ("group", value.name, value.slug, tuple((e.path, e.digest) for e in value.entries))
    if isinstance(value, (list, tuple)):
        return tuple(fingerprint(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, fingerprint(v)) for k, v in value.items()))
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if is_dataclass(value):
        return (type(value).__name__, tuple((f.name, fingerprint(getattr(value, f.name))) for f in fields(value)))
    raise TypeError(f"no fingerprint for {type(value).__name__}: a page input the cache cannot see")


class Memo:
    def __init__(self, site: Path, cache_dir: Path, site_key: str):
        self.site, self.path, self.site_key = site, cache_dir / MANIFEST, site_key
        self.before: dict[str, str] = {}
        self.now: dict[str, str] = {}
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved["site_key"] == site_key and site.is_dir():
                self.before = saved["pages"]
        except (OSError, ValueError, KeyError):
            pass

    def key(self, *inputs) -> str:
        return hashlib.sha256(repr((self.site_key, fingerprint(inputs))).encode("utf-8")).hexdigest()[:32]

    def reuse(self, path: str, key: str) -> Path | None:
        """The last site's file for path when its key is unchanged (the key is recorded either way)."""
        self.now[path] = key
        old = self.site / path
        return old if self.before.get(path) == key and old.is_file() else None

    def save(self) -> None:
        """After the new site is in place: its keys become the ones to compare with."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps({"site_key": self.site_key, "pages": self.now}, sort_keys=True,
                                           ensure_ascii=False).encode("utf-8"))


def site_key(code_dir: Path, layout_files: tuple, assets: dict[str, str], config, site) -> str:
    """Everything every page depends on, hashed once per build (layout_files: render.Layouts.files)."""
    h = hashlib.sha256()
    for path in sorted(code_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(f"\0{path}\0".encode() + path.read_bytes())
    h.update(repr(layout_files).encode())
    h.update(repr(sorted(assets.items())).encode())
    h.update(repr(fingerprint(config)).encode())
    h.update(repr((len(site.entries), len(site.outlets), [(g.name, g.slug) for g in site.outlets],
                   [(g.name, g.slug) for g in site.tags])).encode())
    return h.hexdigest()
