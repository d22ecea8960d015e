"""Command line: argument parsing, progress, exit codes. No pipeline logic here.

    python build.py [--root DIR] [COMMAND] [OPTIONS]      (see ../spec/interfaces.md)
"""
from __future__ import annotations

import argparse
import atexit
import errno
import os
import sys
import threading
from pathlib import Path

from . import __version__
from . import archive as arc
from .model import InputError
from .progress import Progress

# Each command imports what it runs when it runs: `build` with nothing to do answers at once,
# without importing the ingest pipeline (its parsers, extractors and rules).

# Commands that work on an archive that already exists (`ingest` may start one; `init` makes one).
NEED_ARCHIVE = (None, "build", "check", "serve", "pack")


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line (and exit status 2), not argparse's usage block."""

    def error(self, message: str):
        self.exit(2, f"newsarchive: {message} (see `newsarchive --help`)\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be a number, not {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be from 0 to 65535, not {port}")
    return port


def _base_url(text: str) -> str:
    from .config import base_url

    try:
        return base_url(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    # --root is accepted before the command and after it (a subcommand's value wins).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", default=argparse.SUPPRESS, help="archive root (default: current directory)")
    common.add_argument("--quiet", "-q", action="store_true", default=argparse.SUPPRESS,
                        help="no progress bars and no summary line: only problems are printed")
    p = _Parser(prog="newsarchive", description="Curated news archive: ingest raw files, build a site.",
                parents=[common])
    p.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    # The main job's options (no command): what it builds with, and when it fails.
    p.add_argument("--base-url", type=_base_url, default=None,
                   help="absolute URL the site is published at (feeds, sitemap, canonical links)")
    p.add_argument("--no-search", action="store_true", help="skip the search index")
    p.add_argument("--strict", action="store_true",
                   help="the main job fails (exit 1) for a raw file that fails and never failed before, or a "
                        "content page left out; without it such problems are listed (and on the site's problems "
                        "page) and the site is still published")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    def command(name: str, help: str):
        return sub.add_parser(name, help=help, description=help, parents=[common])

    init = command("init", "make a new archive: folders, a commented newsarchive.toml, deploy configs")
    init.add_argument("folder", nargs="?", type=Path, default=None,
                      help="where to make it (default: --root, or the current directory)")
    ing = command("ingest", "raw files or folders -> content/ (no PATH: all of sources/)")
    ing.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                     help="a raw file or a folder of them; one outside sources/ is first copied into it")
    ing.add_argument("--fetch-media", action="store_true", default=argparse.SUPPRESS,
                     help="fetch every image the articles show into sources/media/ (as media.fetch = true does)")
    bld = command("build", "content/ -> site/: pages, feeds, sitemap, search index")
    bld.add_argument("--base-url", type=_base_url, default=argparse.SUPPRESS,
                     help="absolute URL the site is published at (feeds, sitemap, canonical links)")
    bld.add_argument("--no-search", action="store_true", default=argparse.SUPPRESS, help="skip the search index")
    command("check", "verify raw-file hashes, front matter schema and site links")
    srv = command("serve", "build, serve site/ over HTTP, rebuild on changes, reload open pages")
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    srv.add_argument("--port", type=_port, default=8000, help="port to listen on (default: 8000; 0: any free port)")
    pack = command("pack", "zip site/ for offline reading (unzip, open index.html)")
    pack.add_argument("--output", type=Path, default=None, help="zip file to write (default: ROOT/site.zip)")
    return p


def cmd_ingest(archive: arc.Archive, paths: list[Path], quiet: bool = False, fetch_media: bool = False) -> int:
    return 1 if _ingest(archive, paths, quiet, fetch_media).failed else 0


def _ingest(archive: arc.Archive, paths: list[Path], quiet: bool, fetch_media: bool = False, parsed_pages=None,
            listing=None):
    from . import config as site_config
    from . import ingest
    from .clean.rules import for_archive

    media = site_config.load(archive).media  # (a bad config is one line before anything is done)
    summary = ingest.run(archive, [p.absolute() for p in paths], for_archive(archive),
                         progress=Progress.on_terminal(quiet), parsed_pages=parsed_pages, listing=listing)
    for shown in summary.kept_edits:
        print(f"{shown}: edited by hand since ingest; kept as it is", file=sys.stderr)
    if not quiet:
        print(summary.line())
    if fetch_media or media.fetch:
        _fetch_media(archive, media, quiet)
    return summary


# Failed pictures named one line each, up to this many a run (the manifest lists every one).
MEDIA_FAILURES_SHOWN = 20


def _fetch_media(archive: arc.Archive, media, quiet: bool) -> None:
    from .media.run import fetch_media

    summary = fetch_media(archive, media, Progress.on_terminal(quiet))
    for url, reason in summary.failed[:MEDIA_FAILURES_SHOWN]:
        print(f"picture not fetched: {url[:200]}: {reason}", file=sys.stderr)
    if len(summary.failed) > MEDIA_FAILURES_SHOWN:
        print(f"... and {len(summary.failed) - MEDIA_FAILURES_SHOWN} more pictures not fetched "
              f"(sources/media/manifest.json lists each, with why)", file=sys.stderr)
    if not quiet:
        print(summary.line())


def cmd_main(archive: arc.Archive, base_url: str | None, search: bool, strict: bool, quiet: bool,
             kept: list | None = None) -> int:
    """Ingest what is new or changed, then build. A raw file that fails (told above, listed on the
    site's problems page) does not stop the site being published; under `strict` a new one does."""
    from .builder.outcome import Failed, LeftOut

    from . import parsed
    from .builder.state import BuildState

    pages = parsed.ParsedPages(archive.cache)  # (decoded once for both: see ParsedPages.loaded)
    listing = arc.Listing()  # (what ingest's listing of content/ hands the build's)
    summary = _ingest(archive, [], quiet, parsed_pages=pages, listing=listing)
    listing.fresh = True
    state = BuildState(parsed_files=pages.loaded(), content_listing=listing)
    _keep(kept, state)
    del pages  # (the build's collect lets the files go once it has gathered the site)
    outcome = _build(archive, base_url, search, quiet, state)
    if summary.failed:
        print(f"newsarchive: {len(summary.failed)} raw file(s) not ingested, {len(summary.new_failures)} of them "
              f"new; the site lists them at problems/index.html", file=sys.stderr)
    if isinstance(outcome, Failed) or (strict and (summary.new_failures or isinstance(outcome, LeftOut))):
        return 1
    return 0


def cmd_build(archive: arc.Archive, base_url: str | None, search: bool, quiet: bool = False,
              kept: list | None = None) -> int:
    from .builder.outcome import Failed, LeftOut
    from .builder.state import BuildState

    state = BuildState()
    _keep(kept, state)
    return 1 if isinstance(_build(archive, base_url, search, quiet, state), (Failed, LeftOut)) else 0


def _keep(kept: list | None, state) -> None:
    """The build's state (what it gathered) left for the caller to hold (see run)."""
    if kept is not None:
        kept.append(state)


def _build(archive: arc.Archive, base_url: str | None, search: bool, quiet: bool, state=None):
    from . import config as site_config
    from .builder import build
    from .builder.outcome import Built, Failed, LeftOut

    outcome = build(archive, base_url=base_url, search=search, state=state, progress=Progress.on_terminal(quiet))
    if isinstance(outcome, Failed):
        print(f"newsarchive: {outcome.reason}; the last good site is left in place", file=sys.stderr)
        return outcome
    if isinstance(outcome, LeftOut):
        for shown, reason in outcome.problems:
            print(f"{shown}: left out of the site ({reason})", file=sys.stderr)
    if not quiet:
        print(outcome.line())
        if isinstance(outcome, (Built, LeftOut)) and not (base_url or site_config.load(archive).base_url):
            print("newsarchive: no base URL (base_url in newsarchive.toml, or --base-url): feeds link relatively, "
                  "the sitemap lists no pages and article pages carry no canonical link", file=sys.stderr)
    return outcome


def cmd_pack(archive: arc.Archive, output: Path | None) -> int:
    from .builder.make import SEARCH_CACHE
    from .builder.pack import pack
    from .builder.search import offline_files
    from .builder.write import interrupted

    if not archive.home_page.is_file():
        print(f"newsarchive: {archive.site}: no site to pack; run `build` first", file=sys.stderr)
        return 1
    if interrupted(archive.site):
        print(f"newsarchive: {archive.site}: a build was killed while putting its pages in place; run `build` "
              "(it finishes them first), then pack", file=sys.stderr)
        return 1
    texts, lost = offline_files(archive.site, archive.cache.path(archive.site_tenant(SEARCH_CACHE)))
    if lost:
        print(f"newsarchive: search excerpts of {lost} part(s) of the archive are not kept any more "
              "(a build since failed): build again, then pack", file=sys.stderr)
    target = pack(archive.site, output or archive.zip_file, texts)
    print(f"packed {target} ({target.stat().st_size // 1024} KB): unzip it and open news-archive/index.html")
    return 0


def cmd_serve(archive: arc.Archive, host: str, port: int) -> int:
    from .serve import passes, serve

    with arc.locked(archive, lock_file=archive.serve_lock_file) as held:  # one preview of an archive at a time
        serve(archive, host, port, passes.Builder, lock=held)
    return 0


def cmd_check(archive: arc.Archive) -> int:
    from . import check as checker

    problems = checker.run(archive)
    for shown, reason in problems:
        print(f"{shown}: {reason}", file=sys.stderr)
    print(f"check: {len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_init(folder: Path) -> int:
    from .init import scaffold

    made = scaffold(folder)
    print(f"made a new archive in {folder}: {', '.join(made)}")
    print("next: put raw files in sources/, then run `newsarchive` there (ingest, then build site/)")
    return 0


def _usage_error(message: str) -> int:
    print(f"newsarchive: {message}", file=sys.stderr)
    return 2


# The numerical libraries' own threads, one per process: OpenBLAS starts a thread for each core in
# every process that loads numpy (the build's, same story's, the pools' workers), and each spins
# waiting for work after every matrix product - on two cores already running a process each, ~0.4
# CPU-s of a cold build at 10 000 articles for products that take 0.1 s. The build's parallelism is
# its processes. A value the user set is kept.
_LIBRARY_THREADS = {"OPENBLAS_NUM_THREADS": "1"}


def run() -> None:
    """The console command and build.py: main(), then the process ends without freeing what the
    command made. A build holds what it gathered to the end (at 100 000 articles some 3 million
    objects: freeing them one by one took ~0.4 s of every build, for memory the kernel takes back
    whole); what the interpreter's own exit does besides is done first - the threads the work left
    joined, the exit handlers run (multiprocessing's among them: its children waited for), output
    flushed. Tests call main(), which frees as usual."""
    for name, value in _LIBRARY_THREADS.items():  # (before any of our processes loads numpy)
        os.environ.setdefault(name, value)
    kept: list = []
    code = main(kept=kept)
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # (CPython's own; elsewhere: the usual exit)
    if run_exit_handlers is None:
        sys.exit(code)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # (a reader gone from the pipe, a stream closed: as at any exit)
            pass
    os._exit(code or 0)


def main(argv: list[str] | None = None, kept: list | None = None) -> int:
    """The command line's work; its exit status. `kept`: where a command leaves what it made for the
    caller to hold until the process ends (see run); None lets it go on return."""
    _plain_pages()
    args = _parser().parse_args(argv)
    root = Path(getattr(args, "root", ".")).absolute()
    if args.command == "init":
        return _run(lambda: cmd_init((args.folder or root).absolute()))
    if args.command in NEED_ARCHIVE and not root.is_dir():
        why = "not a folder" if root.exists() else "no such folder"
        return _usage_error(f"{root}: {why}; give the archive's folder with --root, or make one with `newsarchive init`")
    archive = arc.Archive(root)
    return _run(lambda: _in_archive(archive, args, kept))


def _plain_pages() -> None:
    """numpy asks the kernel for transparent huge pages for its large arrays (read when numpy is first
    imported: the pipeline imports it later). Where the kernel then compacts memory at page faults
    (THP defrag "madvise", a common default), indexing one search segment took 1.1-4.6 s of which up
    to 3 s in the kernel, against a steady 1.4-1.6 s without (2 000 articles, this machine). An
    archivist's setting wins."""
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")


def _in_archive(archive: arc.Archive, args, kept: list | None = None) -> int:
    # What only reads the archive (check, pack) shares the lock, with each other and with serve, which
    # writes only its own preview; what writes the archive holds it alone.
    with arc.locked(archive, shared=args.command in ("check", "pack", "serve")):
        if args.command == "check":
            return cmd_check(archive)
        quiet = getattr(args, "quiet", False)
        if args.command == "ingest":
            return cmd_ingest(archive, args.paths, quiet, getattr(args, "fetch_media", False))
        if args.command == "serve":
            return cmd_serve(archive, args.host, args.port)
        if args.command == "pack":
            return cmd_pack(archive, args.output)
        if args.command == "build":
            return cmd_build(archive, args.base_url, not args.no_search, quiet, kept)
        return cmd_main(archive, args.base_url, not args.no_search, args.strict, quiet, kept)


# What the archivist can do about an error of the file system, by its errno (what stopped a run
# changed nothing archived: the last good site, sources and pages stay).
_WHAT_TO_DO = {
    errno.ENOSPC: "; free space and run again (the last good site is kept)",
    errno.EDQUOT: "; free space and run again (the last good site is kept)",
    errno.EROFS: "; run where the archive can be written",
    errno.EACCES: "; make it readable and writable by this user and run again",
    errno.EPERM: "; make it writable by this user and run again",
}


def _run(work) -> int:
    """A command's exit status; what stops it is one line on stderr, never a traceback."""
    try:
        return work()
    except (arc.ArchiveBusy, InputError) as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"newsarchive: {where}{exc.strerror or exc}{_WHAT_TO_DO.get(exc.errno, '')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
