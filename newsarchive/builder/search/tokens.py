"""The one folded form that search compares, shared by the index (here) and the query (static/search.js).

Pagefind's standard binary does not segment Chinese and never maps Traditional to Simplified, so we
hand it words we made ourselves (this is why this module exists):

* `normalize` gives the searchable text: NFKC, Traditional folded to Simplified character by
  character (OpenCC's table), lower case, Latin diacritics dropped; then items - a run of CJK
  characters or a word of letters and digits - separated by one space, punctuation gone.
  The offline search matches the query's normalized form inside this text.
* `index_words` turns that text into the words Pagefind indexes: each CJK run as its overlapping
  bigrams, framed by its first and last character as single-character words (so a phrase can begin
  or end at a run's edge: 2020年, 美國 2020); Latin words whole. The index has one language,
  `und`: no stemming, and (see static/search.js) no browser word segmentation of the query,
  which would split its bigrams.

static/search.js implements the same two functions for the query; tests/test_search.py checks they
agree on real articles.
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
    """A CJK run as index words: first character, the overlapping bigrams, last character."""
    if len(run) == 1:
        return [run]
    return [run[0], *[run[i:i + 2] for i in range(len(run) - 1)], run[-1]]


# Marks a page's "has this character" word: `_` is a Pagefind word character never in our items.
CHAR_MARK = "_"


def index_words(normalized: str) -> str:
    """The words Pagefind indexes for a normalized text, space-separated.

    After the text, each distinct CJK character once as `<char>_`: a one-character query asks
    for that word. (Pagefind's prefix search would find the bigrams starting with it, but caps
    how many words a prefix expands to and loses pages for common characters.) No phrase can
    reach into this tail: phrase queries never hold a `_` word.
    """
    words: list[str] = []
    chars: set[str] = set()
    for item in normalized.split(" "):
        if not item:
            continue
        if _CJK_START.match(item):
            words.extend(run_words(item))
            chars.update(item)
        else:
            words.append(item)
    words.extend(c + CHAR_MARK for c in sorted(chars))
    return " ".join(words)
