"""Who wrote an article: its bylines, from the page's markup and the body's first and last blocks.

The forms are data (data/bylines.toml: patterns with their own cases, roles, places, and what is never
a person); this module only applies them. Written here because no library reads CJK bylines: the
generic extractors (trafilatura, readability) take `meta[name=author]` or a `.byline` class and nothing
else, and keep portals and channels (`网易`, `新浪科技`) as authors.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from .readers.html_page import json_ld

DATA = Path(__file__).parent / "data" / "bylines.toml"
# How many blocks at each end of the body may carry a byline.
EDGE_BLOCKS = 3
# A block longer than this (characters) is prose, never a byline line; of such a block only this many
# characters at each end are read for a byline opening or closing it.
MAX_BYLINE_BLOCK = 200
EDGE_CHARS = 100
# A name longer than this, or of more words, is a sentence, not a name.
MAX_NAME_CHARS = 60
MAX_NAME_WORDS = 6
# Markup that names the author, most telling first (attribute "" = the element's text).
META_AUTHORS = ('meta[name="author"]', 'meta[property="article:author"]', 'meta[name="byl"]',
                'meta[name="sailthru.author"]', 'meta[name="parsely-author"]', 'meta[name="dc.creator"]')
BYLINE_ELEMENTS = ('[itemprop="author"] [itemprop="name"]', '[itemprop="author"]', '[rel~="author"]',
                   ".byline-name", ".author-name", ".byline__name", ".byline", ".author", ".post-author",
                   ".article-author", ".writer", '[class*="byline"]')
_SPLIT = re.compile(r"\s*(?:、|/|／|&|＆|;|；|,|，|\band\b|\bund\b|\bet\b|\be\b|\by\b)\s*")
_PAREN = re.compile(r"\s*[（(][^（）()]*[）)]\s*")
_CJK_AFTER = re.compile(r"[\u3400-\u9fff]")
_CJK_ONLY = re.compile(r"^[\u3400-\u9fff·・\s]+$")
_EDGE_PUNCT = re.compile(r"^[\s:：|｜,，.。\-–—【】\[\]]+|[\s:：|｜,，.。\-–—【】\[\]]+$")


@dataclass(frozen=True)
class Pattern:
    name: str
    where: str
    removes: bool
    place_follows: bool
    regex: re.Pattern
    cases: tuple[tuple[str, str], ...]
    not_cases: tuple[str, ...]


@dataclass(frozen=True)
class Book:
    patterns: tuple[Pattern, ...]
    roles: tuple[str, ...]
    descriptions: tuple[str, ...]
    titles: tuple[str, ...]
    suffixes: tuple[str, ...]
    places: tuple[str, ...]
    not_authors: frozenset[str]
    not_author_patterns: tuple[re.Pattern, ...]


@lru_cache(maxsize=1)
def book() -> Book:
    """The byline forms (read once per process: they are the package's data)."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    patterns = tuple(Pattern(p["name"], p["where"], p["removes"], p.get("place_follows", False),
                             re.compile(p["pattern"]),
                             tuple(tuple(c) for c in p["cases"]), tuple(p["not_cases"])) for p in data["patterns"])
    return Book(patterns, tuple(sorted(data["roles"], key=len, reverse=True)), tuple(data["descriptions"]),
                tuple(data["titles"]),
                tuple(sorted(data["suffixes"], key=len, reverse=True)), tuple(data["places"]),
                frozenset(a.casefold() for a in data["not_authors"]),
                tuple(re.compile(p) for p in data["not_author_patterns"]))


def _without_role(piece: str, roles) -> str:
    """'記者吳婉英' -> '吳婉英', '南都见习记者' -> '' (a role with an outlet before it: what follows it)."""
    for role in roles:
        at = piece.rfind(role)
        if at >= 0 and (role[-1] == " " or not role.isascii() or at == 0):
            piece = piece[at + len(role):]
            break
    return piece


def _without_place(piece: str, suffixes, places) -> str:
    """'薛小山華盛頓報導' -> '薛小山': how it was written, then where, cut from a name's end."""
    cut = True
    while cut:  # "台北連線報導": both words go
        cut = False
        for suffix in suffixes:
            if piece.endswith(suffix) and len(piece) > len(suffix) + 1:
                piece, cut = piece[: -len(suffix)], True
                break
    for place in places:
        if piece.endswith(place) and len(piece) > len(place) + 1:
            return piece[: -len(place)]
    return piece


def _pieces(raw: str) -> list[str]:
    raw = _PAREN.sub(" ", raw).strip()
    pieces = _SPLIT.split(raw)
    out = []
    for piece in pieces:
        piece = piece.strip()
        out += piece.split() if _CJK_ONLY.match(piece) else [piece]
    return out


def is_person(name: str, not_names=()) -> bool:
    """A name that may be an author: no portal, desk, placeholder, address or outlet's own name."""
    b = book()
    folded = name.casefold()
    if not name or len(name) > MAX_NAME_CHARS or len(name.split()) > MAX_NAME_WORDS or len(name) < 2:
        return False
    if folded in b.not_authors or folded in {n.casefold() for n in not_names if n}:
        return False
    return not any(p.search(name) for p in b.not_author_patterns)


# A CJK name this long or longer, with no place found after it, is a name and a place: its first
# COMMON_NAME_CHARS characters are the name (in a pattern with `place_follows`).
NAME_AND_PLACE_CHARS = 5
COMMON_NAME_CHARS = 3


def _latin_name(piece: str, b: Book, not_names) -> str:
    """'Mark Di Stefano BuzzFeed News Reporter' -> 'Mark Di Stefano': cut at a job title or a word of
    the outlet's name."""
    latin = _CJK_AFTER.split(piece)[0].strip()
    if len(latin.split()) >= 2:  # "David McCabe自华盛顿": a Latin name of two words or more ends at CJK text
        piece = latin
    if piece.casefold() in {n.casefold() for n in not_names if n}:
        return piece  # the outlet itself: is_person says no
    stops = {w.casefold() for n in not_names if n for w in n.split()}
    words = piece.split()
    for i, word in enumerate(words):
        if i > 1 and (word.casefold() in stops or any(" ".join(words[i:]).startswith(t) for t in b.titles)):
            return " ".join(words[:i])
    return piece


def names(raw: str, not_names=(), place_follows: bool = False) -> tuple[str, ...]:
    """The people a byline names: roles and places cut, split at separators, non-people dropped."""
    b = book()
    raw = (raw or "").strip()
    if re.match(r"(?i)^(?:https?:|www\.)", raw):
        return ()
    found: list[str] = []
    pieces = _pieces(raw)
    if len(pieces) > 1:  # "name／description": the description goes; a body alone is the author
        pieces = [p for p in pieces if not p.endswith(b.descriptions)]
    for piece in pieces:
        if not piece.endswith(b.descriptions):
            piece = _without_role(piece, b.roles)
        piece = _EDGE_PUNCT.sub("", piece)
        if _CJK_ONLY.match(piece):
            piece = _without_place(piece.replace(" ", ""), b.suffixes, b.places)
            if place_follows and len(piece) >= NAME_AND_PLACE_CHARS and "·" not in piece:
                piece = piece[:COMMON_NAME_CHARS]
        else:
            piece = _latin_name(piece, b, not_names)
        if is_person(piece, not_names) and piece not in found and piece not in b.places:
            found.append(piece)
    return tuple(found)


def match_block(text: str, where: str) -> tuple[Pattern, re.Match] | None:
    """The first byline form a block's text takes, at that end of the body (`first` or `last`)."""
    # A long block (prose) may open or close with a byline: its edges are read, never its middle.
    pieces = [text] if len(text) <= MAX_BYLINE_BLOCK else [text[:EDGE_CHARS], text[-EDGE_CHARS:]]
    for pattern in book().patterns:
        if pattern.where in (where, "any"):
            for piece in pieces:
                m = pattern.regex.search(piece)
                if m:
                    return pattern, m
    return None


_BLOCK_TAGS = frozenset("p div section article header footer li h1 h2 h3 h4 h5 h6 blockquote td th tr dd dt "
                        "figcaption span em strong".split())


def edge_texts(html: str) -> list[str]:
    """The texts of an article's blocks before cleaning (cleaning drops byline and metadata lines; the
    bylines are read from here when the clean body names nobody). Script and style are no text."""
    tree = LexborHTMLParser(html)
    if tree.body is None:
        return []
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    out = []
    for node in tree.body.traverse():
        if node.tag in _BLOCK_TAGS and not any(c.tag in _BLOCK_TAGS for c in node.iter()):
            text = re.sub(r"\s+", " ", node.text(deep=True)).strip()
            if text:
                out.append(text)
    return out


def only_byline(text: str) -> bool:
    """A block that says nothing but who wrote the article (at either end of a body)."""
    text = re.sub(r"\s+", " ", text).strip()
    for where in ("first", "last"):
        found = match_block(text, where)
        if found and found[1].start() == 0 and found[1].end() == len(text):
            return True
    return False


def from_blocks(blocks: list[str], not_names=()) -> tuple[tuple[str, ...], int | None]:
    """(authors, index of the block to remove or None) from a body's plain-text blocks."""
    ends = [(i, "first") for i in range(min(EDGE_BLOCKS, len(blocks)))]
    ends += [(i, "last") for i in range(max(len(blocks) - EDGE_BLOCKS, EDGE_BLOCKS), len(blocks))][::-1]
    for index, where in ends:
        text = re.sub(r"\s+", " ", blocks[index]).strip()
        lines = [text]
        if "\n" in blocks[index].strip():  # each line of a block broken by hard breaks, last first
            lines += [ln.strip() for ln in reversed(blocks[index].split("\n")) if ln.strip()]
        for line in lines:
            people, whole = _named(line, where, not_names)
            if people:
                return people, index if whole and line == text else None
    return (), None


def _named(text: str, where: str, not_names) -> tuple[tuple[str, ...], bool]:
    """The people one line names, and whether the line is a credit line and nothing else."""
    found = match_block(text, where)
    if found is None:
        return (), False
    pattern, m = found
    people = names(m.group("names"), not_names, pattern.place_follows)
    # A removing form matches from the line's start: the line is the credit (a reporter and then
    # editors), nothing of the article.
    return people, bool(people) and pattern.removes and m.start() == 0 and len(text) <= MAX_BYLINE_BLOCK


# An author's name in JSON-LD that does not parse (a trailing comma is common): read as text.
_LOOSE_AUTHOR = re.compile(r'"author"\s*:\s*(?:\[\s*)?(?:\{[^{}]*?"name"\s*:\s*"([^"]{1,100})"|"([^"]{1,100})")')


def _json_ld_authors(tree) -> list[str]:
    out = []
    for items, text in json_ld(tree):
        if items is None:
            out += [a or b for a, b in _LOOSE_AUTHOR.findall(text)]
            continue
        for item in items:
            author = item.get("author")
            for one in author if isinstance(author, list) else [author]:
                name = one.get("name") if isinstance(one, dict) else one
                if isinstance(name, str):
                    out.append(name)
    return out


def from_markup(tree) -> tuple[str, ...]:
    """What a page's markup gives as its author, most telling first (JSON-LD, author meta tags, byline
    elements), as written: `names` makes people of them, knowing the outlet."""
    candidates = _json_ld_authors(tree)
    candidates += [(n.attributes.get("content") or "") for sel in META_AUTHORS for n in tree.css(sel)]
    for selector in BYLINE_ELEMENTS:
        for node in tree.css(selector):
            text = re.sub(r"\s+", " ", node.attributes.get("content") or node.text(deep=True) or "").strip()
            if 0 < len(text) <= MAX_BYLINE_BLOCK:
                candidates.append(text)
    return tuple(dict.fromkeys(c for c in candidates if c.strip()))


def first_named(candidates, not_names=()) -> tuple[str, ...]:
    """The people the first candidate byline that names any names."""
    for raw in candidates:
        people = names(raw, not_names)
        if people:
            return people
    return ()
