"""The one folded form that search compares, shared by the index (here and postings.py) and the
query (static/search.js).

No library splits Chinese and folds Traditional to Simplified the way the search needs (Pagefind,
the earlier engine, did neither), so we make the tokens ourselves:

* `normalize` gives the searchable text: NFKC, Traditional folded to Simplified character by
  character (OpenCC's table), lower case, Latin diacritics dropped; then items - a run of CJK
  characters or a word of letters and digits - separated by one space, punctuation gone.
* `index_tokens` turns that text into the tokens the index holds at consecutive positions: each
  CJK run as its overlapping bigrams, framed by its first and last character (so a phrase can begin
  or end at a run's edge: 2020年, 美國 2020); Latin words whole. postings.py makes the same tokens
  with numpy; this is their definition (the tests hold the two together).
* `stem` and `latin_term_matches`: which words a one-word Latin query finds.

static/search.js implements normalize, the tokens of a query and stem for the query; tests/test_search.py
checks they agree on real articles.
"""
from __future__ import annotations

import re
import unicodedata

from ... import lang

# Scripts written without spaces: searched by character bigrams (Han, kana, Hangul syllables).
CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_ITEM = re.compile(f"[{CJK_CLASS}]+|[^\\W_{CJK_CLASS}]+")
_CJK_START = re.compile(f"[{CJK_CLASS}]")
_MARK = re.compile(r"[\u0300-\u036f]")


def normalize(text: str) -> str:
    """Searchable text: folded script, lower case, items separated by single spaces."""
    text = lang.fold(unicodedata.normalize("NFKC", text))
    if not text.isascii():
        text = unicodedata.normalize("NFC", _MARK.sub("", unicodedata.normalize("NFD", text)))
    return " ".join(_ITEM.findall(text))


def run_words(run: str) -> list[str]:
    """A CJK run as index tokens: first character, the overlapping bigrams, last character."""
    if len(run) == 1:
        return [run]
    return [run[0], *[run[i:i + 2] for i in range(len(run) - 1)], run[-1]]


def index_tokens(normalized: str) -> list[str]:
    """The tokens of a normalized text in order (their positions: 0, 1, ...)."""
    out: list[str] = []
    for item in normalized.split(" "):
        if item:
            out.extend(run_words(item) if _CJK_START.match(item) else [item])
    return out


# A Latin query word this long or longer also finds the words it begins (search as you type:
# `post` finds `posting`).
PREFIX_MIN = 3
# Longest prefix matched (a longer query word is matched whole or by its stem).
PREFIX_MAX = 12
_ENGLISH = re.compile(r"^[a-z]+$")
# Words ending in s that are no plurals (the suffix rules below would cut them).
_KEEP = frozenset("news series species always perhaps whereas lens chaos does goes".split())
_VOWELS = "aeiou"


def stem(word: str) -> str:
    """A light English stemmer (ours: the same rules are in static/search.js, and a test holds the
    two to the same answers on the corpus's words). Plurals and -ing/-ed forms meet their word:
    books, booking -> book; posting, posted -> post; studies, studied -> study; boxes -> box;
    hoping -> hope; running -> run. Only a-z words of four letters or more; other words stay."""
    if len(word) < 4 or word in _KEEP or not _ENGLISH.match(word):
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses") or word.endswith(("xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("s"):
        return word[:-1]
    for suffix in ("ing", "ed"):
        base = word[:-len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and any(c in _VOWELS for c in base):
            return _mended(base)
    return word


def _mended(base: str) -> str:
    """A base left by -ing/-ed: a doubled consonant undone (runn -> run), a short
    consonant-vowel-consonant base given back its e (hop -> hope)."""
    if base[-1] == base[-2] and base[-1] not in _VOWELS + "lsz":
        return base[:-1]
    if len(base) == 3 and base[0] not in _VOWELS and base[1] in _VOWELS and base[2] not in _VOWELS + "wxy":
        return base + "e"
    return base


def latin_term_matches(words: set[str], query: str) -> bool:
    """Whether a page with these (normalized) Latin words matches a one-word Latin query: a word it
    begins (a query of PREFIX_MIN letters or more, up to PREFIX_MAX), or a word with its stem. The
    rule both search paths follow (and the tests' expectation)."""
    wanted = stem(query)
    prefix = PREFIX_MIN <= len(query) <= PREFIX_MAX and _ENGLISH.match(query)
    return any(stem(w) == wanted or (prefix and w.startswith(query)) for w in words)
