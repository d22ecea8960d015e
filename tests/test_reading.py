"""Reading time, as every list shows it beside a title: CJK characters at CJK_CHARS_A_MINUTE plus the
other words at WORDS_A_MINUTE, counted on the text a reader reads (no markup, no link addresses)."""
from __future__ import annotations

from newsarchive import page
from newsarchive.builder import reading
from newsarchive.to_markdown import plain_text

from .conftest import REPO


def _counted_one_by_one(markdown: str) -> int:
    """The definition, spelled out a character at a time (reading.py counts runs in one pass)."""
    text = plain_text(markdown)
    cjk = [_is_cjk(c) for c in text]
    words = "".join(" " if is_cjk else c for c, is_cjk in zip(text, cjk)).split()
    return max(1, round(sum(cjk) / reading.CJK_CHARS_A_MINUTE + len(words) / reading.WORDS_A_MINUTE))


def _is_cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def test_reading_time_counts_characters_and_words_a_reader_reads():
    assert reading.reading_minutes("") == 1
    assert reading.reading_minutes("中" * 1200) == 3
    assert reading.reading_minutes("中文" * 500 + " word" * 461) == 5  # 1 000 characters, 461 words: 2.5 + 2.004
    # a CJK run between Latin letters parts two words; a link's address is not read
    assert reading.reading_minutes(("abc中def " * 115) + "[text](https://x.org/" + "a/" * 900 + ")") == 1
    assert reading.reading_minutes("abc中def " * 230) == 3  # 460 words and 230 characters: 2 + 0.575


def test_reading_time_is_the_definition_at_the_edges_of_each_kind_of_character():
    """reading.py looks each code point up: the first and last of each CJK range and those beside
    them, every kind of space str.split() knows (the ideographic one the last), a lone surrogate and a
    character past the BMP, in runs long enough to change the minutes."""
    edges = ["\u33ff", "\u3400", "\u9fff", "\ua000", "\uf8ff", "\uf900", "\ufaff", "\ufb00", "\U00020000", "\ud800"]
    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    assert spaces[-1] == "\u3000" and not any(chr(c).isspace() for c in range(0x3001, 0x110000))
    for i, edge in enumerate(edges):
        for space in spaces:
            text = (f"ab{edge}c{space}{edge * (i % 3)} x{space * 2}" + edge * 7) * 60
            assert reading.minutes_of_plain(text) == _counted_one_by_one(text), (edge, space)


def test_reading_time_is_the_definition_on_the_seeds_and_the_corpus(corpus_run):
    root, _summary = corpus_run
    pages = sorted((root / "content").rglob("*.md")) + sorted((REPO / "tests/golden/content").rglob("*.md"))
    bodies = [page.split(p.read_text(encoding="utf-8"))[1] for p in pages]
    assert len(bodies) > 250
    assert [reading.reading_minutes(b) for b in bodies] == [_counted_one_by_one(b) for b in bodies]


def test_a_parsed_page_carries_its_reading_time_and_the_lede_same_story_compares(corpus_run):
    """collect makes a page's plain text once: its reading time, and the lede same story compares
    (windows.lede), carried by its Body and taken once (then made from the text, the same)."""
    from newsarchive.builder import collect, windows
    from newsarchive.parsed import LEDE_CHARS

    root, _summary = corpus_run
    pages = sorted((root / "content").rglob("*.md"))[:60] + sorted((REPO / "tests/golden/content").rglob("*.md"))
    assert any(len(plain_text(page.split(p.read_text(encoding="utf-8"))[1])) > LEDE_CHARS for p in pages)
    for p in pages:
        text = p.read_text(encoding="utf-8")
        body_md = page.split(text)[1]
        _digest, body, values, minutes = collect._parsed_text(text, "d")
        assert minutes == reading.reading_minutes(body_md)
        entry = collect._made("content/x.md", ("d", body, values, minutes))
        head = plain_text(body_md)[:LEDE_CHARS]
        want = f"{entry.title} {entry.title} {head}"
        assert body._lede == head and windows.lede(entry) == want
        assert body._lede is None and windows.lede(entry) == want  # (taken: made again from the text)
