"""Progress of a long run's phases on a terminal: one tqdm bar per phase, on stderr.

A stage takes a Progress and calls `progress.phase(name, total)` when a phase begins; the phase's
tick() counts what is done. Off (Progress.off(), or not a terminal, or a short run) it prints
nothing. Notices met while a bar is on the screen are held and printed once it is closed, so they
never break a bar apart.
"""
from __future__ import annotations

import shutil
import sys
from typing import Callable

# Runs with fewer items than this (files, articles) show no bars: they are over before one is read.
SHOW_FROM = 50
# Columns a bar takes on a terminal that does not say its size.
FALLBACK_COLUMNS = 80


class Progress:
    def __init__(self, enabled: bool, stream=None):
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._bar = None
        self._held: list[str] = []

    @classmethod
    def off(cls) -> "Progress":
        return cls(False)

    def below(self, count: int) -> "Progress":
        """This progress, or one that shows nothing for a run of fewer than SHOW_FROM items."""
        return self if count >= SHOW_FROM else Progress(False, self.stream)

    @classmethod
    def on_terminal(cls, quiet: bool = False) -> "Progress":
        return cls(not quiet and sys.stderr.isatty())

    def phase(self, name: str, total: int | None = None, unit: str = "") -> Callable[[int], None]:
        """Begin a phase (ending the last one); its tick(n=1) counts n done."""
        self.end()
        if not self.enabled:
            return lambda n=1: None
        from tqdm import tqdm

        width = shutil.get_terminal_size((0, 0)).columns or FALLBACK_COLUMNS  # a terminal of no size: 80
        self._bar = tqdm(total=total, desc=name, unit=unit or "it", file=self.stream, leave=True, ncols=width,
                         mininterval=0.2)
        return self._bar.update

    def wrap(self, items, name: str, total: int, unit: str = ""):
        """items, counted by a phase as they are taken (no bar for fewer than SHOW_FROM)."""
        tick = self.phase(name, total, unit) if total >= SHOW_FROM else (lambda n=1: None)
        for item in items:
            yield item
            tick(1)
        self.end()

    def notice(self, line: str) -> None:
        """A line for the reader: printed now, or after the bar on the screen is closed."""
        if self._bar is not None:
            self._held.append(line)
        else:
            print(line, file=self.stream)

    def end(self) -> None:
        """Close the bar on the screen, then print the notices held while it was there."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        for line in self._held:
            print(line, file=self.stream)
        self._held = []
