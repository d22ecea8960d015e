"""The Markdown converter keeps the text: for every article of the corpus and of the scale month, the
text of markdown-it(convert(clean HTML)) is the text of the clean HTML, block by block (the same words
in the same blocks: nothing lost, nothing merged, no markup leaking as text)."""
from __future__ import annotations

import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from newsarchive import ingest, readers, to_markdown
from newsarchive.archive import DEFAULTS
from newsarchive.to_html import reference_html
from newsarchive.clean import DocInfo, clean
from newsarchive.clean.rules import load_rules
from newsarchive.decode import cap_nesting, decode_bytes, normalise_text
from newsarchive.model import InputError

from .conftest import CORPUS, SHARED, require

RULES = load_rules([DEFAULTS / "rules"])
# Elements that start and end a block of text, in the clean HTML and in the rendered page alike.
_BLOCKS = frozenset("p div section article main header li ul ol dl dt dd h1 h2 h3 h4 h5 h6 blockquote pre "
                    "table tr td th thead tbody tfoot figure figcaption hr body".split())
_GAP = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\u00ad]+")
_BR = "\x02"


def block_texts(html: str) -> list[str]:
    """The text of each block, spaces dropped; a double line break also ends a block."""
    out, run = [], []

    def flush():
        text = _GAP.sub("", "".join(run))
        run.clear()
        out.extend(p.replace(_BR, "") for p in re.split(f"{_BR}{{2,}}", text) if p.replace(_BR, ""))

    stack = [(LexborHTMLParser(html).body.iter(include_text=True), True)]
    while stack:
        node = next(stack[-1][0], None)
        if node is None:
            if stack.pop()[1]:  # the end of a block ends its text
                flush()
        elif node.is_text_node:
            run.append(node.text_content or "")
        elif node.is_element_node and node.tag == "br":
            run.append(_BR)
        elif node.is_element_node and node.tag != "img":
            if node.tag in _BLOCKS:
                flush()
            stack.append((node.iter(include_text=True), node.tag in _BLOCKS))
    return out


def _differs(path) -> str | None:
    try:
        parsed = readers.read(cap_nesting(normalise_text(decode_bytes(path.read_bytes())[0])))
    except InputError:
        return None
    found = ingest._article_of(parsed, RULES)
    cleaned, _report = clean(found.body, DocInfo(title=parsed.title, base_url=parsed.base_url), found.rule)
    want, got = block_texts(cleaned), block_texts(reference_html(to_markdown.convert(cleaned)))
    return None if want == got else f"{path.name}: {next((a, b) for a, b in zip(want + [''], got + ['']) if a != b)}"


def _files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".md", ".html", ".txt"))


def test_markdown_keeps_every_block_of_the_corpus():
    require(CORPUS, "the sample corpus (../shared/corpus)")
    files = _files(CORPUS)
    assert len(files) > 250
    assert [d for d in map(_differs, files) if d] == []


def test_markdown_keeps_every_block_of_the_scale_month():
    require(SHARED / "scale", "the scale month (../shared/scale)")
    files = _files(SHARED / "scale")
    assert len(files) > 9000
    assert [d for d in map(_differs, files) if d][:5] == []


@pytest.mark.parametrize("html,markdown", [
    ("<p><b><a href='https://e.com/a'>T</a></b></p>", "[**T**](https://e.com/a)\n"),
    ("<p>前文<strong><a href='https://e.com/a'>标题</a></strong>后文</p>", "前文[**标题**](https://e.com/a)后文\n"),
    ("<p><strong><img src='https://e.com/i.png'></strong></p>", "![](https://e.com/i.png)\n"),
    ("<p>2.0 版本发布</p>", "2.0 版本发布\n"), ("<p>1. 第一项</p>", "1\\. 第一项\n"), ("<p>#话题</p>", "#话题\n"),
    ("<p>Run <code>ls -l</code> to list the files.</p>", "Run `ls -l` to list the files.\n"),
    ("<div>一段<br><br>二段<br>续行</div>", "一段\n\n二段\\\n续行\n"),
    ("<p><b>薛</b><b>仁义</b>：因</p>", "**薛仁义**：因\n"),
    ("<table><tr><td><p>排版用的表格</p><p>第二段</p></td></tr></table>", "排版用的表格\n\n第二段\n"),
    ("<ul><li>一项</li><div>列表里直接放的一段</div></ul>", "- 一项\n- 列表里直接放的一段\n"),
    ("<p>services <a href='https://e.com/a'>killed</a><a href='https://e.com/a'> more</a>.</p>",
     "services [killed](https://e.com/a) [more](https://e.com/a).\n"),
])
def test_converter_cases(html, markdown):
    assert to_markdown.convert(html) == markdown


def test_plain_text_takes_the_marks_as_one_pattern_of_them_did():
    """plain_text takes a link's text, a list item's mark at a line's start, then the mark characters
    anywhere: what one pattern of the marks took in a single pass, after the link pattern spelled
    `!?\\[` (its marks at a line's start by `^` with re.M), on every short text of the characters
    they turn on, and on the corpus's raw markdown files."""
    import itertools

    one_pattern = re.compile(r"[*_`>#|\\]|^- |^\d+\. ", re.M)
    link = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")

    def before(markdown: str) -> str:
        text = to_markdown._FIGURE_HTML.sub("", markdown)
        return one_pattern.sub("", link.sub(r"\1", text))

    alphabet = ["*", "_", "`", ">", "#", "|", "\\", "-", " ", "\n", "1", "2", ".", "中", "[", "]", "!", "(", ")"]
    for n in range(5):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            assert to_markdown.plain_text(text) == before(text), repr(text)
    for path in sorted(CORPUS.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert to_markdown.plain_text(text) == before(text), path
