"""The site's own words (headings the build makes), read from data/ui.toml per site language."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from ..archive import DATA

WORDS_FILE = DATA / "ui.toml"
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass(frozen=True)
class Words:
    outlets: str
    """Heading of the outlets index."""
    tags: str
    """Heading of the tags index."""
    month: str
    """Heading of a month's list: a format with {year}, {month}, {month_name}."""
    day: str
    """Heading of a day's list: a format with {year}, {month}, {month_name}, {day}."""
    problems: str
    """Heading of the problems page (raw files not ingested, content pages left out)."""

    def month_heading(self, year: str, month: str) -> str:
        return self.month.format(year=year, month=int(month), month_name=MONTHS[int(month) - 1])

    def day_heading(self, year: str, month: str, day: str) -> str:
        return self.day.format(year=year, month=int(month), month_name=MONTHS[int(month) - 1], day=int(day))


@lru_cache(maxsize=None)
def words(language: str) -> Words:
    tables = tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))
    return Words(**tables.get(language, next(iter(tables.values()))))
