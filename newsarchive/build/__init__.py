"""Build: content/ -> site/. Gather everything, render every page in memory, then write once.

    build(root, base_url=None, search=True) -> BuildReport
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import config as site_config
from .collect import collect
from .pages import all_pages
from .related import same_story
from .render import Renderer, environment, load_assets
from .write import write_site

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class BuildReport:
    articles: int
    files: int
    problems: tuple[tuple[str, str], ...]

    def line(self) -> str:
        return f"built {self.articles} articles, {self.files} files; {len(self.problems)} content pages left out"


def build(root: Path, base_url: str | None = None, search: bool = True) -> BuildReport:
    config = site_config.load(root).with_base_url(base_url)
    site = collect(root)
    env = environment([root / "layouts", PROJECT_DIR / "layouts"])
    assets = load_assets([root / "static", PROJECT_DIR / "static"])
    renderer = Renderer(site, config, env, assets, related=same_story(site.entries))
    pages = all_pages(renderer, search=search)
    pages.update(assets.files)
    write_site(root / "site", pages)
    return BuildReport(articles=len(site.entries), files=len(pages), problems=site.problems)
