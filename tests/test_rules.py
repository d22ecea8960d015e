"""Every outlet rule's own test cases (rules/*.toml [[tests]]): snippet in -> must / must not contain."""
import re
from pathlib import Path

import pytest

from newsarchive import to_markdown
from newsarchive.clean import DocInfo, clean
from newsarchive.archive import DEFAULTS
from newsarchive.clean.rules import load_rule, load_rules
from newsarchive.ingest import clean_title
from newsarchive.model import InputError

from .conftest import run_cli

RULES = load_rules([DEFAULTS / "rules"])
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


# Rule files checked at every level: each bad file is one line naming the file, the line and the key.
GOOD = '''name = "Outlet"
lang = "zh-Hant"
timezone = "+08:00"

[match]
hosts = ["example.org"]

[[steps]]
use = "drop_elements"
selectors = [".ad"]

[[steps]]
use = "captions_to_figures"
containers = [{ block = ".pic", caption = ".cap" }]

[[tests]]
name = "a case"
html = "<p>x</p>"
'''
BAD = [
    ("top-level key", GOOD.replace('lang = "zh-Hant"', 'langs = "zh-Hant"'), 2, "`langs` is not a known key"),
    ("key in a table", GOOD.replace("hosts = ", "host = "), 6, "`match.host` is not a known key"),
    ("step parameter", GOOD.replace('selectors = [".ad"]', 'selector = [".ad"]'), 10, "`steps.0.selector` is not a known key"),
    ("step parameter type", GOOD.replace('selectors = [".ad"]', 'selectors = ".ad"'), 10, "`steps.0.selectors` must be a list of strings"),
    ("nested table key", GOOD.replace("caption = ", "captions = "), 14, "`steps.1.containers.0.captions` is not a known key"),
    ("unknown step", GOOD.replace('use = "drop_elements"', 'use = "drop_everything"'), 9, "unknown step 'drop_everything'"),
    ("test case key", GOOD.replace('name = "a case"', 'nmae = "a case"'), 17, "`tests.0.nmae` is not a known key"),
    ("timezone", GOOD.replace('"+08:00"', '"Asia/Taipei"'), 3, "`timezone` must be a UTC offset"),
    ("regular expression", GOOD.replace("[match]", '[title]\nsuffixes = ["(unclosed"]\n\n[match]'), 6, "bad regular expression"),
    ("type of a top-level key", GOOD.replace('name = "Outlet"', "name = 3"), 1, "`name` must be a string"),
]


def test_a_good_rule_file_loads(tmp_path):
    path = tmp_path / "outlet.toml"
    path.write_text(GOOD, encoding="utf-8")
    rule = load_rule(path)
    assert rule.timezone == "+08:00" and [use for use, _ in rule.steps] == ["drop_elements", "captions_to_figures"]


@pytest.mark.parametrize("label,text,line,why", BAD, ids=[b[0] for b in BAD])
def test_a_bad_rule_file_is_one_line_naming_file_line_and_key(tmp_path, label, text, line, why):
    path = tmp_path / "outlet.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rule(path)
    message = str(caught.value)
    assert message.startswith(f"rule outlet.toml:{line}: ") and why in message and "\n" not in message


def test_a_bad_rule_file_stops_the_cli_with_one_line(tmp_path):
    root = tmp_path / "archive"
    (root / "rules").mkdir(parents=True)
    (root / "rules" / "mine.toml").write_text(GOOD.replace("hosts = ", "host = "), encoding="utf-8")
    result = run_cli("--root", str(root), "ingest")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "newsarchive: rule mine.toml:6: `match.host` is not a known key " \
                                    "(known: hosts, labels, page_selectors, urls)"


def test_every_step_declares_its_parameters():
    """The generic chain's own parameters fit the steps' declarations, as a rule file's must."""
    from newsarchive.clean import chain, rulefile
    from newsarchive.clean.steps import PARAMS

    for name, params in chain.BEFORE_RULES + chain.AFTER_RULES:
        spec = {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}
        rulefile.check({"name": "chain", "steps": [{"use": name, **spec}]})
        assert set(params) <= set(rulefile.params_spec(PARAMS[name]))


def test_a_time_without_a_zone_takes_the_outlet_timezone():
    from newsarchive.readers import dates

    assert dates.normalise("2020-09-17 14:56:20") == "2020-09-17T14:56:20"
    assert dates.settle(dates.normalise("2020-09-17 14:56:20"), "+08:00") == "2020-09-17T14:56:20+08:00"
    assert dates.settle("2020-09-17T14:56:20", None) == "2020-09-17"  # no zone known: never an invented instant
    assert dates.settle("2020-09-17T06:56:20+00:00", "+08:00") == "2020-09-17T06:56:20+00:00"


def test_an_outlets_time_without_a_zone_is_dated_in_its_timezone():
    """A raw file whose time has no offset: the outlet rule's `timezone` places it (中央社: +08:00);
    an outlet no rule knows keeps only the day."""
    from newsarchive import archive as arc
    from newsarchive.clean.rules import for_archive
    from newsarchive.ingest import article_from_raw
    from newsarchive.model import RawFile

    from .conftest import SEEDS

    rules = for_archive(arc.Archive(Path("/nonexistent")))
    text = (SEEDS / "000_bf67578e0c1fd6cd.txt").read_text(encoding="utf-8")
    naive = re.sub(r"^date: .*$", "date: 2020-09-17 14:56:20", text, count=1, flags=re.M)
    naive = re.sub(r"^<!--\d+-->$", "", naive, count=1, flags=re.M)  # the bot's epoch would win
    data = naive.encode("utf-8")
    article = article_from_raw(RawFile("sources/x.txt", data, arc.sha256(data)), rules)
    assert article.outlet == "中央社" and article.date == "2020-09-17T14:56:20+08:00"
    unknown = re.sub(r"^(author|from): .*$", r"\1: ", naive, flags=re.M).encode("utf-8")
    article = article_from_raw(RawFile("sources/y.txt", unknown, arc.sha256(unknown)), rules)
    assert article.date == "2020-09-17"
