"""Clean, sanitised HTML -> CommonMark. Deterministic: the same tree, the same bytes.

Written here rather than taken from a library because the libraries walk a
BeautifulSoup tree (~2 ms a page, most of our ingest budget) and none handles
CJK emphasis: CommonMark will not open `**` between a letter and 「, so
punctuation at the edges of bold/italic is moved outside the delimiters.
Images with captions stay HTML (`<figure><img><figcaption>`), as the spec allows.
"""
from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser

from . import urls

_BLOCK = frozenset("p div section article h1 h2 h3 h4 h5 h6 ul ol li blockquote pre hr table figure dl dt dd "
                   "thead tbody tfoot tr main header".split())
_CONTAINERS = frozenset({"div", "section", "article", "main", "header", "dl", "dd", "dt", "body"})
_BR = "\x02"
_NL_SPACE = "\x01"   # whitespace that held a line break: vanishes next to CJK (prettified HTML)
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_NL_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\x01+|\x01+(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\n\r\f\v\xa0\x01]+")
_WS_WITH_NL = re.compile(r"[ \t\r\f\v\xa0]*\n[\s\xa0]*")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_ESCAPE = re.compile(r"([\\`*_\[\]<])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
# What would start a block at a line's start, and only that (CommonMark 4.2-4.5, 5.2-5.3): a `2.0` or a
# `#hashtag` is text, `2. ` and `# ` are not. Group 2 is kept, group 3 is the character escaped.
_LINE_START = re.compile(r"^(\s*)()(>)|^(\s*)()(#{1,6}|[-+*]|```|~~~)(?=\s|$)|^(\s*)(\d{1,9})([.)])(?=\s|$)"
                         r"|^(\s*)()([=-])(?=[=-]*\s*$)")
# Link and image syntax made by this module, as private-use characters until a line is finished, so that
# moving punctuation out of emphasis never takes a bracket of a link with it (`**[T](U)**`, not `[**T](U**)`).
_OPEN, _MIDDLE, _CLOSE, _BANG = "\ue000", "\ue001", "\ue002", "\ue003"
# Emphasis marks too: where one bold span ends and the next begins (`<b>薛</b><b>仁义</b>`) they merge, since
# `**薛****仁义**` is no emphasis at all.
_BOLD, _ITALIC = "\ue004", "\ue005"
_MARKS = {"**": _BOLD, "*": _ITALIC}
_SYNTAX = str.maketrans({_OPEN: "[", _MIDDLE: "](", _CLOSE: ")", _BANG: "![", _BOLD: "**", _ITALIC: "*"})
_EDGE = r"(?:(?![\ue000-\ue003])[\s\W_])*"
_EDGE_PUNCT = re.compile(rf"^({_EDGE})(.*?)({_EDGE})$", re.S)
_OURS = re.compile("[\ue000-\ue005]")  # a source's own private-use characters: written as references
_ONE_LINK = re.compile("^\ue000([^\ue000-\ue003]*)\ue001([^\ue000-\ue003]*)\ue002$")
_ONE_IMAGE = re.compile("^\ue003[^\ue000-\ue003]*\ue001[^\ue000-\ue003]*\ue002$")
# Two line breaks in a row (`<br><br>`, with nothing but spaces between) end a paragraph, as they look.
_PARAGRAPH_BREAK = re.compile(f"{_BR}[ \t\n\xa0{_NL_SPACE}]*(?:{_BR}[ \t\n\xa0{_NL_SPACE}]*)+")


# Runs of tildes in a code block (its fence must be longer than any).
_TILDES = re.compile("~+")

def _text(raw: str) -> str:
    if _INVISIBLE.search(raw):
        raw = _INVISIBLE.sub("", raw)
    if "\n" in raw:
        raw = _WS_WITH_NL.sub(_NL_SPACE, raw)
    if _ESCAPE.search(raw):
        raw = _ESCAPE.sub(r"\\\1", raw)
    raw = _ENTITY_LIKE.sub("&amp;", raw) if "&" in raw else raw
    return _OURS.sub(lambda m: f"&#x{ord(m.group(0)):x};", raw) if _OURS.search(raw) else raw


def _escape_start(m: re.Match) -> str:
    lead, kept, mark = (g for g in m.groups() if g is not None)
    return f"{lead}{kept}\\{mark}"


def _finish_line(line: str) -> str:
    if _NL_SPACE in line:
        line = _NL_NEAR_CJK.sub("", line)
    line = _SPACES.sub(" ", line).strip(" \u3000")
    line = line.replace(_BOLD + _BOLD, "").replace(_ITALIC + _ITALIC, "")
    return _LINE_START.sub(_escape_start, line).translate(_SYNTAX)


def _finish(inline: str, paragraphs: bool = False) -> str:
    """Inline content as one block's text; `paragraphs`: a double line break starts a new paragraph."""
    if paragraphs and _BR in inline:
        parts = (_finish(part) for part in _PARAGRAPH_BREAK.split(inline))
        return "\n\n".join(part for part in parts if part)
    lines = [_finish_line(part) for part in inline.split(_BR)]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\\\n".join(line for line in lines if line)


def _wrap(inner: str, mark: str) -> str:
    """Emphasis that CommonMark will honour next to CJK punctuation."""
    inner = inner.replace(_MARKS[mark], "")  # bold inside bold is bold once (its marks would pair wrongly)
    m = _EDGE_PUNCT.match(inner)
    lead, core, tail = m.group(1), m.group(2), m.group(3)
    if _ONE_IMAGE.match(core):  # a picture cannot be bold
        return inner
    link = _ONE_LINK.match(core)
    if link:  # emphasis around a whole link goes inside it: it then needs no flanking punctuation
        return f"{lead}{_OPEN}{_wrap(link.group(1), mark)}{_MIDDLE}{link.group(2)}{_CLOSE}{tail}"
    if lead.endswith("\\") and core:  # keep an escape with the character it escapes
        lead, core = lead[:-1], "\\" + core
    if not core.strip() or core.endswith("\\"):
        return inner
    return f"{lead}{_MARKS[mark]}{core}{_MARKS[mark]}{tail}"


def _link_target(url: str) -> str:
    return _OURS.sub("", urls.safe_href(url).replace("(", "%28").replace(")", "%29"))


def _inline(node) -> str:
    return "".join(_inline_node(child) for child in node.iter(include_text=True))


def _inline_node(child) -> str:
    if child.is_text_node:
        return _text(child.text_content or "")
    if not child.is_element_node:
        return ""
    tag = child.tag
    if tag == "br":
        return _BR
    if tag == "img":
        return _image(child)
    if tag == "a":
        inner = _inline(child)
        href = (child.attributes.get("href") or "").strip()
        if not href or not inner.strip(" " + _NL_SPACE + _BR):
            return inner
        # A link around blocks (a card: heading, then text) links each of its lines: a link cannot span blocks.
        return _BR.join(_link(part, href) if part.strip(" " + _NL_SPACE) else part for part in inner.split(_BR))
    if tag in ("strong", "b"):
        return _wrap(_inline(child), "**")
    if tag in ("em", "i", "cite"):
        return _wrap(_inline(child), "*")
    if tag == "code":
        code = (child.text() or "").replace("`", "'")
        return f"`{code}`" if code.strip() else ""
    if tag in _BLOCK:  # a block inside inline markup (a link around a heading and text) is still a block
        return _BR * 2 + _inline(child) + _BR * 2
    return _inline(child)


def _link(text: str, href: str) -> str:
    """A link whose text's edge spaces stand outside it ("<a>killed</a><a> more</a>": two words)."""
    core = text.strip(" " + _NL_SPACE)
    lead = " " if text[:1] in (" ", _NL_SPACE) else ""
    tail = " " if text[-1:] in (" ", _NL_SPACE) else ""
    return f"{lead}{_OPEN}{core}{_MIDDLE}{_link_target(href)}{_CLOSE}{tail}"


def _image(node) -> str:
    src = (node.attributes.get("src") or "").strip()
    if not src:
        return ""
    alt = _SPACES.sub(" ", node.attributes.get("alt") or "").strip()
    alt = _OURS.sub("", _ESCAPE.sub(r"\\\1", alt))
    return f"{_BANG}{alt}{_MIDDLE}{_link_target(src)}{_CLOSE}"


def _figure(node) -> str:
    img = node.css_first("img")
    if img is None:
        return ""
    src = html.escape(img.attributes.get("src") or "", quote=True)
    alt = html.escape(_SPACES.sub(" ", img.attributes.get("alt") or "").strip(), quote=True)
    cap = node.css_first("figcaption")
    caption = _SPACES.sub(" ", cap.text() if cap is not None else "").strip()
    lines = ["<figure>", f'<img src="{src}" alt="{alt}">']
    if caption:
        lines.append(f"<figcaption>{html.escape(caption, quote=False)}</figcaption>")
    lines.append("</figure>")
    return "\n".join(lines)


def _list(node, ordered: bool) -> str:
    items = []
    start = (node.attributes.get("start") or "1").strip()
    number = int(start) if ordered and start.isdigit() and len(start) < 10 else 1 if ordered else 0
    for li in node.iter(include_text=True):
        # A list holds items; what else a page puts straight inside it (a <div>, bare text) shows as
        # a line of the list, so it is one of its items rather than lost.
        if li.is_text_node:
            body = _finish(_text(li.text_content or ""))
        elif li.is_element_node and li.tag in ("li", "div", "p", "section", "span", "a", "strong", "b", "em"):
            body = "\n\n".join(_blocks(li)) if li.tag in ("li", "div", "p", "section") else _finish(_inline_node(li))
        else:
            continue
        if not body.strip():
            continue
        marker = f"{number}. " if ordered else "- "
        number += 1
        pad = " " * len(marker)
        lines = body.split("\n")
        items.append(marker + lines[0] + "".join("\n" + (pad + ln if ln else "") for ln in lines[1:]))
    return "\n".join(items)


def _rows(table) -> list:
    """The table's own rows (in its head, body and foot), never those of a table inside a cell."""
    rows = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows += [tr for tr in child.iter() if tr.tag == "tr"]
    return rows


def _cells(node) -> list[list]:
    return [[c for c in tr.iter() if c.tag in ("td", "th")] for tr in _rows(node)]


def _layout_cells(node) -> list | None:
    """The cells of a table used for layout (no row with two cells that hold text: a page laid out in a
    one-column table, or text beside a spacer), else None. Such a table is not data: its cells are blocks."""
    rows = _cells(node)
    texts = [[bool((c.text() or "").strip()) for c in row] for row in rows]
    if max((sum(row) for row in texts), default=0) > 1:
        return None
    return [c for row, has in zip(rows, texts) for c, text in zip(row, has) if text or c.css_first("img")]


def _table(node) -> str:
    rows = []
    for cells in _cells(node):
        cells = [_finish(_inline(c)).replace("|", "\\|").replace("\\\n", " ") for c in cells]
        if any(cells):
            rows.append(cells)
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def _block(node) -> list[str]:
    tag = node.tag
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        text = _finish(_inline(node)).replace("\\\n", " ")
        return [f"{'#' * max(2, int(tag[1]))} {text}"] if text else []
    if tag == "p":
        return _blocks(node)
    if tag in ("ul", "ol"):
        md = _list(node, tag == "ol")
        return [md] if md else []
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(node))
        return ["\n".join("> " + ln if ln else ">" for ln in inner.split("\n"))] if inner else []
    if tag == "pre":
        code = (node.text() or "").strip("\n")
        # A fence no line inside can close: ``` unless the code holds one, else tildes longer than any run.
        fence = "~" * max(4, 1 + max((len(run) for run in _TILDES.findall(code)), default=0)) if "```" in code \
            else "```"
        return [f"{fence}\n{code}\n{fence}"] if code.strip() else []
    if tag == "hr":
        return ["---"]
    if tag == "figure":
        fig = _figure(node)
        return [fig] if fig else []
    if tag == "table":
        layout = _layout_cells(node)
        if layout is not None:
            return [block for cell in layout for block in _blocks(cell)]
        md = _table(node)
        return [md] if md else []
    return _blocks(node)


def _blocks(node) -> list[str]:
    """A container's children: runs of inline content become paragraphs, blocks render as blocks.

    Nested containers (div in div in div...) are walked with an explicit stack, not by
    recursion: saved pages nest thousands deep and must not exhaust Python's stack.
    """
    out: list[str] = []
    run: list[str] = []

    def flush():
        if run:
            para = _finish("".join(run), paragraphs=True)
            if para:
                out.append(para)
            run.clear()

    stack = [node.iter(include_text=True)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            flush()  # the end of a container is a paragraph boundary
            continue
        if child.is_element_node and child.tag in _CONTAINERS:
            flush()
            stack.append(child.iter(include_text=True))
        elif child.is_element_node and child.tag in _BLOCK and child.tag not in ("li", "tr", "thead", "tbody"):
            flush()
            out.extend(_block(child))
        else:
            run.append(_inline_node(child))
    flush()
    return out


# A link or an image: its text is kept. (Spelled `!?\[`, the pattern had no first character to look
# for and was tried at every character: ~30 us of an article's ~50; a choice of two literals gives
# the regular expression engine the two characters it may begin with.)
_MD_LINK_TEXT = re.compile(r"(?:!\[|\[)([^\]]*)\]\([^)]*\)")
# Markdown's marks: these characters anywhere, and a list item's at a line's start. (One pattern of
# both tried its three branches at every character: a third of reading 10 000 pages' plain text.
# The line starts are taken first, from the text as it was - the characters are none of theirs:
# those after a line break by a pattern that begins with it, which the engine looks for as it
# would a word - `^` with re.M was tried at every character, ~15 us an article - then the text's
# first line's.)
_MD_MARKS = "*_`>#|\\"
_LIST_ITEM = r"- |\d+\. "  # (a list item's mark: spelled once for both patterns)
_MD_LIST_MARK = re.compile(rf"\n(?:{_LIST_ITEM})")
_MD_FIRST_LIST_MARK = re.compile(_LIST_ITEM)
_FIGURE_HTML = re.compile(r"<figure>.*?</figure>", re.S)


_CAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.S)


def _caption(figure: re.Match) -> str:
    m = _CAPTION.search(figure.group(0))
    return html.unescape(m.group(1)).strip() if m else ""


def plain_text(markdown: str, captions: bool = False) -> str:
    """The words of a page this module wrote, without markup (for language, summary, search).
    `captions`: a captioned figure leaves its caption's text where it stood (search finds what a
    reader sees: the names of the people pictured, the photographer's credit)."""
    text = _FIGURE_HTML.sub(_caption if captions else "", markdown)
    text = _MD_LIST_MARK.sub("\n", _MD_LINK_TEXT.sub(r"\1", text))
    first = _MD_FIRST_LIST_MARK.match(text)
    if first is not None:
        text = text[first.end():]
    for mark in _MD_MARKS:
        if mark in text:  # (str.replace: far quicker than a pattern, or than str.translate on CJK text)
            text = text.replace(mark, "")
    return text


# Element nesting kept as markup; what lies deeper becomes its plain text (the conversion recurses,
# and no article nests a hundred elements: 5 000 nested spans are an attack or a broken export).
MAX_DEPTH = 100


def _flatten_deep(root) -> int:
    """Each element at MAX_DEPTH below root keeps only its text (a list, as one item), in one pass over
    the tree (an explicit stack: no recursion, linear time). How many were flattened."""
    flattened, stack = 0, [(root, 0)]
    while stack:
        node, depth = stack.pop()
        child = node.child
        while child is not None:
            if child.is_element_node:
                if depth + 1 >= MAX_DEPTH:
                    text = html.escape(child.text(deep=True), quote=False)
                    child.inner_html = f"<li>{text}</li>" if child.tag in ("ul", "ol") else text
                    flattened += 1
                else:
                    stack.append((child, depth + 1))
            child = child.next
    return flattened


def convert(clean_html: str) -> str:
    tree = LexborHTMLParser(clean_html)
    if tree.body is None:
        return ""
    _flatten_deep(tree.body)
    blocks = _blocks(tree.body)
    return "\n\n".join(blocks) + "\n" if blocks else ""
