"""What changed since the last build: a fingerprint of every input, stored beside the archive.

The fingerprint covers content/, the layouts and static files in use, the config, the build
options and the code's version. When it matches the last successful build and site/ is
there, the build has nothing to do.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .. import __version__

CACHE_DIR = ".newsarchive-cache"
STATE = "build.json"


def fingerprint(root: Path, folders: list[Path], options: dict) -> str:
    h = hashlib.sha256(json.dumps({"version": __version__, "options": options}, sort_keys=True).encode())
    for folder in folders:
        h.update(f"\\0{folder}".encode())
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                st = os.stat(os.path.join(dirpath, name))
                h.update(f"{dirpath}/{name}\\0{st.st_size}\\0{st.st_mtime_ns}\\n".encode())
    config = root / "newsarchive.toml"
    if config.is_file():
        h.update(config.read_bytes())
    return h.hexdigest()


def unchanged(root: Path, print_: str) -> bool:
    state = root / CACHE_DIR / STATE
    try:
        return (root / "site").is_dir() and json.loads(state.read_text())["fingerprint"] == print_
    except (OSError, ValueError, KeyError):
        return False


def remember(root: Path, print_: str) -> None:
    folder = root / CACHE_DIR
    folder.mkdir(exist_ok=True)
    (folder / STATE).write_text(json.dumps({"fingerprint": print_}))
