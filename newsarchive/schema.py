"""The front matter schema of interfaces.md (declared in fields.py), checked: one reason per problem."""
from __future__ import annotations

import re

from .fields import FIELDS, Field
from .model import FORMATS

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2}|-\d{3})?$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
# A whole tag (what ingest removes from titles: without_tags); a lone `<` is text.
_HTML = re.compile(r"<[a-z/!][^<>]*>", re.I)
_MISSING = object()


def without_tags(text: str) -> str:
    """The text with every whole tag removed, until none is left (`<<b>b>` leaves none either)."""
    while "<" in text and _HTML.search(text):
        text = _HTML.sub("", text)
    return text


def _str(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _title(f: Field, value) -> str | None:
    if not _str(value):
        return f"{f.key} missing"
    return f"{f.key} contains HTML" if "<" in value and _HTML.search(value) else None


def _date(f: Field, value) -> str | None:
    ok = value is _MISSING or (isinstance(value, str) and _DATE.match(value))
    return None if ok else f"{f.key} not ISO 8601 with offset: {None if value is _MISSING else value!r}"


def _lang(f: Field, value) -> str | None:
    ok = isinstance(value, str) and _LANG.match(value) and value != "zh"
    return None if ok else f"{f.key} not BCP 47 (zh needs a script): {None if value is _MISSING else value!r}"


_HTTP = re.compile(r"https?://")


def _url(f: Field, value) -> str | None:
    ok = value is _MISSING or (isinstance(value, str) and _HTTP.match(value))
    return None if ok else f"{f.key} not an http(s) URL"


def _original_url(f: Field, value) -> str | None:
    if isinstance(value, str) and "web.archive.org/web/" in value and _url(f, value) is None:
        return f"{f.key} is an archive URL"
    return _url(f, value)


# Per kind: (value -> the problem, or None). A value that is not there is _MISSING.
CHECKS = {
    "title": _title,
    "text": lambda f, v: None if _str(v) else f"{f.key} missing",
    "date": _date,
    "lang": _lang,
    "texts": lambda f, v: None if v is _MISSING or (isinstance(v, list) and all(_str(x) for x in v))
    else f"{f.key} not a list of strings",
    "summary": lambda f, v: None if v is _MISSING or isinstance(v, str) else f"{f.key} not text",
    "file": lambda f, v: None if _str(v) and v.startswith("sources/") else f"{f.key} missing or not under sources/",
    "version_of": lambda f, v: None if v is _MISSING or (_str(v) and v.startswith("sources/"))
    else f"{f.key} not under sources/",
    "sha256": lambda f, v: None if isinstance(v, str) and _SHA.match(v) else f"{f.key} missing or not hex SHA-256",
    "format": lambda f, v: None if v in FORMATS else f"{f.key} not one of {', '.join(FORMATS)}",
    "url": _url,
    "original_url": _original_url,
}


# What problems() checks, in FIELDS' order: each field with a check (the cleaning record is ours, not
# the schema's), its check, its mapping and its name. (Worked out once: Field.mapping and Field.name
# split the key at each call, a quarter of checking a page's front matter, which every page of a
# cold build is.)
_CHECKED = tuple((f, CHECKS[f.kind], f.mapping, f.name) for f in FIELDS if f.kind in CHECKS)


def problems(fm: dict) -> list[str]:
    out = []
    for f, check, mapping, name in _CHECKED:
        holder = fm.get(mapping) if mapping else fm
        if not isinstance(holder, dict):
            return out + [f"{mapping} mapping missing"]
        problem = check(f, holder.get(name, _MISSING))
        if problem:
            out.append(problem)
    return out
