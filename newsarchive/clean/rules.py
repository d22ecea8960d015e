"""Outlet rules: data, not code. One TOML file per outlet in `rules/`.

A rule says how to recognise the outlet and which named cleaning steps to run
with which parameters; it carries its own test cases. The schema below is the
whole vocabulary a rule file may use.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..model import InputError
from . import rulefile


@dataclass(frozen=True)
class RuleTest:
    """One test case: a body snippet in; text that must and must not survive."""

    name: str
    html: str
    contains: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    title: str = ""
    expect_title: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    """The file's stem, recorded in each page's cleaning record."""
    name: str
    """The outlet's canonical display name (front matter `outlet`)."""
    lang: str | None = None
    """Default language (BCP 47), used when the text alone cannot tell."""
    timezone: str | None = None
    """The outlet's UTC offset (`+08:00`), for dates that give a time but no zone."""
    hosts: tuple[str, ...] = ()
    """URL hosts this rule applies to; a host matches itself and its subdomains."""
    urls: tuple[str, ...] = ()
    """Regular expressions on the article URL, for outlets that share a host (bbc.com/zhongwen/)."""
    page_selectors: tuple[str, ...] = ()
    """CSS selectors that mark a whole saved page as this outlet's (or CMS's) when its URL is unknown."""
    labels: tuple[str, ...] = ()
    """Outlet labels as sources spell them (the bot's `author`, a dateline, og:site_name)."""
    title_suffixes: tuple[str, ...] = ()
    """Regular expressions cut from the end of titles (e.g. ` – 法国国际广播电台 - RFI`)."""
    title_prefixes: tuple[str, ...] = ()
    """Regular expressions cut from the start of titles (e.g. a `[政治] ` section tag)."""
    datelines: tuple[str, ...] = ()
    """Regular expressions with groups y, m, d that find the date in the body text."""
    article: tuple[str, ...] = ()
    """CSS selectors of the article inside a whole saved page, tried in order (else the generic extractor)."""
    steps: tuple[tuple[str, dict], ...] = ()
    """Named cleaning steps with parameters, run before the generic chain."""
    tests: tuple[RuleTest, ...] = field(default=(), compare=False)
    """The rule's own test cases, run by the test suite."""
    path: str = ""


def _strings(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _fail(path: Path, why: str, line: int | None = None):
    raise InputError(f"rule {path.name}{f':{line}' if line else ''}: {why}")


def load_rule(path: Path) -> Rule:
    """A rule file, checked at every level (rulefile.py) before the rule is made."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        _fail(path, f"not valid TOML ({exc})")
    except OSError as exc:
        _fail(path, f"unreadable ({exc.strerror})")
    try:
        rulefile.check(data)
    except rulefile.RuleFileError as exc:
        _fail(path, exc.why, rulefile.line_of(text, exc.where))
    steps = tuple((spec["use"], {k: v for k, v in spec.items() if k != "use"}) for spec in data.get("steps", []))
    match, title = data.get("match", {}), data.get("title", {})
    tests = tuple(RuleTest(name=t.get("name", f"case {i}"), html=t["html"], contains=tuple(t.get("contains", ())),
                           absent=tuple(t.get("absent", ())), title=t.get("title", ""),
                           expect_title=t.get("expect_title", ""))
                  for i, t in enumerate(data.get("tests", []), 1))
    return Rule(id=path.stem, name=data["name"], lang=data.get("lang"), timezone=data.get("timezone"),
                hosts=tuple(h.lower() for h in match.get("hosts", ())), labels=tuple(match.get("labels", ())),
                urls=tuple(match.get("urls", ())), page_selectors=tuple(match.get("page_selectors", ())),
                title_suffixes=tuple(title.get("suffixes", ())), title_prefixes=tuple(title.get("prefixes", ())),
                datelines=tuple(data.get("datelines", ())), article=_strings(data.get("article")),
                steps=steps, tests=tests, path=str(path))


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]

    def find(self, url: str | None, label: str | None, page=None) -> Rule | None:
        """The rule for an article: by the source's outlet label, else its URL, else (a whole
        page, `page` a parsed tree) a selector only that outlet's pages have."""
        from ..urls import host as host_of

        host = host_of(url)
        for rule in self.rules:
            if label and label in rule.labels:
                return rule
        for rule in self.rules:
            if any(host == h or host.endswith("." + h) for h in rule.hosts):
                return rule
            if url and any(re.search(p, url) for p in rule.urls):
                return rule
        if page is not None:
            for rule in self.rules:
                if rule.page_selectors and any(page.css_first(sel) is not None for sel in rule.page_selectors):
                    return rule
        return None


def load_rules(directories: list[Path]) -> RuleBook:
    """Rules from each directory in turn; a rule id seen earlier wins (archive overrides project)."""
    seen: dict[str, Rule] = {}
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            if path.stem not in seen:
                seen[path.stem] = load_rule(path)
    return RuleBook(tuple(seen[k] for k in sorted(seen)))


def for_archive(archive) -> RuleBook:
    """An archive's rules: its own `rules/` first, then the packaged defaults."""
    return load_rules(list(archive.rule_dirs))
