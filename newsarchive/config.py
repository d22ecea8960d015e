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
    base_url: str = ""
    """Absolute URL the site is published at (or `build --base-url`); feeds, the sitemap, canonical
    links and JSON-LD use it. Without one the build writes no absolute URL of its own making: feeds
    link relatively, the sitemap lists no pages, article pages carry no canonical link."""
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
        return SiteConfig(**{**self.__dict__, "base_url": base_url(url)})


def base_url(url: str) -> str:
    """A base URL as the site uses it (ending in /); InputError when it is not an absolute http(s) URL."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or any(c in url for c in ' "<>\\'):
        raise InputError(f"base URL must be an absolute http:// or https:// URL: {url!r}")
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
        if not isinstance(value, want) or (want is int and value < 1) or (want is str and not value and key != "base_url"):
            raise InputError(f"{path.name}: {key} must be {'a positive whole number' if want is int else 'text'}")
    config = SiteConfig(**data)
    return config.with_base_url(config.base_url or None)


def settings() -> list[tuple[str, object, str]]:
    """(name, default, meaning) of every setting, in declaration order: the meaning is the field's
    docstring, read from this module's source (Python keeps no attribute docstrings at run time)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(SiteConfig))
    body = tree.body[0].body
    docs = {}
    for node, after in zip(body, body[1:]):
        if isinstance(node, ast.AnnAssign) and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            docs[node.target.id] = " ".join(after.value.value.split())
    return [(f.name, f.default, docs.get(f.name, "")) for f in fields(SiteConfig)]
