"""A fresh clone with nothing beside it passes the README's test command: what needs ../shared (the
sample corpus, Readability's reference text) is skipped, each with its reason."""
import os
import shutil
import subprocess
import sys

import pytest

from .conftest import REPO

# Set for the clone's own run, so that it does not clone itself again.
NESTED = "NEWSARCHIVE_FRESH_CLONE"


# What a checkout without git (an unpacked source archive) leaves out when copied: at its top, what a
# run makes; anywhere, caches.
NOT_SOURCE_TOP = (".git", "site", ".newsarchive-cache", "build", "dist", ".pytest_cache", ".hypothesis", "site.zip")
NOT_SOURCE = ("__pycache__", "*.egg-info", ".site-*", ".newsarchive*.lock")


def _copy_tracked(where) -> None:
    """The repo's files as a clone has them (tracked, and new ones not ignored), nothing else."""
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO, capture_output=True)
    if listed.returncode != 0:  # not a git checkout: its files, less what a run makes
        anywhere = shutil.ignore_patterns(*NOT_SOURCE)
        shutil.copytree(REPO, where, ignore=lambda folder, names: set(anywhere(folder, names)) | (
            set(names) & set(NOT_SOURCE_TOP) if os.path.samefile(folder, REPO) else set()))
        return
    names = listed.stdout.split(b"\0")
    for name in filter(None, names):
        source, target = REPO / os.fsdecode(name), where / os.fsdecode(name)
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())


def test_a_fresh_clone_with_nothing_beside_it_passes(tmp_path):
    if os.environ.get(NESTED):
        pytest.skip("this is the fresh clone's own run")
    clone = tmp_path / "alone" / "newsarchive"  # no shared/ beside it
    _copy_tracked(clone)
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {NESTED: "1"}  # a developer's machine, not CI
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfEs"], cwd=clone, env=env,
                            capture_output=True, text=True, timeout=1500)
    out = result.stdout
    failed = [line for line in out.splitlines() if line.startswith(("FAILED", "ERROR", "E   "))]
    assert result.returncode == 0, "\n".join(failed[:40]) or out[-3000:]
    summary = out.strip().splitlines()[-1]
    assert " passed" in summary and " skipped" in summary and "failed" not in summary, summary
    reasons = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    # (the accessibility test's axe-core comes from npm, as the README says: not in a fresh clone either)
    assert reasons and all("../shared" in line or "fresh clone's own run" in line or "axe-core" in line
                           for line in reasons), reasons
