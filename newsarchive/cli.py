"""Command line: argument parsing, progress, exit codes. No pipeline logic here.

    python build.py [--root DIR] [COMMAND] [OPTIONS]      (see ../spec/interfaces.md)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from . import archive as arc
from .model import InputError

# Each command imports what it runs when it runs: `build` with nothing to do answers at once,
# without importing the ingest pipeline (its parsers, extractors and rules).

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Runs with at least this many files show a progress bar (on a terminal).
PROGRESS_FROM = 50


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsarchive", description="Curated news archive: ingest raw files, build a site.")
    p.add_argument("--root", default=".", help="archive root (default: current directory)")
    p.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    sub = p.add_subparsers(dest="command")
    ing = sub.add_parser("ingest", help="raw files or folders -> content/ (no PATH: all of sources/)")
    ing.add_argument("paths", nargs="*", type=Path)
    bld = sub.add_parser("build", help="content/ -> site/: pages, feeds, sitemap, search index")
    bld.add_argument("--base-url", default=None, help="absolute URL the site is published at (feeds, sitemap)")
    bld.add_argument("--no-search", action="store_true", help="skip the search index")
    sub.add_parser("check", help="verify raw-file hashes, front matter schema and site links")
    srv = sub.add_parser("serve", help="build, serve site/ over HTTP, rebuild on changes, reload open pages")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8000)
    pack = sub.add_parser("pack", help="zip site/ for offline reading (unzip, open index.html)")
    pack.add_argument("--output", type=Path, default=None, help="zip file to write (default: ROOT/site.zip)")
    return p


def _rules(archive: arc.Archive):
    from .clean.rules import load_rules

    return load_rules([archive.root / "rules", PROJECT_DIR / "rules"])


def _progress(total: int):
    """A progress bar around the stream of results, for long runs on a terminal; else None."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return lambda items: tqdm(items, total=total, unit="file", file=sys.stderr)


def _layout_error(exc) -> str:
    where = f"{exc.filename}:{exc.lineno}: " if getattr(exc, "filename", None) else ""
    return f"layout error: {where}{exc.message}"


def cmd_ingest(archive: arc.Archive, paths: list[Path]) -> int:
    from . import ingest

    summary = ingest.run(archive, [p.absolute() for p in paths], _rules(archive), progress=_progress)
    for shown in summary.kept_edits:
        print(f"{shown}: edited by hand since ingest; kept as it is", file=sys.stderr)
    print(summary.line())
    return 1 if summary.failed else 0


def cmd_build(archive: arc.Archive, base_url: str | None, search: bool) -> int:
    from .build import build

    try:
        report = build(archive.root, base_url=base_url, search=search)
    except Exception as exc:  # noqa: BLE001 - a layout's or Pagefind's error is told in a line; others raise
        message = _build_error(exc)
        if message is None:
            raise
        print(f"newsarchive: {message}; the last good site is left in place", file=sys.stderr)
        return 1
    for shown, reason in report.problems:
        print(f"{shown}: left out of the site ({reason})", file=sys.stderr)
    print(report.line())
    return 1 if report.problems else 0


def _build_error(exc: Exception) -> str | None:
    """The line for a build failure the archivist can fix (a layout, the search indexer); None for others."""
    from jinja2 import TemplateError

    from .build.search.pagefind import PagefindError

    if isinstance(exc, TemplateError):
        return _layout_error(exc)
    if isinstance(exc, PagefindError):
        return f"search index: {exc}"
    return None


def cmd_pack(archive: arc.Archive, output: Path | None) -> int:
    from .build.pack import pack

    if not (archive.site / "index.html").is_file():
        print(f"newsarchive: {archive.site}: no site to pack; run `build` first", file=sys.stderr)
        return 1
    target = pack(archive.site, output or archive.root / "site.zip")
    print(f"packed {target} ({target.stat().st_size // 1024} KB): unzip it and open news-archive/index.html")
    return 0


def cmd_serve(archive: arc.Archive, host: str, port: int) -> int:
    from .serve import passes, serve

    def run_ingest():
        from . import ingest

        ingest.run(archive, [], _rules(archive))

    serve(archive.root, PROJECT_DIR, host, port, run_ingest, lambda quick=False: passes.run_build(archive.root, quick),
          run_hot=lambda changed, lock: passes.run_hot(archive.root, changed, lock),
          start_full=lambda: passes.start_catch_up(archive.root),
          full_answer=lambda child: passes.catch_up_answer(child, archive.root))
    return 0


def cmd_check(archive: arc.Archive) -> int:
    from . import check as checker

    problems = checker.run(archive)
    for shown, reason in problems:
        print(f"{shown}: {reason}", file=sys.stderr)
    print(f"check: {len(problems)} problem(s)")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    archive = arc.Archive(Path(args.root).absolute())
    try:
        with arc.locked(archive):
            if args.command == "check":
                return cmd_check(archive)
            if args.command == "ingest":
                return cmd_ingest(archive, args.paths)
            if args.command == "serve":
                return cmd_serve(archive, args.host, args.port)
            if args.command == "pack":
                return cmd_pack(archive, args.output)
            if args.command == "build":
                return cmd_build(archive, args.base_url, not args.no_search)
            ingested = cmd_ingest(archive, [])  # the main job: ingest what is new or changed, then build
            return max(ingested, cmd_build(archive, None, True))
    except arc.ArchiveBusy as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return 1
    except InputError as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
