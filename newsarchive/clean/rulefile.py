"""The shape of a rule file, declared once, and checked at every level before a rule is made.

Each key a rule file may hold is declared here with its type; each cleaning step declares its own
parameters (a `Params` dataclass in the step's module). Anything else - an unknown key at any level,
a value of the wrong type, a bad regular expression, a timezone that is not an offset - is one line
naming the file, the line and the key:

    rule cna.toml:7: `match.host` is not a known key (known: hosts, labels, page_selectors, urls)

Written here rather than with a schema library: the checks are few, and what matters most is the
line of the offending key, which tomllib does not give; it is found in the text (`line_of`).
"""
from __future__ import annotations

import re
import typing
from dataclasses import dataclass, fields, is_dataclass

from . import steps as step_registry

# A UTC offset as rule files write it.
OFFSET = re.compile(r"^[+-](?:0\d|1[0-4]):[0-5]\d$")


@dataclass(frozen=True)
class Text:
    """A string; `pattern`: it must be a regular expression; `offset`: a UTC offset."""

    pattern: bool = False
    offset: bool = False


@dataclass(frozen=True)
class Texts:
    """A list of strings (or one string, where `one_ok`)."""

    pattern: bool = False
    one_ok: bool = False


@dataclass(frozen=True)
class Table:
    keys: dict
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tables:
    """An array of tables of one shape."""

    table: Table


@dataclass(frozen=True)
class TextMap:
    """A table of string values under any keys."""


class Steps:
    """The array of `[[steps]]`: each names a step (`use`) and gives that step's parameters."""


RULE_FILE = Table(required=("name",), keys={
    "name": Text(), "lang": Text(), "timezone": Text(offset=True),
    "match": Table({"hosts": Texts(), "labels": Texts(), "urls": Texts(pattern=True), "page_selectors": Texts()}),
    "title": Table({"suffixes": Texts(pattern=True), "prefixes": Texts(pattern=True)}),
    "datelines": Texts(pattern=True), "article": Texts(one_ok=True), "steps": Steps(),
    "tests": Tables(Table(required=("html",), keys={
        "name": Text(), "html": Text(), "contains": Texts(), "absent": Texts(), "title": Text(),
        "expect_title": Text()})),
})


class RuleFileError(ValueError):
    """One problem: the key's path (e.g. ("steps", 2, "selectors")) and what is wrong."""

    def __init__(self, where: tuple, why: str):
        super().__init__(why)
        self.where, self.why = where, why


def check(data: dict) -> None:
    """Raise RuleFileError for the first problem in a rule file's data."""
    _table(data, RULE_FILE, ())


def _name(where: tuple) -> str:
    return ".".join(str(part) for part in where)


def _table(value, spec: Table, where: tuple) -> None:
    if not isinstance(value, dict):
        raise RuleFileError(where, f"`{_name(where)}` must be a table")
    for key in value:
        if key not in spec.keys:
            raise RuleFileError(where + (key,), f"`{_name(where + (key,))}` is not a known key "
                                                f"(known: {', '.join(sorted(spec.keys))})")
    for key in spec.required:
        if key not in value:
            raise RuleFileError(where, f"`{_name(where + (key,))}` is missing")
    for key, item in value.items():
        _value(item, spec.keys[key], where + (key,))


def _value(value, spec, where: tuple) -> None:
    if isinstance(spec, Table):
        _table(value, spec, where)
    elif isinstance(spec, Tables):
        if not isinstance(value, list):
            raise RuleFileError(where, f"`{_name(where)}` must be an array of tables")
        for n, item in enumerate(value):
            _table(item, spec.table, where + (n,))
    elif isinstance(spec, Steps):
        _steps(value, where)
    elif isinstance(spec, TextMap):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise RuleFileError(where, f"`{_name(where)}` must be a table of strings")
    elif isinstance(spec, Texts):
        items = [value] if spec.one_ok and isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            raise RuleFileError(where, f"`{_name(where)}` must be a list of strings")
        for item in items:
            _text(item, Text(pattern=spec.pattern), where)
    else:
        _text(value, spec, where)


def _text(value, spec: Text, where: tuple) -> None:
    if not isinstance(value, str):
        raise RuleFileError(where, f"`{_name(where)}` must be a string")
    if spec.offset and not OFFSET.match(value):
        raise RuleFileError(where, f"`{_name(where)}` must be a UTC offset like +08:00, not {value!r}")
    if spec.pattern:
        try:
            re.compile(value)
        except re.error as exc:
            raise RuleFileError(where, f"`{_name(where)}`: bad regular expression {value!r}: {exc}") from None


def _steps(value, where: tuple) -> None:
    if not isinstance(value, list):
        raise RuleFileError(where, f"`{_name(where)}` must be an array of tables")
    for n, spec in enumerate(value):
        here = where + (n,)
        if not isinstance(spec, dict):
            raise RuleFileError(here, f"`{_name(here)}` must be a table")
        use = spec.get("use")
        if use not in step_registry.STEPS:
            raise RuleFileError(here + ("use",), f"`{_name(here + ('use',))}`: unknown step {use!r} "
                                                 f"(known: {', '.join(sorted(step_registry.STEPS))})")
        _table(spec, Table({"use": Text(), **params_spec(step_registry.PARAMS[use])}), here)


def params_spec(params) -> dict:
    """A step's Params dataclass as the rule-file types of its fields."""
    return {f.name: _of_type(hint) for f, hint in zip(fields(params), typing.get_type_hints(params).values())}


def _of_type(hint):
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is str:
        return Text()
    if origin is tuple and args[0] is str:
        return Texts()
    if origin is tuple and is_dataclass(args[0]):
        return Tables(Table(params_spec(args[0]), required=tuple(f.name for f in fields(args[0]))))
    if origin is dict:
        return TextMap()
    raise TypeError(f"no rule-file type for a step parameter of type {hint}")


def line_of(text: str, where: tuple) -> int:
    """The line of the key at `where` in a rule file's text: its table's header (the n-th of an array
    of tables), then the key's own line inside that table; the nearest line found when the key is
    written another way (an inline table)."""
    lines = text.split("\n")
    if not where:
        return 1
    table, rest = where[0], where[1:]
    index = rest[0] if rest and isinstance(rest[0], int) else None
    key = next((part for part in rest if isinstance(part, str)), None)
    start = _header(lines, table, index)
    if start is None:  # a top-level key
        return _key_line(lines, table, 0) or 1
    return (_key_line(lines, key, start + 1) or start + 1) if key else start + 1


def _header(lines: list[str], table: str, index: int | None) -> int | None:
    header = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$")
    found = [n for n, line in enumerate(lines) if header.match(line)]
    if not found:
        return None
    return found[min(index or 0, len(found) - 1)]


def _key_line(lines: list[str], key: str, start: int) -> int | None:
    assignment = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
    for n in range(start, len(lines)):
        if lines[n].lstrip().startswith("["):
            return None  # the next table: the key is not in this one
        if assignment.match(lines[n]):
            return n + 1
    return None
