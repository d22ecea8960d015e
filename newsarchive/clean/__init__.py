"""Cleaning: raw body HTML -> clean, sanitised HTML, and a record of what was removed.

    clean(html, doc, rule) runs BEFORE_RULES, the rule's steps, AFTER_RULES
    (see chain.py), then the nh3 allowlist.
"""
from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from ..model import CleanReport
from .chain import AFTER_RULES, BEFORE_RULES, KEEP_ALL  # noqa: F401 - KEEP_ALL: for callers
from .rules import Rule
from ..sanitize import sanitize
from .steps import STEPS


@dataclass(frozen=True)
class DocInfo:
    """What steps may know about the document besides its tree."""

    title: str = ""
    base_url: str | None = None


def plan(rule: Rule | None) -> tuple[tuple[str, dict], ...]:
    return BEFORE_RULES + (rule.steps if rule else ()) + AFTER_RULES


def clean(html: str, doc: DocInfo, rule: Rule | None, steps=None) -> tuple[str, CleanReport]:
    """`steps`: another chain than the rule's plan (KEEP_ALL: an extractor's body kept whole)."""
    tree = LexborHTMLParser(html)
    root = tree.body
    if root is None:
        return "", CleanReport(rule=rule.id if rule else "generic")
    counts: dict[str, int] = {}
    for name, params in plan(rule) if steps is None else steps:
        changed = STEPS[name](root, doc, **params)
        if changed:
            counts[name] = counts.get(name, 0) + changed
    report = CleanReport(rule=rule.id if rule else "generic", counts=tuple(sorted(counts.items())))
    cleaned = root.inner_html or ""
    del root, tree  # the tree goes before the sanitiser builds its own (a 50 MB page)
    return sanitize(cleaned), report
