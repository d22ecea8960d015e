"""How long an article takes to read: what every list shows beside each article's title.

Worked out once, when collect parses the page, and kept with it in the parsed-page cache: worked out
as the lists were rendered, an incremental build that rendered every home page again asked for it for
all 100 000 articles (~19 s here).
"""
from __future__ import annotations

import re

from ..to_markdown import plain_text

# Reading speed: characters a minute for Chinese and Japanese text, words a minute for the rest.
CJK_CHARS_A_MINUTE = 400
WORDS_A_MINUTE = 230
# (runs, not single characters: one pass replaces each run by a space, and the characters it took
# out tell how many there were - counting them with a second pass was most of a cold parse's time here)
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def reading_minutes(markdown: str) -> int:
    """About how long an article takes to read, in whole minutes (at least 1). (Once an article:
    every list it is in - home, month, day, outlet, tags - shows Entry.minutes; working it out for
    each was a third of a cold build at 29 000 articles.)"""
    return minutes_of_plain(plain_text(markdown))


def minutes_of_plain(text: str) -> int:
    """reading_minutes of a body whose plain text this is (collect makes it once for same story too)."""
    spaced, runs = _CJK_RUN.subn(" ", text)
    cjk = len(text) - len(spaced) + runs  # each run of n characters became one space
    words = len(spaced.split())
    return max(1, round(cjk / CJK_CHARS_A_MINUTE + words / WORDS_A_MINUTE))
