"""Write: pages -> site/, staged beside the old site and swapped in whole.

The new site is written to `.site-new-<pid>` next to `site/`; only when every file is
there does it replace `site/` (old moved aside, new renamed in, old removed). A
failure leaves the last good site in place. A path written twice is refused.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
from pathlib import Path


class DoubleWrite(Exception):
    pass


def stage(site: Path, pages: dict[str, bytes | Path]) -> Path:
    """Write every page into a new staging folder: bytes are written, a Path (a file of the last
    site, or of a cache) is hard-linked - the same bytes without copying them."""
    staging = site.parent / f".site-new-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    made: set[Path] = set()
    for rel_path in sorted(pages):
        target = staging / rel_path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        data = pages[rel_path]
        if isinstance(data, Path):
            _link(data, target)
            continue
        with open(target, "xb") as fh:  # 'x': a path written twice is an error, not an overwrite
            fh.write(data)
    return staging


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # fails if target exists: no path is written twice
    except OSError as exc:
        if target.exists():
            raise
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
            raise
        shutil.copyfile(source, target)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE).

    Python's os module has no renameat2; two renames would leave a moment with no site/ at
    all, which a kill could freeze. Returns False where the call is unavailable.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def swap(site: Path, staging: Path) -> None:
    if site.exists() and _exchange(staging, site):
        shutil.rmtree(staging)  # now holds the old site
        return
    old = site.parent / f".site-old-{os.getpid()}"
    if site.exists():
        os.replace(site, old)
    os.replace(staging, site)
    if old.exists():
        shutil.rmtree(old)


def remove_stale(site: Path) -> None:
    """Staging folders left by a killed build are removed before a new one starts."""
    for leftover in site.parent.glob(".site-*-*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)


def write_site(site: Path, pages: dict[str, bytes | Path]) -> None:
    remove_stale(site)
    staging = stage(site, pages)
    try:
        swap(site, staging)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
