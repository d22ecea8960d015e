"""`check`: the archive is what it claims to be.

Every content page's front matter fits the schema and its `source.sha256` matches the preserved
raw file; every raw file without a page (a duplicate, a non-article) matches the digest ingest
recorded for it; every picture the media manifest lists is there with the bytes its name says;
every internal link in site/ resolves to a file.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from . import archive as arc
from .builder.write import interrupted
from . import page, schema


def content_problems(archive: arc.Archive) -> tuple[list[tuple[str, str]], set[str]]:
    """Each content page against the schema and its raw file's digest; and the raw files that have a page."""
    paths, refused = archive.content_pages()
    out = [(arc.rel_or_str(archive, path), why) for path, why in refused]
    paged: set[str] = set()
    for path in paths:
        shown = arc.rel_or_str(archive, path)
        try:
            front, _body = page.split(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            out.append((shown, f"invalid front matter: {exc}"))
            continue
        out += [(shown, f"schema: {p}") for p in schema.problems(front)]
        src = front.get("source") if isinstance(front.get("source"), dict) else {}
        rel = src.get("file")
        if not isinstance(rel, str):
            continue
        paged.add(rel)
        raw = archive.at(rel)
        if raw.is_symlink() or not raw.is_file():
            out.append((shown, f"raw file missing: {rel}"))
        elif arc.sha256(raw.read_bytes()) != src.get("sha256"):
            out.append((shown, f"raw file modified (SHA-256 mismatch): {rel}"))
    return out, paged


def _targets(html_text: str):
    tree = LexborHTMLParser(html_text)
    for node in tree.css("[href], [src]"):
        for attr in ("href", "src"):
            value = node.attributes.get(attr)
            if value:
                yield value


def _under_some_root(site: Path, path: str) -> bool:
    """Whether a root-relative path names a file of the site under some base path (/archive/x -> x)."""
    parts = [p for p in unquote(path).split("/") if p]
    return any(_reaches(site, site.joinpath(*parts[start:])) for start in range(len(parts)))


def _reaches(site: Path, target: Path) -> bool:
    """Whether a link to `target` reaches a file inside site/: the file, or a folder's index.html."""
    if target.is_dir():
        target = target / "index.html"
    return target.is_file() and arc.is_inside(target, site)


def link_problems(archive: arc.Archive) -> list[tuple[str, str]]:
    out = []
    site = archive.site
    if not site.is_dir():
        return out
    if interrupted(site):
        out.append((arc.rel_or_str(archive, site), "a build was killed while putting its pages in place "
                                                   "(part old, part new): the next build finishes it"))
    resolves = _resolver(site)
    for path in sorted(site.rglob("*.html")):
        shown, folder = arc.rel_or_str(archive, path), str(path.parent)
        for url in _targets(path.read_text(encoding="utf-8", errors="replace")):
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("#", "data:", "mailto:")):
                continue
            if url.startswith("/"):
                if path.name == "404.html" and path.parent == site and _under_some_root(site, parts.path):
                    continue  # served at any path, its links start from the base URL's path
                out.append((shown, f"root-absolute internal link: {url}"))
                continue
            if not resolves(os.path.normpath(os.path.join(folder, unquote(parts.path))) if parts.path else str(path)):
                out.append((shown, f"broken internal link: {url}"))
    return out


def _resolver(site: Path):
    """_reaches of a link's target (a normalized path), each target looked up once: most links name the same few files (the assets, the lists, an
    article's neighbours), and looking up each link's (two stats and a resolve of every folder of
    its path) was 300 of the 314 s `check` took at 100 000 articles (now ~60 s)."""
    @functools.lru_cache(maxsize=None)
    def resolves(target: str) -> bool:
        return _reaches(site, Path(target))

    return resolves


def unpaged_raw_problems(archive: arc.Archive, paged: set[str]) -> list[tuple[str, str]]:
    """Raw files with no page of their own (duplicates, non-articles), against the digest ingest
    recorded when it read them (its memo in the cache folder: without one they cannot be verified)."""
    from .ingest_memo import recorded_digests

    out = []
    for key, digest in sorted(recorded_digests(archive).items()):
        raw = archive.at(key)
        if key in paged or not raw.is_file() or raw.is_symlink():
            continue
        if arc.sha256(raw.read_bytes()) != digest:
            out.append((key, "raw file modified since ingest read it (SHA-256 mismatch)"))
    return out


def run(archive: arc.Archive) -> list[tuple[str, str]]:
    from .media import store as media

    problems, paged = content_problems(archive)
    return problems + unpaged_raw_problems(archive, paged) + media.problems(archive) + link_problems(archive)
