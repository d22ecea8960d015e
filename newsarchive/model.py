"""The data that flows between pipeline stages: plain frozen dataclasses, no behaviour."""
from __future__ import annotations

from dataclasses import dataclass, field

# Source formats named by the spec (front matter `source.format`).
FORMATS = ("jekyll-feed", "wayback-markdown", "plain-text", "html-page")


class InputError(Exception):
    """Bad input: the message is a one-line reason, shown next to the file name."""


class NotAnArticle(Exception):
    """The raw file is readable but holds no article (an empty stub, an index of links)."""


@dataclass(frozen=True)
class RawFile:
    """A preserved raw file: its path relative to the archive root and its bytes."""

    rel_path: str
    data: bytes
    sha256: str


@dataclass(frozen=True)
class Parsed:
    """What a reader found in a raw file, before cleaning.

    `body_html` is the article body as HTML (markdown sources are rendered to
    HTML first so that one cleaning chain serves every shape).
    """

    format: str
    title: str
    body_html: str
    date: str | None = None            # ISO 8601 with offset, without one (the outlet's zone), or YYYY-MM-DD
    outlet_label: str | None = None    # the outlet as the source names it
    url: str | None = None             # original article URL
    archive_url: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    lang_hint: str | None = None       # e.g. <html lang>, used when detection is unsure
    base_url: str | None = None        # for resolving relative links in the body
    whole_page: bool = False           # body_html is a whole page: the article is still to be found
    site_name: str | None = None       # e.g. og:site_name, to strip from the title
    notes: tuple[str, ...] = ()        # what the reader had to leave out, said as a warning (not a failure)


@dataclass(frozen=True)
class CleanReport:
    """What the cleaning chain did: rule used and, per step, how many nodes it removed/changed."""

    rule: str
    counts: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleText:
    """What an article is wherever it is held (ingest's Article, the build's Entry): the front matter's
    article fields (fields.py). Its markdown body is `body_md` on both: Article holds the text, Entry
    reads it when first asked (parsed.Body). Slotted, as Entry is (see there)."""

    title: str
    outlet: str
    lang: str
    date: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str | None = None


@dataclass(frozen=True, kw_only=True)
class Article(ArticleText):
    """One uniform content page as ingest makes it: the article and its provenance."""

    body_md: str
    source_file: str
    source_sha256: str
    source_format: str
    source_url: str | None = None
    archive_url: str | None = None
    version_of: str | None = None  # a later capture of an article: the raw file of its first capture
    cleaning: CleanReport = field(default_factory=lambda: CleanReport(rule="generic"))
