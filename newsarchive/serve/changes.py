"""Classify a changed path: which stage of the pipeline it touches (Zola-style)."""
from __future__ import annotations

from pathlib import Path

from ..archive import Archive

# Kinds of change, from most to least work.
RULE, SOURCE, CONTENT, LAYOUT, STATIC, CONFIG = "rule", "source", "content", "layout", "static", "config"


def _kinds(archive: Archive) -> tuple[tuple[str, tuple[Path, ...], str], ...]:
    """(kind, the folders holding it, the file ending that counts there, "" for any)."""
    return ((SOURCE, (archive.sources,), ""), (CONTENT, (archive.content,), ".md"),
            (LAYOUT, archive.layout_dirs, ""), (RULE, archive.rule_dirs, ".toml"), (STATIC, archive.static_dirs, ""))


def classify(archive: Archive, path: Path) -> str | None:
    """The kind of change a path is, or None when it does not affect the site."""
    name = path.name
    if name.startswith((".", "~")) or name.endswith(("~", ".swp", ".tmp")):
        return None
    if path == archive.config_file:
        return CONFIG
    for kind, folders, ending in _kinds(archive):
        if any(path.is_relative_to(folder) for folder in folders):
            return kind if name.endswith(ending) else None
    return None


def plan(kinds: set[str]) -> tuple[bool, bool]:
    """(ingest first, only styles changed) for a burst of changes."""
    return bool(kinds & {SOURCE, RULE}), kinds == {STATIC}
