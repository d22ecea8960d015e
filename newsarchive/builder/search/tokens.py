"""The one folded form that search compares, shared by the index (here) and the query (static/search.js).

Pagefind's standard binary does not segment Chinese and never maps Traditional to Simplified, so we
hand it words we made ourselves (this is why this module exists):

* `normalize` gives the searchable text: NFKC, Traditional folded to Simplified character by
  character (OpenCC's table), lower case, Latin diacritics dropped; then items - a run of CJK
  characters or a word of letters and digits - separated by one space, punctuation gone.
  The offline search matches the query's normalized form inside this text.
* `index_words` turns that text into the words Pagefind indexes: each CJK run as its overlapping
  bigrams, framed by its first and last character as single-character words (so a phrase can begin
  or end at a run's edge: 2020年, 美國 2020); Latin words whole, and marks for their stems and
  prefixes (our own light stemmer: Pagefind's needs a language, and the index has one, `und`, so
  that (see static/search.js) no browser word segmentation splits the query's bigrams).

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
# Marks a page's "has a word with this stem" word (only where the stem is not the word itself).
STEM_MARK = "_"
# Marks a page's "has a word beginning with this" word; a Latin query word this long or longer
# also finds the words it begins (search as you type: `post` finds `posting`).
PREFIX_MARK = "__"
PREFIX_MIN = 3
# Longest prefix marked (a longer query word is matched whole or by its stem).
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


def latin_marks(word: str) -> list[str]:
    """The mark words a Latin word adds to its page: its stem (where that is another word) and the
    prefixes a query may type of it."""
    marks = [stem(word) + STEM_MARK] if stem(word) != word else []
    # (the prefixes a query may be: a-z only, as a query must be to be taken as a prefix; covid19: covid)
    marks += [word[:k] + PREFIX_MARK for k in range(PREFIX_MIN, min(len(word), PREFIX_MAX + 1))
              if _ENGLISH.match(word[:k])]
    return marks


def latin_term_matches(words: set[str], query: str) -> bool:
    """Whether a page with these (normalized) Latin words matches a one-word Latin query: a word it
    begins (a query of PREFIX_MIN letters or more, up to PREFIX_MAX), or a word with its stem. The
    rule both search paths follow (and the tests' expectation)."""
    wanted = stem(query)
    prefix = PREFIX_MIN <= len(query) <= PREFIX_MAX and _ENGLISH.match(query)
    return any(stem(w) == wanted or (prefix and w.startswith(query)) for w in words)


def index_words(normalized: str) -> str:
    """The words Pagefind indexes for a normalized text, space-separated.

    After the text, each distinct CJK character once as `<char>_`: a one-character query asks
    for that word. Then each distinct Latin word's marks (latin_marks): `<stem>_` and its
    prefixes `<prefix>__`, which a one-word Latin query asks for. (Pagefind's prefix search would find the bigrams starting with it, but caps
    how many words a prefix expands to and loses pages for common characters.) No phrase can
    reach into this tail: phrase queries never hold a `_` word.
    """
    words: list[str] = []
    chars: set[str] = set()
    latin: set[str] = set()
    for item in normalized.split(" "):
        if not item:
            continue
        if _CJK_START.match(item):
            words.extend(run_words(item))
            chars.update(item)
        else:
            words.append(item)
            latin.add(item)
    words.extend(c + CHAR_MARK for c in sorted(chars))
    words.extend(sorted({mark for word in latin for mark in latin_marks(word)}))
    return " ".join(words)
