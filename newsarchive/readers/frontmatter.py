"""YAML front matter, read tolerantly.

Real exports break YAML in small ways (unescaped quotes inside a quoted title,
odd indentation, control characters). PyYAML's BaseLoader is tried first (every
scalar stays a string: no surprise datetimes); when it fails, a line-based reader
that understands the flat `key: value` / `  - item` subset these files use takes
over. That second reader is ours because no library parses "almost YAML".
"""
from __future__ import annotations

import re

import yaml

from ..model import InputError

try:  # the C loader is ~10x faster; fall back to pure Python where libyaml is absent
    _Loader = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.BaseLoader

_FENCE = re.compile(r"^---[ \t]*$", re.M)
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*)$")
_ITEM = re.compile(r"^[ \t]+-[ \t]*(.*)$")


def has_front_matter(text: str) -> bool:
    return text.startswith("---\n") or text.startswith("---\r\n")


def split(text: str) -> tuple[str, str]:
    """Return (front matter text, body). Raises InputError when the closing fence is missing."""
    m = _FENCE.search(text, 4)
    if not m:
        raise InputError("front matter has no closing '---' line")
    body = text[m.end():]
    return text[4:m.start()], body[1:] if body.startswith("\n") else body


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _flow_list(value: str) -> list[str] | None:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        return [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
    return None


def _lenient(fm: str) -> dict:
    data: dict = {}
    key = None
    for line in fm.split("\n"):
        item = _ITEM.match(line)
        if item and key is not None:
            if not isinstance(data.get(key), list):
                data[key] = []
            data[key].append(_unquote(item.group(1)))
            continue
        m = _KEY.match(line)
        if m:
            key, value = m.group(1), m.group(2)
            flow = _flow_list(value)
            data[key] = flow if flow is not None else _unquote(value)
    return data


# The plain subset most exports write: `key: value`, `key: "value"`, `key: [a, b]`, `  - "item"`,
# with no escapes, anchors, comments or multi-line scalars. Lines all of this shape are read
# directly (8x faster than YAML); anything else goes to YAML.
_SIMPLE_LINE = re.compile(
    r'^(?:[A-Za-z_][\w-]*:(?: +(?:"[^"\\]*"|[^\s"\'\[{&*!|>%@`#][^"#]*?|\[[^\]"\'\\]*\]))? *|  - "[^"\\]*"|)$'
)


def _is_simple(fm: str) -> bool:
    return all(_SIMPLE_LINE.match(line) for line in fm.split("\n"))


def parse(fm: str) -> dict:
    """Front matter text -> dict of strings and lists of strings."""
    if _is_simple(fm):
        return _lenient(fm)
    try:
        data = yaml.load(fm, Loader=_Loader)
    except yaml.YAMLError as exc:
        data = _lenient(fm)
        if not data.get("title"):
            first = str(exc).splitlines()[0] if str(exc) else "syntax error"
            raise InputError(f"unreadable YAML front matter ({first})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("front matter is not a mapping")
    return data


def text_field(data: dict, key: str) -> str | None:
    """A scalar field as stripped text, or None when missing/empty/not a scalar."""
    value = data.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def list_field(data: dict, key: str) -> tuple[str, ...]:
    value = data.get(key)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())
