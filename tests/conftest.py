"""Shared fixtures: the read-only material in ../shared and archives ingested from it."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive import archive as arc
from newsarchive import builder, ingest, page
from newsarchive.archive import DEFAULTS
from newsarchive.clean.rules import for_archive as _rules

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=600)


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
    root = tmp_path_factory.mktemp("seeds")
    ingest_into(root, sorted(SEEDS.glob("*")))
    return root


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    summary = ingest_into(root, [CORPUS])
    return root, summary


@pytest.fixture
def empty_root(tmp_path) -> Path:
    return tmp_path / "archive"


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True)


__all__ = ["CORPUS", "DEFAULTS", "REPO", "SEEDS", "SHARED", "build", "copy_tree", "ingest_into", "pages", "run_cli"]
