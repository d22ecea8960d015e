"""The site config: one declared field per setting, each with its reason, defaults, clear errors.

Read from `ROOT/newsarchive.toml` (all keys optional):

    title = "My news archive"
    base_url = "https://example.org/archive/"
    language = "zh-Hant"
    page_size = 50
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields

from .archive import Archive
from .model import InputError


@dataclass(frozen=True)
class SiteConfig:
    title: str = "新聞典藏 News Archive"
    """The site's name, in the header, feeds and page titles."""
    base_url: str = "http://localhost:8000/"
    """Absolute URL the site is published at; only feeds, sitemap, canonical links and JSON-LD use it."""
    language: str = "zh-Hant"
    """`<html lang>` of pages that are not one article (home, lists)."""
    page_size: int = 50
    """Articles per list page (home, archive, outlet, tag)."""
    feed_size: int = 50
    """Entries in each Atom feed."""
    description: str = "A curated archive of news articles, each with its provenance."
    """One sentence for the home page, feeds and link previews."""

    def with_base_url(self, url: str | None) -> "SiteConfig":
        if not url:
            return self
        return SiteConfig(**{**self.__dict__, "base_url": _base(url)})


def _base(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise InputError(f"base URL must start with http:// or https://: {url!r}")
    return url if url.endswith("/") else url + "/"


def load(archive: Archive) -> SiteConfig:
    path = archive.config_file
    if not path.is_file():
        return SiteConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path.name}: not valid TOML ({exc})") from None
    known = {f.name: f.type for f in fields(SiteConfig)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise InputError(f"{path.name}: unknown settings {unknown} (known: {', '.join(sorted(known))})")
    for key, value in data.items():
        want = int if known[key] == "int" else str
        if not isinstance(value, want) or (want is int and value < 1):
            raise InputError(f"{path.name}: {key} must be {'a positive whole number' if want is int else 'text'}")
    config = SiteConfig(**data)
    return config.with_base_url(config.base_url)
