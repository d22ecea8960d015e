"""`init`: a new archive, the way `hugo new site` and `mkdocs new` make one. Never overwrites."""
from __future__ import annotations

import json
from pathlib import Path

from .archive import CONFIG_NAME, DEFAULTS, Archive, atomic_write
from .config import settings
from .model import InputError

# What a new archive holds besides its folders: (path inside it, template in defaults/init/).
FILES = ((".gitignore", "gitignore"), ("netlify.toml", "netlify.toml"),
         (".github/workflows/pages.yml", "pages.yml"), ("README.md", "README.md"))


def config_text() -> str:
    """newsarchive.toml with every setting, its meaning and its default (commented out)."""
    lines = ["# newsarchive settings. Every one is optional: each is shown with its default, commented out.", ""]
    for name, default, meaning in settings():
        value = json.dumps(list(default) if isinstance(default, tuple) else default, ensure_ascii=False)
        lines += [f"# {meaning}", f"# {name} = {value}", ""]
    return "\n".join(lines)


def scaffold(folder: Path) -> list[str]:
    """Make the archive's folders and files; what was made. InputError (nothing written) when any
    of its files is already there."""
    archive = Archive(folder)
    wanted = {archive.config_file: config_text().encode("utf-8")}
    wanted |= {folder / name: (DEFAULTS / "init" / template).read_bytes() for name, template in FILES}
    there = [str(path) for path in wanted if path.exists() or path.is_symlink()]
    if there:
        raise InputError(f"{there[0]}: already exists; init never overwrites a file (nothing was made)")
    for path in (archive.sources, archive.content):
        path.mkdir(parents=True, exist_ok=True)
    for path, data in wanted.items():
        atomic_write(path, data)
    return ["sources/", "content/", CONFIG_NAME] + [name for name, _ in FILES]
