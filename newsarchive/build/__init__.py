"""Build: content/ -> site/. Gather everything, render every page into a staging folder, then swap it in.

    build(root, base_url=None, search=True) -> BuildReport

This front only decides whether there is anything to do (a fingerprint of every input); the work is
in `make` (imported when needed: a rebuild with nothing changed must not pay for importing the
renderer, the same-story comparison and their libraries - that was most of its time).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import cache

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
    from .make import make

    report = make(root, base_url, search, quick)
    if not report.problems:
        cache.remember(root, print_)
    return report


def hot(root: Path, changed: set[Path], lock, base_url: str | None = None) -> BuildReport | None:
    """serve's hot pass after content pages changed: see make.hot."""
    from . import make

    return make.hot(root, changed, lock, base_url)
