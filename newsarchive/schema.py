"""The front matter schema of interfaces.md, checked: one reason per problem."""
from __future__ import annotations

import re

from .model import FORMATS

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2}|-\d{3})?$")
_SHA = re.compile(r"^[0-9a-f]{64}$")


def _str(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def problems(fm: dict) -> list[str]:
    out = []
    if not _str(fm.get("title")):
        out.append("title missing")
    elif "<" in fm["title"] and re.search(r"<[a-z/!]", fm["title"], re.I):
        out.append("title contains HTML")
    if "date" in fm and not (isinstance(fm["date"], str) and _DATE.match(fm["date"])):
        out.append(f"date not ISO 8601 with offset: {fm.get('date')!r}")
    if not _str(fm.get("outlet")):
        out.append("outlet missing")
    lang = fm.get("lang")
    if not (isinstance(lang, str) and _LANG.match(lang)) or lang == "zh":
        out.append(f"lang not BCP 47 (zh needs a script): {lang!r}")
    for key in ("authors", "tags"):
        if key in fm and not (isinstance(fm[key], list) and all(_str(v) for v in fm[key])):
            out.append(f"{key} not a list of strings")
    if "summary" in fm and not isinstance(fm["summary"], str):
        out.append("summary not text")
    src = fm.get("source")
    if not isinstance(src, dict):
        return out + ["source mapping missing"]
    if not (_str(src.get("file")) and src["file"].startswith("sources/")):
        out.append("source.file missing or not under sources/")
    if not (isinstance(src.get("sha256"), str) and _SHA.match(src["sha256"])):
        out.append("source.sha256 missing or not hex SHA-256")
    if src.get("format") not in FORMATS:
        out.append(f"source.format not one of {', '.join(FORMATS)}")
    for key in ("url", "archive_url"):
        if key in src and not (isinstance(src[key], str) and re.match(r"^https?://", src[key])):
            out.append(f"source.{key} not an http(s) URL")
    if isinstance(src.get("url"), str) and "web.archive.org/web/" in src["url"]:
        out.append("source.url is an archive URL")
    return out
