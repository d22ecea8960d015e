"""The uniform markdown page: Article <-> text, exactly as interfaces.md spells the keys.

The `cleaning` key is ours: the rule used, what each step removed, and a checksum
of the page as ingest wrote it, so a later re-ingest can tell a hand edit.
"""
from __future__ import annotations

import hashlib
import json
import re
from operator import attrgetter

import yaml

from .fields import FIELDS, Field
from .model import Article

_CHECKSUM_LINE = re.compile(r"^  checksum: \"?([0-9a-f]{64})\"?\n", re.M)
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _written(f: Field, article: Article) -> list[str]:
    """The lines of one front-matter field (none for an empty optional one)."""
    value = attrgetter(f.attr)(article)
    indent = "  " if f.mapping else ""
    if f.kind == "counts":
        return [f"{indent}{f.name}:"] + [f"{indent}  {name}: {count}" for name, count in value] if value else []
    if f.kind == "texts":
        return [f"{indent}{f.name}:"] + [f"{indent}  - {_q(v)}" for v in value] if value else []
    return [f"{indent}{f.name}: {_q(value)}"] if value or f.required == "yes" else []


def render(article: Article) -> str:
    """The page's text: front matter in FIELDS' order, the body, and the checksum of the rest."""
    lines, opened = ["---"], ""
    for f in FIELDS:
        if f.kind == "checksum":
            continue  # the page's own: added below
        if f.mapping and f.mapping != opened:
            lines.append(f"{f.mapping}:")
            opened = f.mapping
        lines += _written(f, article)
    text = "\n".join(lines) + "\n---\n\n" + article.body_md
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
    data = _as_written(text[4:end])
    if data is not None:
        return data, text[end + 5:].lstrip("\n")
    try:
        data = yaml.load(text[4:end], Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ValueError("front matter is not a mapping")
    return data, text[end + 5:].lstrip("\n")


# Front matter exactly as render() writes it: `key: "json string"`, `key: 12`, `key:` opening a
# block, `- "json string"` in a list, two spaces per level. Nothing else takes the fast path. (A string
# is taken a run of plain characters at a time, then an escape: spelled as a choice made at each
# character, the same pattern was ~1.6 us a line, three quarters of reading a page's front matter.)
_STRING = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_WRITTEN_LINE = re.compile(rf'( *)(?:([A-Za-z_][A-Za-z0-9_]*):(?: ({_STRING}|0|[1-9][0-9]{{0,17}}))?|- ({_STRING}))')
# What YAML reads differently from JSON or refuses: non-printable characters, its extra line
# breaks, a BOM, and escaped surrogates (JSON pairs them into one character, YAML does not). Two
# patterns, the second looked for only where a `\u` escape is: one of both, the class or the
# escape, was tried at every character (~26 us of reading a page's ~100 us; the class alone ~10).
_YAML_SPECIAL = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
# Plain keys YAML 1.1 reads as booleans or null rather than as strings.
_YAML_WORDS = frozenset("yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL".split())


def _as_written(front: str) -> dict | None:
    """The front matter as PyYAML would read it, when it has exactly the shape render() writes; else None.

    Written by hand because this is our own format: PyYAML's constructor runs in Python and was
    two thirds of gathering 10 000 pages. Any line outside that shape (a curator's hand edit in
    other YAML style) sends the whole page to PyYAML; a test holds the two to the same answers.
    """
    if _YAML_SPECIAL.search(front) or ("\\u" in front and _ESCAPED_SURROGATE.search(front)):
        return None
    try:
        return _blocks(front)
    except ValueError:  # a string escape JSON lacks and YAML has (\x41, \e, ...): PyYAML decides
        return None


def _blocks(front: str) -> dict | None:
    root: dict = {}
    stack: list[tuple[int, dict | list]] = [(0, root)]  # open blocks: (indent of their items, block)
    opened: tuple[dict, str] | None = None  # a `key:` whose block has no item yet
    for line in front.split("\n"):
        m = _WRITTEN_LINE.fullmatch(line)
        if m is None:
            return None
        spaces, key, value, item = m.groups()
        indent = len(spaces)
        if opened is not None and indent == stack[-1][0] + 2:
            parent, name = opened
            parent[name] = [] if item is not None else {}
            stack.append((indent, parent[name]))
        opened = None
        while stack and stack[-1][0] > indent:
            stack.pop()
        if not stack or stack[-1][0] != indent:  # odd or unexpected indentation
            return None
        block = stack[-1][1]
        if item is not None:
            if not isinstance(block, list):
                return None
            block.append(_scalar(item))
            continue
        if not isinstance(block, dict) or key in _YAML_WORDS:
            return None
        if value is None:
            block[key], opened = None, (block, key)
        else:
            block[key] = _scalar(value)
    return root


def _scalar(value: str) -> str | int:
    if not value.startswith('"'):
        return int(value)
    return json.loads(value) if "\\" in value else value[1:-1]  # no escape: the text between the quotes
