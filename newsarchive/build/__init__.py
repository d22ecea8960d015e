"""Build: content/ -> site/. Gather everything, render every page into a staging folder, then swap it in.

    build(root, base_url=None, search=True) -> BuildReport
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from .. import config as site_config
from . import cache, memo
from .collect import collect
from .pages import all_pages
from .related import same_story
from .render import Renderer, environment, load_assets, read_layouts
from .write import Staging

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class BuildReport:
    articles: int
    files: int
    problems: tuple[tuple[str, str], ...]
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return "site is up to date: nothing changed since the last build"
        return f"built {self.articles} articles, {self.files} files; {len(self.problems)} content pages left out"


def build(root: Path, base_url: str | None = None, search: bool = True, quick: bool = False) -> BuildReport:
    """Build ROOT/site. `quick` is serve's first pass after an edit: the whole-archive parts are taken
    from the last build as they are - the search index files, and same-story links computed before
    the edit - so the edited pages show at once; a full build follows and brings those up to date."""
    folders = [root / "content", root / "layouts", PROJECT_DIR / "layouts", root / "static", PROJECT_DIR / "static",
               PROJECT_DIR / "newsarchive"]
    print_ = cache.fingerprint(root, folders, {"base_url": base_url, "search": search, "quick": quick})
    if cache.unchanged(root, print_):
        return BuildReport(articles=0, files=0, problems=(), skipped=True)
    report = _build(root, base_url, search, quick)
    if not report.problems:
        cache.remember(root, print_)
    return report


def _build(root: Path, base_url: str | None, search: bool, quick: bool) -> BuildReport:
    config = site_config.load(root).with_base_url(base_url)
    site = collect(root)
    layouts = read_layouts([root / "layouts", PROJECT_DIR / "layouts"])
    env = environment(layouts)
    assets = load_assets([root / "static", PROJECT_DIR / "static"])
    cache_dir = root / cache.CACHE_DIR
    pages_memo = memo.Memo(root / "site", cache_dir,
                           memo.site_key(PROJECT_DIR / "newsarchive", layouts.files, assets.paths, config, site))
    related = same_story(site.entries, cache_dir / "related", stale_ok=quick)
    renderer = Renderer(site, config, env, assets, related=related, memo=pages_memo)
    if quick:
        pages = all_pages(renderer, None, kept_search=root / "site" if search else None)
    else:
        pages = all_pages(renderer, cache_dir / "search" if search else None)
    with Staging(root / "site") as staging:
        for path, data in chain(pages, assets.files.items()):
            staging.add(path, data)
        staging.commit()
    pages_memo.save()
    return BuildReport(articles=len(site.entries), files=len(staging.paths), problems=site.problems)
