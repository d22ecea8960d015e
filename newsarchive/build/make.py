"""The build's work: gather the site, render its pages (only those whose inputs changed), write them.

    make(root, base_url, search, quick) -> BuildReport      (a full or quick build; see build())
    hot(root, changed, lock, base_url) -> BuildReport | None (serve's hot pass)
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from .. import config as site_config
from . import BuildReport, PROJECT_DIR, cache, memo, parallel
from .bodies import BodyStore
from .collect import collect, collect_changed
from .pages import all_pages, pages_showing
from .related import same_story
from .render import Renderer, environment, load_assets, read_layouts
from .write import Staging, replace_in_place


@dataclass(frozen=True)
class _Inputs:
    """What every page is made from besides the articles: read once per build."""

    config: object
    env: object
    assets: object
    memo: memo.Memo


def _inputs(root: Path, base_url: str | None, site, carry: bool = False) -> _Inputs:
    config = site_config.load(root).with_base_url(base_url)
    layouts = read_layouts([root / "layouts", PROJECT_DIR / "layouts"])
    assets = load_assets([root / "static", PROJECT_DIR / "static"])
    key = memo.site_key(PROJECT_DIR / "newsarchive", layouts.files, assets.paths, config, site)
    return _Inputs(config, environment(layouts), assets, memo.Memo(root / "site", root / cache.CACHE_DIR, key, carry))


def make(root: Path, base_url: str | None, search: bool, quick: bool) -> BuildReport:
    site = collect(root)
    made = _inputs(root, base_url, site)
    cache_dir = root / cache.CACHE_DIR
    related = same_story(site.entries, cache_dir / "related", stale_ok=quick)
    renderer = Renderer(site, made.config, made.env, made.assets, related=related, memo=made.memo)
    renderer.body_store = BodyStore(cache_dir / "bodies")
    renderer.pending_bodies = parallel.bodies_ahead(renderer, cold=not made.memo.before)
    if quick:
        pages = all_pages(renderer, None, kept_search=root / "site" if search else None)
    else:
        pages = all_pages(renderer, cache_dir / "search" if search else None)
    try:
        with Staging(root / "site") as staging:
            for path, data in chain(pages, made.assets.files.items()):
                staging.add(path, data)
            made.memo.drop_saved()  # a kill between the swap and the save must not leave old keys vouching
            staging.commit()
            made.memo.save()
    finally:
        related.close()
        if renderer.pending_bodies is not None:
            renderer.pending_bodies.close()
        renderer.body_store.wait()
    return BuildReport(articles=len(site.entries), files=len(staging.paths), problems=site.problems)


def hot(root: Path, changed: set[Path], lock, base_url: str | None = None) -> BuildReport | None:
    """serve's hot pass after content pages changed (`changed`: their paths, from the file watcher).

    Only the changed pages are read again; only the pages whose memo key changed are rendered - the
    changed articles' own pages and the lists and feeds that show them - and those files are replaced
    in site/ in place, holding `lock` (the server reads pages under it, so it never shows half an
    edit). Same-story links and the search index stay as the last build left them, as in a quick
    build. None when this is not enough - the archive's counts or slugs, layouts, static files,
    config or code changed, or a page is left out - and a quick build must run instead.
    """
    site, same_shape = collect_changed(root, changed)
    if site is None:
        return None
    made = _inputs(root, base_url, site, carry=True)
    if not made.memo.before:  # nothing recorded for this site key: every page may differ
        return None
    related = same_story(site.entries, root / cache.CACHE_DIR / "related", stale_ok=True)
    renderer = Renderer(site, made.config, made.env, made.assets, related=related, memo=made.memo)
    edited_files = {p.relative_to(root).as_posix() for p in changed}
    edited = tuple(e for e in site.entries if e.content_file in edited_files)
    if same_shape:
        renderer.showing = frozenset(e.path for e in edited)
    try:
        produced, fresh = _changed_pages(renderer, edited)
    finally:
        related.close()
    articles = {e.path for e in site.entries}
    gone = [p for p in made.memo.before if p not in produced and p not in articles]
    made.memo.drop_saved()
    with lock:
        written = replace_in_place(root / "site", fresh, gone)
    for path in gone:
        made.memo.forget(path)
    made.memo.save()
    return BuildReport(articles=len(site.entries), files=written, problems=(), skipped=not written)


def _changed_pages(renderer: Renderer, edited: tuple) -> tuple[set[str], dict[str, bytes]]:
    """The hot pass's pages: every path it looked at, and the ones rendered anew (their bytes)."""
    produced, fresh = set(), {}
    for path, data in pages_showing(renderer, edited):
        produced.add(path)
        if not isinstance(data, Path):
            fresh[path] = data
    return produced, fresh
