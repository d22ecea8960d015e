"""Every outlet rule's own test cases (rules/*.toml [[tests]]): snippet in -> must / must not contain."""
from pathlib import Path

import pytest

from newsarchive import to_markdown
from newsarchive.clean import DocInfo, clean
from newsarchive.clean.rules import load_rules
from newsarchive.ingest import clean_title

RULES = load_rules([Path(__file__).resolve().parent.parent / "rules"])
CASES = [(rule, case) for rule in RULES.rules for case in rule.tests]


def test_every_rule_carries_tests():
    assert RULES.rules, "no rules found"
    missing = [rule.id for rule in RULES.rules if not rule.tests]
    assert not missing, f"rules without test cases: {missing}"


@pytest.mark.parametrize("rule,case", CASES, ids=[f"{r.id}: {c.name}" for r, c in CASES])
def test_rule_case(rule, case):
    title = clean_title(case.title, rule, None) if case.title else ""
    if case.expect_title:
        assert title == case.expect_title
    html, _report = clean(case.html, DocInfo(title=title, base_url=None), rule)
    markdown = to_markdown.convert(html)
    for text in case.contains:
        assert text in markdown, f"{text!r} missing from:\n{markdown}"
    for text in case.absent:
        assert text not in markdown, f"{text!r} still in:\n{markdown}"
