"""Classify a changed path: which stage of the pipeline it touches (Zola-style)."""
from __future__ import annotations

from pathlib import Path

# Kinds of change, from most to least work.
RULE, SOURCE, CONTENT, LAYOUT, STATIC, CONFIG = "rule", "source", "content", "layout", "static", "config"


def classify(root: Path, path: Path, project: Path) -> str | None:
    """The kind of change a path is, or None when it does not affect the site."""
    name = path.name
    if name.startswith((".", "~")) or name.endswith(("~", ".swp", ".tmp")):
        return None
    for base in (root, project):
        try:
            rel = path.relative_to(base)
        except ValueError:
            continue
        top = rel.parts[0] if rel.parts else ""
        if base == root and top == "sources":
            return SOURCE
        if base == root and top == "content" and name.endswith(".md"):
            return CONTENT
        if top == "layouts":
            return LAYOUT
        if top == "rules" and name.endswith(".toml"):
            return RULE
        if top == "static":
            return STATIC
        if base == root and name == "newsarchive.toml":
            return CONFIG
    return None


def plan(kinds: set[str]) -> tuple[bool, bool, bool]:
    """(ingest, rebuild, css_only) for a burst of changes."""
    ingest = bool(kinds & {SOURCE, RULE})
    css_only = kinds == {STATIC}
    return ingest, True, css_only
