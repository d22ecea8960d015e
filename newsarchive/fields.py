"""The front matter of a content page, declared once: each key's name, type, when it is required,
and what it means. Writing pages (page.render), checking them (schema.problems), reading them for
the build (collect) and the README's table (tests/test_front_matter.py holds it to this) all come
from FIELDS, in this order (the order pages are written in).
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import FORMATS


@dataclass(frozen=True)
class Field:
    key: str
    """As spelled in the page; `source.url` is `url` in the `source` mapping."""
    kind: str
    """What the value is: text, title, date, lang, texts (a list of text), summary (any text),
    file (`sources/...`), sha256, format, url, original_url (an http(s) URL, never an archive's),
    version_of (an optional `sources/...`), rule, counts (name: number), checksum."""
    required: str
    """When the page must have it: `yes`, `yes where known`, or `no`."""
    meaning: str
    attr: str
    """The model.Article attribute it is written from (dotted: an attribute of an attribute); "" for
    the checksum, which is the page's own."""

    @property
    def mapping(self) -> str:
        """The mapping the key lives in ("" for the top level)."""
        return self.key.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.key.rpartition(".")[2]


FIELDS = (
    Field("title", "title", "yes", "plain text, no HTML, no outlet suffix such as \" – 法国国际广播电台 - RFI\"",
          "title"),
    Field("date", "date", "yes where known", "publication time, ISO 8601 with offset "
          "(`2020-09-17T06:56:20+00:00`); a date-only source (or a time in an unknown zone) gives `YYYY-MM-DD`",
          "date"),
    Field("outlet", "text", "yes", "the publishing outlet's canonical display name", "outlet"),
    Field("lang", "lang", "yes", "BCP 47 with script for Chinese: `zh-Hant`, `zh-Hans`; otherwise `en`, `fr`, ...",
          "lang"),
    Field("authors", "texts", "no", "list of bylines", "authors"),
    Field("tags", "texts", "no", "list", "tags"),
    Field("summary", "summary", "no", "plain-text lede", "summary"),
    Field("source.url", "original_url", "yes where known", "the original article URL (not an archive URL)",
          "source_url"),
    Field("source.archive_url", "url", "no", "the archive copy the raw file came from (e.g. a Wayback Machine URL)",
          "archive_url"),
    Field("source.file", "file", "yes", "path of the preserved raw file, relative to the archive root (`sources/...`)",
          "source_file"),
    Field("source.sha256", "sha256", "yes", "hex SHA-256 of the preserved raw file's bytes", "source_sha256"),
    Field("source.format", "format", "yes", f"{', '.join(f'`{f}`' for f in FORMATS)}", "source_format"),
    Field("source.version_of", "version_of", "no", "ours: on a later capture of the same article (its original "
          "URL, other text), the raw file of its first capture (`sources/...`): the site shows the latest capture "
          "and lists every version", "version_of"),
    Field("cleaning.rule", "rule", "no", "ours: the outlet rule that cleaned the article (`generic`: none)",
          "cleaning.rule"),
    Field("cleaning.steps", "counts", "no", "ours: how many nodes each cleaning step removed or changed",
          "cleaning.counts"),
    Field("cleaning.checksum", "checksum", "no", "ours: SHA-256 of the page as ingest wrote it (a hand edit "
          "changes the page, not this)", ""),
)
# The mappings pages hold, in the order they are written.
MAPPINGS = ("source", "cleaning")
# Top-level fields as the build reads them: lists become tuples, mappings stay dicts.
TOP_LEVEL = tuple(f for f in FIELDS if not f.mapping)


def read(front: dict) -> dict:
    """The values the build keeps of a checked page's front matter, by key (lists as tuples)."""
    values = read_again({f.key: front.get(f.key) for f in TOP_LEVEL})
    for mapping in MAPPINGS:
        values[mapping] = dict(front.get(mapping) or {})
    return values


def markdown_table() -> str:
    """The README's table of the front matter's keys."""
    rows = ["| key | required | meaning |", "|---|---|---|"]
    rows += [f"| `{f.key}` | {f.required} | {f.meaning} |" for f in FIELDS]
    return "\n".join(rows)


# The keys of read()'s values.
READ_KEYS = frozenset([*(f.key for f in TOP_LEVEL), *MAPPINGS])


def read_again(values: dict) -> dict:
    """The lists of texts among read()'s values as tuples: as read() makes them, and again after a trip
    through JSON (the build's parsed-page cache)."""
    for f in TOP_LEVEL:
        if f.kind == "texts":
            values[f.key] = tuple(values[f.key] or ())
    return values
