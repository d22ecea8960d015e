"""Ingest: one raw file -> one Article (pure), and a run over an archive (writes via archive.py)."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from . import archive as arc
from . import bylines, dedupe, failures, forked, lang, outlets, page, parsed, readers, schema, to_markdown, urls
from .ingest_memo import IngestMemo, converter_key
from .clean import KEEP_ALL, DocInfo, clean
from .clean.steps.resolve_urls import prefer_largest
from .clean.rules import Rule, RuleBook
from .decode import cap_nesting, decode_bytes, normalise_text, safe_text
from .extract import article_candidates
from .model import Article, CleanReport, InputError, NotAnArticle, Parsed, RawFile
from .progress import Progress
from .readers import dates
from .readers.html_page import TRAILING_SEPARATORS
from .to_markdown import plain_text

# Longest summary (plain-text lede), in characters.
SUMMARY_CHARS = 160
# Share of a body's text inside links above which it is a list of links, not an article
# (when it has at least LINK_LIST_MIN links: one video link is still a post).
LINK_LIST_SHARE = 0.8
LINK_LIST_MIN = 3
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TITLE_SEPARATORS = (" - ", " – ", " — ", " | ", "｜", " _ ", "_", " :: ", " @ ", "-", "|", "—", "–", "--")
# An outlet's name in brackets at a title's end ("… [LWN.net]", "…【新华网】").
_BRACKETS = (("[", "]"), ("【", "】"), ("(", ")"), ("（", "）"))


def _cut_name(title: str, name: str) -> str:
    """The title without `name` as a suffix or prefix set off by a separator or brackets (any case)."""
    folded, key = title.casefold(), name.casefold()
    if key not in folded:
        return title
    for sep in _TITLE_SEPARATORS:
        if folded.endswith(sep + key) and len(title) > len(sep + key):
            return title[: -len(sep + key)].strip()
        if folded.startswith(key + sep) and len(title) > len(key + sep):
            return title[len(key + sep):].strip()
    for left, right in _BRACKETS:
        if folded.endswith(left + key + right) and len(title) > len(key) + 2:
            return title[: -len(key) - 2].strip()
    return title


def clean_title(title: str, rule: Rule | None, site_name: str | None, label: str | None = None,
                names: tuple[str, ...] = ()) -> str:
    """Title without markup, extra spaces, or the outlet's name as prefix/suffix (rule patterns first;
    then any of the names the outlet goes by: the page's, the rule's, the label, `names`)."""
    title = schema.without_tags(title)
    title = re.sub(r"[ \t\r\n\xa0]+", " ", title).strip(" \u3000")
    for pattern in (rule.title_suffixes if rule else ()):
        title = re.sub(f"(?:{pattern})\\s*$", "", title).strip()
    for pattern in (rule.title_prefixes if rule else ()):
        title = re.sub(f"^\\s*(?:{pattern})", "", title).strip()
    candidates = [n for n in (site_name, rule.name if rule else None, label, *names) if n]
    for _round in range(2):  # a site and its platform ("… @ 史蒂文的家_藍天 :: 痞客邦 PIXNET ::")
        title = TRAILING_SEPARATORS.sub("", title) or title
        for name in candidates:
            title = _cut_name(title, name)
    return title


# A block that is no sentence: a bare address (an embed), or only a date and time.
_NO_SENTENCE = re.compile(r"^(?:(?:https?://|www\.)\S+\s*)+$|^[\d\s年月日時分:./\-–—,()（）]+(?:[上下]午|[AaPp]\.?[Mm]\.?)?[\d\s:]*$")


# A short block that is one link alone ("点击进入专题") or ends in a colon ("YouTube视频：") is a label,
# not a lede; at most this many characters.
LABEL_CHARS = 30
_ONLY_A_LINK = re.compile(r"^\[[^\]]*\]\([^)]*\)$")
# Blocks that are no running text: a picture, a heading, a table, code.
_NOT_TEXT = ("<figure", "#", "!", "|", "```")


def _summary(markdown: str) -> str | None:
    """The first real sentence: the first block of ten characters or more that is neither a picture,
    a heading, a table or code, a short label (a link alone, "YouTube视频："), a bare address, a date
    line or a byline."""
    for block in markdown.split("\n\n"):
        if block.startswith((*_NOT_TEXT, "[!")):
            continue
        text = re.sub(r"\s+", " ", plain_text(block)).strip()
        label = len(text) <= LABEL_CHARS and (text.endswith((":", "：")) or _ONLY_A_LINK.match(block.strip()))
        if len(text) >= 10 and not label and not _NO_SENTENCE.match(text) and not bylines.only_byline(text):
            return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"
    return None


def _date(parsed: Parsed, rule: Rule | None, text: str) -> str | None:
    if parsed.date:
        return dates.settle(parsed.date, rule.timezone if rule else None)
    for pattern in (rule.datelines if rule else ()):
        m = re.search(pattern, text)
        if m:
            return f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
    return None


def _is_link_list(markdown: str, text: str) -> bool:
    links = [m.group(1) for m in _MD_LINK.finditer(markdown) if not m.group(0).startswith("!")]
    letters = len(re.sub(r"\s", "", text))
    linked = sum(len(re.sub(r"\s", "", t)) for t in links)
    return len(links) >= LINK_LIST_MIN and letters > 0 and linked >= letters * LINK_LIST_SHARE


@dataclass(frozen=True)
class Found:
    """What ingest finds in a source before cleaning: the outlet rule, the article's HTML, and the
    author lines the page's markup holds (JSON-LD, meta tags, byline elements), as written."""

    rule: Rule | None
    body: str
    markup_authors: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    """Other extractors' picks of the article (a whole page no rule selector finds it in)."""
    extracted: bool = False
    """The body is an extractor's pick from a whole page (not a feed's own article HTML)."""


# Words without which a body's markup names no author (checked before a feed body is parsed for them).
_AUTHOR_MARKUP = re.compile(r"author|byline|writer", re.I)


def _article_of(parsed, rules: RuleBook) -> Found:
    """The rule, the article and its markup's authors: a whole page is parsed here, its tree dropped on return."""
    if not parsed.whole_page:
        rule = rules.find(parsed.url, parsed.outlet_label, None)
        people = bylines.from_markup(LexborHTMLParser(parsed.body_html)) \
            if _AUTHOR_MARKUP.search(parsed.body_html) else ()
        return Found(rule, parsed.body_html, people)
    tree = LexborHTMLParser(parsed.body_html)
    rule = rules.find(parsed.url, parsed.outlet_label, tree)
    page_html = tree.html if prefer_largest(tree) else parsed.body_html  # (extraction keeps src alone)
    picks = article_candidates(page_html, rule, parsed.url, tree)
    body = picks[0] if picks else ""
    if rule is None and parsed.format == "jekyll-feed" and not body:
        body = parsed.body_html
    return Found(rule, body, bylines.from_markup(tree), picks[1:], extracted=bool(picks))


def _outlet(parsed: Parsed, rule: Rule | None) -> tuple[outlets.Choice, tuple[str, ...], tuple[str, ...]]:
    """The outlet chosen, every name it goes by (cut from titles), and the names no author may have
    (the same, but a blog's own name on a platform: there it is its writer's)."""
    label = None if parsed.whole_page else parsed.outlet_label  # a page's label is its own name for itself
    choice = outlets.choose(rule.name if rule else None, label, parsed.site_name, parsed.url)
    host = urls.host(parsed.url)
    names = (choice.outlet, parsed.site_name, rule.name if rule else None, outlets.known(host),
             outlets.platform(host), host, host.removeprefix("www."), *(rule.labels if rule else ()))
    names = tuple(dict.fromkeys(n for n in names if n))
    return choice, names, tuple(n for n in names if n != choice.person)


def _authors(given: tuple[str, ...], found: Found, choice: outlets.Choice, markdown: str,
             not_names: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """(authors, the body without a block that only held the byline). The source's own author field
    first, then a platform writer's label, the body's byline lines (explicit, where a portal's markup
    often names its editor), the page's markup."""
    blocks = markdown.split("\n\n")
    texts = [i for i, b in enumerate(blocks) if not b.startswith("<figure")]
    edges = texts if len(texts) <= 2 * bylines.EDGE_BLOCKS else \
        texts[:bylines.EDGE_BLOCKS] + texts[-bylines.EDGE_BLOCKS:]  # (the only blocks a byline may stand in)
    in_body, drop = bylines.from_blocks([plain_text(blocks[i]) for i in edges], not_names)
    people = tuple(dict.fromkeys(n for raw in given for n in bylines.names(raw, not_names)))
    person = bylines.names(choice.person, not_names) if choice.person else ()
    if drop is not None and len(texts) > 1:
        del blocks[edges[drop]]
        markdown = "\n\n".join(blocks)
        markdown += "" if markdown.endswith("\n") else "\n"
    if not (people or person or in_body) and found.body:  # lines the cleaning removed may name them
        in_body, _drop = bylines.from_blocks(bylines.edge_texts(found.body), not_names)
    return people or person or in_body or bylines.first_named(found.markup_authors, not_names), markdown


# Sentence-ending punctuation: a block that ends with one (or is long) is prose, not a headline or label.
_SENTENCE_END = re.compile(r"[。！？!?.…」』”\"')）)]$")
PROSE_BLOCK_CHARS = 40
# The names a page's cleaning record carries when a second extractor's pick was kept, and when an
# extractor's pick was kept whole because cleaning left less than KEEP_SHARE of its text (of a pick of
# at least MIN_EXTRACTED_CHARS: a short pick that loses a credit line is no lost article).
SECOND_PICK = "second_extractor"
KEPT_WHOLE = "kept_extracted_whole"
KEEP_SHARE = 0.3
MIN_EXTRACTED_CHARS = 500


def prose_chars(markdown: str) -> int:
    """How much of a body is prose: the characters of its blocks that end a sentence or are long."""
    total = 0
    for block in markdown.split("\n\n"):
        if block.startswith(_NOT_TEXT) or _ONLY_A_LINK.match(block.strip()):
            continue
        text = re.sub(r"\s+", " ", plain_text(block)).strip()
        if len(text) >= PROSE_BLOCK_CHARS or _SENTENCE_END.search(text):
            total += len(text)
    return total


def _noted(report: CleanReport, name: str, count: int) -> CleanReport:
    return dataclasses.replace(report, counts=tuple(sorted((*report.counts, (name, count)))))


def _text_chars(markdown: str) -> int:
    return len(re.sub(r"\s", "", plain_text(markdown)))


def _html_chars(html: str) -> int:
    body = LexborHTMLParser(html).body
    return len(re.sub(r"\s", "", body.text())) if body is not None else 0


def _cleaned(found: Found, doc: DocInfo) -> tuple[str, CleanReport]:
    """The cleaned Markdown body and its record: of several extractors' picks, the one whose cleaned
    text holds the most prose (the first on a tie); a later pick kept is said in the record. Never
    lose the article: when cleaning left less than KEEP_SHARE of an extractor's pick, the pick is kept
    whole (KEEP_ALL), and the record says so."""
    best = None
    for n, html in enumerate((found.body, *found.alternatives)):
        cleaned, report = clean(html, doc, found.rule)
        markdown = to_markdown.convert(cleaned)
        prose = prose_chars(markdown)
        if best is None or prose > best[0]:
            best = (prose, markdown, _noted(report, SECOND_PICK, n) if n else report, html)
    _prose, markdown, report, html = best
    if found.extracted and _text_chars(markdown) < KEEP_SHARE * _html_chars(html):  # (cheap test first)
        whole, _report = clean(html, doc, found.rule, steps=KEEP_ALL)
        whole = to_markdown.convert(whole)
        if _text_chars(whole) >= MIN_EXTRACTED_CHARS and _text_chars(markdown) < KEEP_SHARE * _text_chars(whole):
            return whole, _noted(report, KEPT_WHOLE, 1)
    return markdown, report


def article_from_raw(raw: RawFile, rules: RuleBook, notes: list[str] | None = None) -> Article:
    """Read, find the article, clean, convert, attach provenance. Raises InputError / NotAnArticle.
    What the reader had to leave out (a source URL that is not one) is added to `notes`."""
    parsed = readers.read(cap_nesting(normalise_text(decode_bytes(raw.data)[0])))
    if notes is not None:
        notes.extend(parsed.notes)
    found = _article_of(parsed, rules)
    rule = found.rule
    parsed = dataclasses.replace(parsed, body_html="")  # big intermediates go as soon as used (a 50 MB page)
    choice, names, not_authors = _outlet(parsed, rule)
    # A title that is nothing but the outlet's name stays as it was (but never with markup)
    title = clean_title(parsed.title, rule, parsed.site_name, parsed.outlet_label, names) \
        or schema.without_tags(parsed.title)
    markdown, report = _cleaned(found, DocInfo(title=title, base_url=parsed.base_url))
    authors, markdown = _authors(parsed.authors, found, choice, markdown, not_authors)
    del found
    text = plain_text(markdown)
    if not text.strip():
        raise NotAnArticle("no article text")
    if _is_link_list(markdown, text):
        raise NotAnArticle("a list of links, not an article")
    date = _date(parsed, rule, text)
    detected = lang.detect(title + "\n" + text, hint=(rule.lang if rule else None)
                           or parsed.lang_hint)
    return _safe(Article(
        title=title, outlet=choice.outlet, lang=detected, body_md=markdown, source_file=raw.rel_path,
        source_sha256=raw.sha256, source_format=parsed.format, date=date,
        authors=authors, tags=parsed.tags, summary=_summary(markdown),
        source_url=parsed.url if parsed.url and parsed.url.startswith(("http://", "https://")) else None,
        archive_url=parsed.archive_url, cleaning=report,
    ))


def _safe(article: Article) -> Article:
    """Every text field through the one sanitising point (decode.safe_text): whatever a source's own
    escapes made (a YAML `\\e`, a JSON `\\uffff`), the page written can be read, rendered and fed."""
    def line(value: str | None) -> str | None:
        return safe_text(value, one_line=True) if value else value

    def lines(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v for v in (safe_text(v, one_line=True) for v in values) if v)

    return dataclasses.replace(
        article, title=line(article.title) or "untitled", outlet=line(article.outlet) or "unknown",
        summary=line(article.summary), authors=lines(article.authors), tags=lines(article.tags),
        body_md=safe_text(article.body_md), source_url=line(article.source_url),
        archive_url=line(article.archive_url))


@dataclass
class Summary:
    ingested: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    new_failures: tuple = ()  # failures.Failure: the failed files the archive had not seen fail before

    def line(self) -> str:
        return (f"ingested {len(self.ingested)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, "
                f"duplicates {len(self.duplicates)}, skipped non-articles {len(self.skipped)}, "
                f"kept hand edits {len(self.kept_edits)}, failed {len(self.failed)}")


def content_path(archive: arc.Archive, article: Article) -> Path:
    name = f"{arc.slug(article.title)}-{article.source_sha256[:8]}.md"
    return archive.content_page(dates.year_month(article.date), name)


def _recorded_root(page_: arc.Existing) -> str | None:
    """The first capture a page says it is a later version of (its `source.version_of`)."""
    src = page_.front.get("source")
    root = src.get("version_of") if isinstance(src, dict) else None
    return root if isinstance(root, str) else None


def _index(existing: dict[str, arc.Existing]) -> dedupe.Index:
    index = dedupe.Index()
    for key, ex in existing.items():
        src = ex.front.get("source") or {}
        index.add(key, str(src.get("sha256")), src.get("url"), str(ex.front.get("title", "")), ex.body)
    return index


def _recorded(cache: parsed.ParsedPages):
    """(path, content file, stat, text or None) -> (front values, parsed.Body) of a page as the last
    build parsed it, or None (the build's parsed-page cache, only read here; see arc.existing_pages)."""
    def recorded(path: Path, content_file: str, stat, text: str | None):
        folder, _, name = content_file.rpartition("/")
        if text is None:
            row = cache.get(folder, name, stat, path)
        else:  # (the digest is of the text as read_text reads it: universal newlines)
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            row = cache.same_text(folder, name, stat, parsed.digest(content_file, text), text)
        return None if row is None else (row[2], row[1])
    return recorded


@dataclass(frozen=True)
class Outcome:
    """What became of one raw file: `kind` is written (its page is as ingest made it: new, updated or
    unchanged), kept (its page was edited by hand and stays), duplicate (detail: of which file),
    skipped (not an article; detail: why) or failed (detail: why). `page`: the content page, for
    written and kept (its path inside the archive)."""

    key: str
    kind: str
    detail: str = ""
    page: str | None = None
    sha256: str | None = None  # the raw file's, when it was read (a skipped file: check verifies it by this)


@dataclass(frozen=True)
class Converted:
    """A raw file turned into an article and its page's text (not yet written)."""

    key: str
    sha256: str
    article: Article
    text: str
    notes: tuple[str, ...] = ()


# Runs with fewer files than this are processed in this process (a pool costs ~0.3 s to start).
PARALLEL_FROM = 64


def _convert(rules: RuleBook, job: tuple[str, str]) -> Converted | Outcome:
    """(key, path) -> the converted article, or the outcome when there is none (a worker's task)."""
    key, path = job
    try:
        data = arc.read_raw(Path(path))
        raw = RawFile(rel_path=key, data=data, sha256=arc.sha256(data))
        notes: list[str] = []
        article = article_from_raw(raw, rules, notes)
        return Converted(key, raw.sha256, article, page.render(article), tuple(notes))
    except NotAnArticle as exc:
        return Outcome(key, "skipped", str(exc), sha256=raw.sha256)
    except InputError as exc:
        return Outcome(key, "failed", str(exc))
    except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the run
        first = str(exc).splitlines()[0] if str(exc) else ""
        return Outcome(key, "failed", f"could not be ingested ({type(exc).__name__}: {first})")


def _preserved(archive: arc.Archive, files, report):
    """Copy raw files into sources/ (if outside it), a group at a time, just before they are converted.

    A generator: with a pool, its copying overlaps the workers' converting. A file is
    handed on only once its copy is committed (on disk, renamed into place).
    """
    writer = arc.BatchWriter()
    ready: list[tuple[str, str]] = []
    try:
        for path, base in files:
            try:
                kept = arc.preserve(archive, path, base, writer)
            except (OSError, ValueError) as exc:
                if arc.stops_the_run(exc):
                    raise
                reason = getattr(exc, "strerror", None) or str(exc)
                report(Outcome(str(path), "failed", f"could not be copied into sources/ ({reason})"))
                continue
            ready.append((arc.rel_or_str(archive, kept), str(kept)))
            if not writer.staged:  # the group was committed (or nothing needed copying)
                yield from ready
                ready = []
        writer.commit()
    finally:  # stopped (a full disk, the run's end): what is not committed leaves no temp file
        writer.abandon()
    yield from ready


def _conversions(jobs, count: int, rules: RuleBook, progress: Progress):
    """Convert raw files to articles, in parallel across cores for large runs; results in job order."""
    pool = None
    if count < PARALLEL_FROM or forked.cores() < 2:
        results = (_convert(rules, job) for job in jobs)
    else:
        lang.warm()  # loaded once here, shared by the forked workers
        pool = forked.Pool(rules)
        results = pool.imap(_convert, jobs, chunksize=16)
    try:
        yield from progress.wrap(results, "ingesting", count, "file")
    finally:
        if pool is not None:
            pool.close()


def run(archive: arc.Archive, paths: list[Path], rules: RuleBook, progress: Progress | None = None,
        warn=None, parsed_pages: parsed.ParsedPages | None = None, listing: arc.Listing | None = None) -> Summary:
    """Ingest raw files (copied into sources/ first when outside it); report each outcome.

    A raw file whose last outcome still holds (ingest_memo) is reported as it was, not converted.
    `progress` shows the conversions (a bar on a terminal); `warn` takes each notice (default: the
    progress's, which holds them while its bar is on the screen). `parsed_pages`: the build's
    parsed-page cache as this process reads it (the main job hands what ingest decoded of it to its
    build); one of its own by default. `listing`: what its listing of content/ hands the build's
    after it (arc.Listing).
    """
    progress = progress or Progress.off()
    ingest_run = _Run(archive, rules, warn or progress.notice, parsed_pages or parsed.ParsedPages(archive.cache), listing)
    # No PATH: all of sources/; a root without sources/ (an empty folder) has nothing to ingest.
    default = [archive.sources] if archive.sources.is_dir() else []
    files, refused = arc.raw_files(archive, paths or default)
    for path, reason in refused:
        ingest_run.report(Outcome(arc.rel_or_str(archive, Path(path)), "skipped" if reason in arc.SKIPS else "failed",
                                  reason))
    arc.remove_stale_temp_files(archive)
    memo = ingest_run.memo
    # Files already in sources/ are looked up now (so the pool is sized to what is left), files
    # from outside once they are copied in (an identical copy keeps its key).
    inside = {arc.rel_or_str(archive, path) for path, _ in files if archive.is_inside_sources(path)}
    recalled = sum(memo.recall(key) is not None for key in inside)

    def jobs():
        for key, path in _preserved(archive, files, ingest_run.report):
            seen = memo.now.get(key) if key in inside else memo.recall(key)
            if seen is None:
                yield key, path
            else:
                ingest_run.report(Outcome(key, seen["kind"], seen.get("detail", ""), seen.get("page")))

    try:
        for result in _conversions(jobs(), len(files) - recalled, rules, progress):
            ingest_run.record(result)
        ingest_run.writer.commit()
        memo.save()
        summary = ingest_run.summary
        summary.new_failures = failures.update(archive, ingest_run.seen, summary.failed)
    finally:
        ingest_run.writer.abandon()
        progress.end()
    return ingest_run.summary


class _Run:
    """One ingest run's state: what it reports, the pages it writes, its memo."""

    def __init__(self, archive: arc.Archive, rules: RuleBook, warn, parsed_pages: parsed.ParsedPages,
                 listing: arc.Listing | None = None):
        self.archive, self.warn, self.parsed_pages, self.listing = archive, warn, parsed_pages, listing
        self.summary = Summary()
        self.seen: set[str] = set()  # every raw file this run handled, whatever became of it
        self.writer = arc.BatchWriter()
        self.memo = IngestMemo(archive, converter_key(rules))
        self._existing: dict[str, arc.Existing] | None = None
        self.roots: dict[str, str] = {}  # raw file -> the first capture it is a later version of (this run's)
        self._index: dedupe.Index | None = None

    @property
    def existing(self) -> dict[str, arc.Existing]:
        """The archive's content pages, read when the first conversion needs them (a run where every
        raw file is recalled reads none)."""
        if self._existing is None:
            self._existing, unreadable = arc.existing_pages(self.archive, _recorded(self.parsed_pages), self.listing)
            for path, reason in unreadable:
                self.warn(f"{path}: content page unreadable ({reason}); left as it is")
        return self._existing

    @property
    def index(self) -> dedupe.Index:
        if self._index is None:
            self._index = _index(self.existing)
        return self._index

    def report(self, outcome: Outcome) -> None:
        """One raw file's outcome into the summary (and a line on stderr when it is not a page), whether
        the file was just converted or its last outcome recalled."""
        s, key, detail = self.summary, outcome.key, outcome.detail
        self.seen.add(key)
        if outcome.kind == "written":
            s.unchanged.append(key)
        elif outcome.kind == "kept":
            s.kept_edits.append(outcome.page)
        elif outcome.kind == "duplicate":
            s.duplicates.append((key, detail))
            self.warn(f"{key}: duplicate of {detail}; not ingested again")
        elif outcome.kind == "skipped":
            s.skipped.append((key, detail))
            self.warn(f"{key}: skipped: {detail}")
        else:
            s.failed.append((key, detail))
            self.warn(f"{key}: {detail}")

    def record(self, result: Converted | Outcome) -> None:
        """A conversion's result: reported, remembered, its page written when it is an article."""
        if isinstance(result, Outcome):
            self.report(result)
            if result.kind == "skipped":  # a failure is tried again next run (its cause may be outside the file)
                self.memo.remember(result.key, result.kind, result.detail, sha256=result.sha256)
            return
        key, article = result.key, result.article
        self.seen.add(key)
        for note in result.notes:
            self.warn(f"{key}: {note}")
        old = self.existing.get(key)
        if old is None:
            dup = self.index.duplicate_of(key, result.sha256, article.source_url, article.title, article.body_md)
            if dup:
                self.report(Outcome(key, "duplicate", dup))
                self.memo.remember(key, "duplicate", dup, sha256=result.sha256)
                return
        text = result.text
        root = self._root(key, old, article.source_url)
        if root:  # a later capture of an article at this URL, with other text: a version of it
            article = dataclasses.replace(article, version_of=root)
            text = page.render(article)
            if old is None:
                self.warn(f"{key}: a later version of {root} (the same original URL, other text)")
        try:
            kind, target = self._write(article, text, old)
        except (InputError, OSError) as exc:
            if arc.stops_the_run(exc):
                raise
            self.report(Outcome(key, "failed", getattr(exc, "strerror", None) or str(exc)))
            return
        self.memo.remember(key, kind, page=target, sha256=result.sha256)
        self.index.add(key, result.sha256, article.source_url, article.title, parsed.Body(article.body_md))
        if article.version_of:
            self.roots[key] = article.version_of

    def _root(self, key: str, old: arc.Existing | None, url: str | None) -> str | None:
        """The raw file of the first capture this file is a later version of: as its page already says,
        or, for a new file, the root of a capture already held at its URL (None: a first capture)."""
        if old is not None:
            return _recorded_root(old)
        other = self.index.version_of(key, url)
        if other is None:
            return None
        held = self.existing.get(other)
        return (_recorded_root(held) if held is not None else None) or self.roots.get(other, other)

    def _edited(self, old: arc.Existing) -> bool:
        """Whether a page was edited by hand: its bytes are not what ingest last wrote (the memo's
        digest) or, where the memo does not know the page, its own checksum does not hold."""
        written = self.memo.written_pages.get(arc.rel_or_str(self.archive, old.path))
        if written is not None and arc.sha256(old.text.encode("utf-8")) != written:
            return True
        return page.verify(old.text) is not True

    def _write(self, article: Article, text: str, old: arc.Existing | None) -> tuple[str, Path]:
        """Write the rendered page unless it is unchanged or was edited by hand since ingest; the outcome
        for the memo: ("written", page) or ("kept", page)."""
        key, s = article.source_file, self.summary
        if old is not None:
            if old.text == text:
                s.unchanged.append(key)
                return "written", old.path
            if self._edited(old):
                s.kept_edits.append(arc.rel_or_str(self.archive, old.path))
                return "kept", old.path
            target = old.path
        else:
            target = content_path(self.archive, article)
            if target.exists() or target.is_symlink():  # a page ingest cannot read as this file's (its
                # `source.file` edited away, or unreadable): a curator's, never replaced
                s.kept_edits.append(arc.rel_or_str(self.archive, target))
                return "kept", target
        try:
            self.writer.write(target, text.encode("utf-8"))
        except ValueError as exc:
            raise InputError(str(exc)) from None
        (s.updated if old is not None else s.ingested).append(key)
        return "written", target
