"""How long an article takes to read: what every list shows beside each article's title.

Worked out once, when collect parses the page, and kept with it in the parsed-page cache: worked out
as the lists were rendered, an incremental build that rendered every home page again asked for it for
all 100 000 articles (~19 s here).
"""
from __future__ import annotations

import functools

from ..to_markdown import plain_text

# Reading speed: characters a minute for Chinese and Japanese text, words a minute for the rest.
CJK_CHARS_A_MINUTE = 400
WORDS_A_MINUTE = 230
# What each code point is to the count, up to the last CJK one counted (those past it: other): the
# CJK characters counted one by one (unified ideographs with extension A, compatibility ideographs),
# the spaces str.split() splits at (str.isspace(): none past U+3000), and the other characters words
# are made of.
_OTHER, _SPACE, _CJK = 0, 1, 2
_CJK_RANGES = ((0x3400, 0x9FFF), (0xF900, 0xFAFF))
_PAST_CJK = 0xFB00


@functools.cache
def _kinds():
    """_OTHER, _SPACE or _CJK of each code point up to _PAST_CJK (itself _OTHER)."""
    import numpy as np

    kinds = np.array([_SPACE if chr(c).isspace() else _OTHER for c in range(_PAST_CJK + 1)], dtype=np.uint8)
    for first, last in _CJK_RANGES:
        kinds[first:last + 1] = _CJK
    return kinds


def reading_minutes(markdown: str) -> int:
    """About how long an article takes to read, in whole minutes (at least 1). (Once an article:
    every list it is in - home, month, day, outlet, tags - shows Entry.minutes; working it out for
    each was a third of a cold build at 29 000 articles.)"""
    return minutes_of_plain(plain_text(markdown))


def minutes_of_plain(text: str) -> int:
    """reading_minutes of a body whose plain text this is (collect makes it once for same story too):
    its CJK characters, and its words - runs of other characters than CJK ones and spaces, what
    str.split() finds once each CJK character is a space. Counted on the code points, each looked up
    in _kinds, with numpy (imported here, not with the module: a build with nothing to do never asks
    for it): a pattern replacing each CJK run by a space took ~54 us an article, as long as making its
    plain text; this ~26 us."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    kinds = _kinds().take(codes, mode="clip")  # (a code point past _PAST_CJK: its kind, _OTHER)
    other = kinds == _OTHER
    words = np.count_nonzero(other[1:] > other[:-1]) + bool(len(other) and other[0])  # (where each run begins)
    return max(1, round(int(np.count_nonzero(kinds == _CJK)) / CJK_CHARS_A_MINUTE + int(words) / WORDS_A_MINUTE))
