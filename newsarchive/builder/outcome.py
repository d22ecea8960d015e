"""What a build answers: one of five typed outcomes, each able to say itself in one line.

    Built       the site was written (articles, files)
    LeftOut     the site was written without some content pages (each with its reason)
    Unchanged   nothing the site shows changed: nothing was written
    Failed      the build stopped (a layout, the config, the search indexer); the last good site stays
    HotDeclined serve's hot pass cannot do this change alone: a quick build must

`failure_line` is the one place an exception is turned into the line an archivist reads.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Built:
    articles: int
    files: int
    changed: tuple[str, ...] = ()
    """The site's files whose bytes changed, when the build was asked to tell (serve's full build)."""

    def line(self) -> str:
        return f"built {self.articles} articles, {self.files} files; 0 content pages left out"


@dataclass(frozen=True)
class LeftOut:
    articles: int
    files: int
    problems: tuple[tuple[str, str], ...]
    changed: tuple[str, ...] = ()

    def line(self) -> str:
        return f"built {self.articles} articles, {self.files} files; {len(self.problems)} content pages left out"

    def message(self) -> str:
        return "; ".join(f"{shown}: {reason}" for shown, reason in self.problems)


@dataclass(frozen=True)
class Unchanged:
    def line(self) -> str:
        return "site is up to date: nothing changed since the last build"


@dataclass(frozen=True)
class Failed:
    reason: str

    def line(self) -> str:
        return self.reason


@dataclass(frozen=True)
class HotDeclined:
    def line(self) -> str:
        return "the hot pass declined: a quick build is needed"


Outcome = Built | LeftOut | Unchanged | Failed | HotDeclined
KINDS = {kind.__name__: kind for kind in (Built, LeftOut, Unchanged, Failed, HotDeclined)}


def failure_line(exc: BaseException) -> str | None:
    """The line for a build failure the archivist can fix (a layout, the config); None for any other
    exception (a bug: it is raised)."""
    import jinja2

    from ..model import InputError

    if isinstance(exc, jinja2.TemplateError):
        where = f"{exc.filename}:{exc.lineno}: " if getattr(exc, "filename", None) else ""
        return f"layout error: {where}{exc.message}"
    if isinstance(exc, InputError):
        return str(exc)
    return None


def to_json(outcome: Outcome) -> dict:
    """An outcome as plain data (serve's build child prints it as one JSON line)."""
    return {"kind": type(outcome).__name__, **outcome.__dict__}


def from_json(data: dict) -> Outcome:
    fields = dict(data)
    kind = KINDS[fields.pop("kind")]
    if "problems" in fields:
        fields["problems"] = tuple(tuple(p) for p in fields["problems"])
    if "changed" in fields:
        fields["changed"] = tuple(fields["changed"])
    return kind(**fields)
