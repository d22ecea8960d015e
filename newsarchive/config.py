"""The site config: one declared field per setting, each with its reason, defaults, clear errors.

Read from `ROOT/newsarchive.toml` (all keys optional):

    title = "My news archive"
    base_url = "https://example.org/archive/"
    language = "zh-Hant"
    page_size = 50
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields

from .archive import Archive
from .model import InputError


@dataclass(frozen=True)
class MediaConfig:
    """The `[media]` table: the archive's pictures (see newsarchive/media)."""

    fetch: bool = False
    """Fetch every image an article shows at ingest, as `ingest --fetch-media` does (the main job too)."""
    allow_hosts: tuple[str, ...] = ()
    """Hosts fetched from although they name a loopback, private or link-local address, by name as
    image addresses write them (e.g. ["127.0.0.1"] for a mirror on this machine); no others are."""
    max_bytes: int = 25_000_000
    """Largest picture fetched, in bytes; a larger one is refused (and recorded)."""
    max_pixels: int = 100_000_000
    """Largest picture in pixels (width × height, read from its header): a decompression bomb is refused."""
    budget: int = 20_000
    """Pictures fetched in one run at most; the rest are fetched by the next runs."""
    workers: int = 8
    """Downloads at once."""
    per_host: int = 2
    """Downloads at once from one host (politeness)."""
    timeout: int = 30
    """Seconds one download may take in all (a slow drip is cut off), and for each network wait."""
    retries: int = field(default=2, metadata={"least": 0})
    """Tries again after a failure that may pass (a timeout, a 5xx or 429 answer), with growing pauses."""
    local_only: bool = False
    """Netlify's Content-Security-Policy (site/_headers) lets pages show local pictures only (no
    https: in img-src): choose it once every picture of the archive is stored."""


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
    """Articles per list page (home, archive, outlet, tag): pages are numbered from the oldest, and the
    first page holds the newest, this many to twice this less one."""
    feed_size: int = 50
    """Entries in each Atom feed."""
    full_feeds: bool = False
    """Feeds carry each article's whole text (as HTML), not only its summary."""
    description: str = "A curated archive of news articles, each with its provenance."
    """One sentence for the home page, feeds and link previews."""
    same_story_days: int = 3
    """Same story means the same event: only articles at most this many days apart are compared for
    an article's "same story elsewhere" list (its "related coverage" list spans any time)."""
    media: MediaConfig = MediaConfig()
    """The `[media]` table: fetching, storing and showing the archive's pictures."""

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
    config = SiteConfig(**_checked(path.name, data, SiteConfig))
    return config.with_base_url(config.base_url or None)


# What a setting's declared type takes in TOML, and how the error names it.
_KINDS = {"int": (int, "a positive whole number"), "str": (str, "text"), "bool": (bool, "true or false"),
          "tuple[str, ...]": (list, "a list of text")}


def _checked(name: str, data: dict, schema, table: str = "") -> dict:
    """The settings of one table, each checked against its declared field (a table in a table too)."""
    known = {f.name: f.type for f in fields(schema)}
    least = {f.name: f.metadata.get("least", 1) for f in fields(schema)}  # a whole number's smallest
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise InputError(f"{name}: unknown settings {unknown} in {table or 'the top table'} "
                         f"(known: {', '.join(sorted(known))})")
    out = {}
    for key, value in data.items():
        if known[key] == "MediaConfig":
            if not isinstance(value, dict):
                raise InputError(f"{name}: {key} must be a table ([{key}])")
            out[key] = MediaConfig(**_checked(name, value, MediaConfig, f"[{key}]"))
            continue
        want, said = _KINDS[known[key]]
        if want is int and least[key] == 0:
            said = "a whole number (0 or more)"
        bad = not isinstance(value, want) or (want is int and (isinstance(value, bool) or value < least[key])) \
            or (want is str and not value and key != "base_url") or (want is list and not all(isinstance(v, str) for v in value))
        if bad:
            raise InputError(f"{name}: {table + '.' if table else ''}{key} must be {said}")
        out[key] = tuple(value) if want is list else value
    return out


def settings(schema=None, prefix: str = "") -> list[tuple[str, object, str]]:
    """(name, default, meaning) of every setting, in declaration order, a table's as dotted names
    (`media.fetch`, as TOML may write them too): the meaning is the field's docstring, read from this
    module's source (Python keeps no attribute docstrings at run time)."""
    import ast
    import inspect

    schema = schema or SiteConfig
    tree = ast.parse(inspect.getsource(schema))
    body = tree.body[0].body
    docs = {}
    for node, after in zip(body, body[1:]):
        if isinstance(node, ast.AnnAssign) and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            docs[node.target.id] = " ".join(after.value.value.split())
    out = []
    for f in fields(schema):
        if f.type == "MediaConfig":
            out += settings(MediaConfig, f"{prefix}{f.name}.")
        else:
            out.append((prefix + f.name, f.default, docs.get(f.name, "")))
    return out
