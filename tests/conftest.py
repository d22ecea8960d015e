"""Shared fixtures: the seeds (the bundled archive's raw files, in the repo), the sample material in
../shared and archives ingested from them.

Tests that need ../shared skip, saying why, where it is absent (a fresh clone with nothing beside
it); under CI (CI set) they must run, so a missing ../shared fails them instead.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsarchive import archive as arc
from newsarchive import builder, ingest, page
from newsarchive.archive import DEFAULTS
from newsarchive.clean.rules import for_archive as _rules

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
# The five seed files: the bundled archive's raw files are exactly them (test_archive checks).
SEEDS = REPO / "sources"
CORPUS = SHARED / "corpus"
UNDER_CI = bool(os.environ.get("CI"))


def require(path: Path, what: str) -> None:
    """Skip the calling test, saying why, when material outside the repo is missing; fail it under CI."""
    if not path.exists():
        missing(f"needs {what} at {path}, which is not there")


def missing(reason: str) -> None:
    if UNDER_CI:
        pytest.fail(f"{reason}: under CI every test must run", pytrace=False)
    pytest.skip(reason)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=600)


# Root's power to read and write any file, dropped (setpriv, util-linux) so that file modes hold for
# it too: a test of an unreadable page or a read-only site means something when run as root.
NO_FILE_POWERS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def run_cli_without_file_powers(*args: str) -> subprocess.CompletedProcess:
    """run_cli as a user file modes hold for (root with its file powers dropped)."""
    if os.geteuid() != 0:
        return run_cli(*args)
    if not shutil.which("setpriv"):
        missing("needs setpriv (util-linux) to take root's power over file modes away")
    return subprocess.run([*NO_FILE_POWERS, sys.executable, str(REPO / "build.py"), *args], capture_output=True,
                          text=True, cwd=REPO, timeout=600)


def leftovers(root: Path) -> list[str]:
    """Temporary files and folders anywhere in an archive (raw-file and page temp files, staging
    sites, cache files and folders being replaced, a zip being written): a run, even a
    killed one, must leave none after the next."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.name.startswith((".tmp-", ".site-")) or p.name.endswith((".new", ".part")))


def pages(root: Path) -> dict[str, tuple[dict, str]]:
    """content pages of an archive by source.file -> (front matter, body)."""
    out = {}
    for path in sorted((root / "content").rglob("*.md")):
        front, body = page.split(path.read_text(encoding="utf-8"))
        out[front["source"]["file"]] = (front, body)
    return out


def build(root: Path, **options):
    """builder.build on the archive at root (the tests name archives by their roots)."""
    return builder.build(arc.Archive(root), **options)


def ingest_into(root: Path, paths: list[Path]) -> ingest.Summary:
    archive = arc.Archive(root)
    return ingest.run(archive, paths, _rules(archive), warn=lambda msg: None)


@pytest.fixture(scope="session")
def seed_root(tmp_path_factory) -> Path:
    """The seeds ingested, the content folders' times set back as an archive's days old are (copies
    keep them): a build keeps settled folders' entries (builder/gathered.py), so every test sees
    them kept, not only those the run reached late enough."""
    root = tmp_path_factory.mktemp("seeds")
    ingest_into(root, sorted(SEEDS.glob("*")))
    past = time.time() - SETTLED_AGO_S
    for folder in [root / "content", *(p for p in (root / "content").rglob("*") if p.is_dir())]:
        os.utime(folder, (past, past), follow_symlinks=False)
    return root


# How far back seed_root's content folders' times are set: past archive.SETTLED_NS.
SETTLED_AGO_S = 60


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory):
    require(CORPUS, "the sample corpus (../shared/corpus)")
    root = tmp_path_factory.mktemp("corpus")
    summary = ingest_into(root, [CORPUS])
    return root, summary


@pytest.fixture
def empty_root(tmp_path) -> Path:
    return tmp_path / "archive"


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True)


__all__ = ["CORPUS", "DEFAULTS", "UNDER_CI", "missing", "require", "REPO", "SEEDS", "SHARED", "build", "copy_tree", "ingest_into", "leftovers", "pages", "run_cli", "run_cli_without_file_powers"]
