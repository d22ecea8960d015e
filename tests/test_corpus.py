"""Properties over all of ../shared/corpus: no crash, schema-valid pages, no junk, no lost paragraphs."""
import re

import pytest

from newsarchive import bylines, schema
from newsarchive.decode import repair_mojibake
from newsarchive.readers import frontmatter

from .conftest import CORPUS, SHARED, pages, require
from .markers import JUNK_MARKERS, Paragraphs as _Paragraphs, fold as _fold


def _body_of_raw(path):
    # Decoding (mojibake repair included) is not cleaning: the reference reads what the file says.
    text = repair_mojibake(path.read_text(encoding="utf-8", errors="replace"))[0]
    if text.startswith("---"):
        try:
            _fm, body = frontmatter.split(text.replace("\r\n", "\n").replace("\r", "\n"))
        except Exception:  # noqa: BLE001
            return text
        return body
    return text


def test_no_crash_and_every_article_has_a_page(corpus_run):
    root, summary = corpus_run
    assert not summary.failed, summary.failed
    raw = [p for p in CORPUS.rglob("*") if p.is_file()]  # SOURCES.md too: a skipped non-article now
    handled = len(summary.ingested) + len(summary.duplicates) + len(summary.skipped)
    assert handled == len(raw)
    assert len(pages(root)) == len(summary.ingested)
    # Non-articles are few and each has a reason.
    assert len(summary.skipped) <= 15
    assert all(reason for _path, reason in summary.skipped)


def test_hkcnews_duplicates_reported(corpus_run):
    _root, summary = corpus_run
    dup_files = {d for d, _ in summary.duplicates}
    assert "sources/corpus/wayback-markdown/article_31067.md" in dup_files


def test_every_page_is_schema_valid(corpus_run):
    root, _summary = corpus_run
    bad = {key: schema.problems(front) for key, (front, _body) in pages(root).items() if schema.problems(front)}
    assert not bad, bad


def test_chinese_pages_say_their_script(corpus_run):
    root, _summary = corpus_run
    langs = {front["lang"] for front, _body in pages(root).values()}
    assert "zh" not in langs and {"zh-Hant", "zh-Hans", "en"} <= langs


IMAGE = re.compile(r"!\[(?:[^\]\\\n]|\\.)*\]\([^)\s]*\)")


def test_no_junk_markers(corpus_run):
    root, _summary = corpus_run
    # (a picture keeps its archived Wayback address, which a link must not: images are left out here)
    bodies = {key: IMAGE.sub("", body) for key, (_front, body) in pages(root).items()}
    hits = [(key, m) for key, body in bodies.items() for m in JUNK_MARKERS if m in body]
    assert not hits, hits


def test_junk_markers_do_not_hit_real_prose():
    """A marker that occurs in Readability's expected article text would flag real prose: none does."""
    require(READABILITY, "Mozilla Readability's expected text (../shared/reference/readability)")
    reference = "\n".join(p.read_text(encoding="utf-8") for p in READABILITY.rglob("expected.html"))
    assert reference
    assert [m for m in JUNK_MARKERS if m.strip() in reference and not m.startswith("<")] == []


def _raw_paragraphs(path) -> list[str]:
    parser = _Paragraphs()
    parser.feed(_body_of_raw(path))
    # Real prose: long enough to be a paragraph; not itself junk.
    return [p for p in parser.out if len(_fold(p)) >= 30 and not any(m.strip() in p for m in JUNK_MARKERS)]


FEED_FILES = sorted((CORPUS / "jekyll-feed").glob("*.md"))


def test_no_paragraph_of_feed_text_is_lost(corpus_run):
    root, summary = corpus_run
    by_file = pages(root)
    lost = []
    for path in FEED_FILES:
        key = f"sources/corpus/jekyll-feed/{path.name}"
        if key not in by_file:
            continue
        flat = _fold(re.sub(r"\]\([^)]*\)", "]", by_file[key][1]))
        # (a credit line that only names who wrote it goes to the front matter's authors: bylines.py)
        lost += [(path.name, p[:40]) for p in _raw_paragraphs(path) if _fold(p) not in flat
                 and not bylines.only_byline(p)]
    assert not lost, lost


def test_no_paragraph_of_wayback_text_is_lost(corpus_run):
    root, _summary = corpus_run
    by_file = pages(root)
    lost = []
    for path in sorted((CORPUS / "wayback-markdown").glob("*.md")):
        key = f"sources/corpus/wayback-markdown/{path.name}"
        if key not in by_file:
            continue
        body = _body_of_raw(path)
        body = re.split(r"\n(?:請加入)?成為眾新聞的月費訂戶", body)[0]
        flat = _fold(re.sub(r"\]\([^)]*\)", "]", by_file[key][1]))
        for block in body.split("\n\n"):
            block = block.strip()
            if block.startswith(("<", "#", "!", "{{", "---", "[")) or len(_fold(block)) < 30:
                continue
            text = re.sub(r"\]\([^)]*\)", "]", block)
            # Cloudflare-protected addresses are decoded by cleaning: compare the words around them.
            if any(_fold(part) not in flat for part in re.split(r"\[email.protected\]", text)):
                lost.append((path.name, block[:40]))
    assert not lost, lost


PROMOTIONS = ("Sign up for", "Keep your team informed", "Related:", "First published")


READABILITY = SHARED / "reference" / "readability"


# Without ../shared, one case stands for them all: it skips (or fails under CI) saying why.
@pytest.mark.parametrize("name", sorted(p.name for p in READABILITY.iterdir()) if READABILITY.is_dir() else ["missing"])
def test_readability_pages_keep_most_reference_paragraphs(corpus_run, name):
    """Whole saved pages go through the generic extractor: most of Readability's paragraphs must be there."""
    root, _summary = corpus_run
    require(READABILITY, "Mozilla Readability's expected text (../shared/reference/readability)")
    key = f"sources/corpus/raw-html/readability/{name}/source.html"
    body = pages(root)[key][1]
    parser = _Paragraphs()
    parser.feed((SHARED / "reference" / "readability" / name / "expected.html").read_text(encoding="utf-8"))
    # Readability keeps some promotions we remove on purpose; they are not article text.
    ref = [p for p in parser.out if len(_fold(p)) >= 40 and not any(x in p for x in PROMOTIONS)]
    flat = _fold(re.sub(r"\]\([^)]*\)", "]", body))
    kept = [p for p in ref if _fold(p) in flat]
    assert len(kept) >= 0.8 * len(ref), [p[:50] for p in ref if p not in kept]
