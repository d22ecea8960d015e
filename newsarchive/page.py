"""The uniform markdown page: Article <-> text, exactly as interfaces.md spells the keys.

The `cleaning` key is ours: the rule used, what each step removed, and a checksum
of the page as ingest wrote it, so a later re-ingest can tell a hand edit.
"""
from __future__ import annotations

import hashlib
import json
import re

import yaml

from .model import Article

_CHECKSUM_LINE = re.compile(r"^  checksum: \"?([0-9a-f]{64})\"?\n", re.M)
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _list(key: str, values, indent: str = "") -> list[str]:
    if not values:
        return []
    return [f"{indent}{key}:"] + [f"{indent}  - {_q(v)}" for v in values]


def render(article: Article) -> str:
    a = article
    lines = ["---", f"title: {_q(a.title)}"]
    if a.date:
        lines.append(f"date: {_q(a.date)}")
    lines += [f"outlet: {_q(a.outlet)}", f"lang: {_q(a.lang)}"]
    lines += _list("authors", a.authors) + _list("tags", a.tags)
    if a.summary:
        lines.append(f"summary: {_q(a.summary)}")
    lines.append("source:")
    if a.source_url:
        lines.append(f"  url: {_q(a.source_url)}")
    if a.archive_url:
        lines.append(f"  archive_url: {_q(a.archive_url)}")
    lines += [f"  file: {_q(a.source_file)}", f"  sha256: {_q(a.source_sha256)}",
              f"  format: {_q(a.source_format)}", "cleaning:", f"  rule: {_q(a.cleaning.rule)}"]
    if a.cleaning.counts:
        lines.append("  steps:")
        lines += [f"    {name}: {count}" for name, count in a.cleaning.counts]
    text = "\n".join(lines) + "\n---\n\n" + a.body_md
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text.replace("\n---\n\n", f"\n  checksum: {_q(digest)}\n---\n\n", 1)


def verify(text: str) -> bool | None:
    """True: the page is as ingest wrote it. False: edited since. None: no checksum (hand-made)."""
    m = _CHECKSUM_LINE.search(text)
    if not m:
        return None
    stripped = text[:m.start()] + text[m.end():]
    return hashlib.sha256(stripped.encode("utf-8")).hexdigest() == m.group(1)


def split(text: str) -> tuple[dict, str]:
    """Page text -> (front matter, body). Raises ValueError with a reason."""
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    end = text.find("\n---\n", 3)
    if end < 0:
        raise ValueError("front matter not closed")
    try:
        data = yaml.load(text[4:end], Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ValueError("front matter is not a mapping")
    return data, text[end + 5:].lstrip("\n")
