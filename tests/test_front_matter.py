"""The front matter reader's fast path (page._as_written) must read exactly what PyYAML reads."""

import re

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive import page
from newsarchive.clean.steps import STEPS
from newsarchive.model import Article, CleanReport

from .conftest import REPO

TEXT = st.text(min_size=1, max_size=40)
PLAIN = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), min_size=1, max_size=40)


def _front(text: str) -> str:
    return text[4:text.find("\n---\n", 3)]


def _yaml(front: str):
    try:
        return yaml.load(front, Loader=page._Loader)
    except yaml.YAMLError:
        return "YAML refuses it"


@st.composite
def articles(draw, text=TEXT):
    maybe = lambda s: draw(st.none() | s)  # noqa: E731
    # Step names are the registry's (a name YAML reads as a boolean, `no`, is never one).
    steps = draw(st.lists(st.tuples(st.sampled_from(sorted(STEPS)), st.integers(0, 10 ** 6)), max_size=4))
    return Article(title=draw(text), outlet=draw(text), lang=draw(st.sampled_from(["zh-Hant", "zh-Hans", "en"])),
                   body_md="body\n", source_file=draw(text), source_sha256="0" * 64, source_format="jekyll-feed",
                   date=maybe(text), authors=tuple(draw(st.lists(text, max_size=3))),
                   tags=tuple(draw(st.lists(text, max_size=3))), summary=maybe(text), source_url=maybe(text),
                   archive_url=maybe(text), cleaning=CleanReport(rule=draw(text), counts=tuple(dict(steps).items())))


@settings(max_examples=400, deadline=None)
@given(articles())
def test_pages_as_written_read_as_yaml_reads_them(article):
    front = _front(page.render(article))
    fast = page._as_written(front)
    assert fast is None or fast == _yaml(front)


@settings(max_examples=200, deadline=None)
@given(articles(PLAIN))
def test_ordinary_pages_take_the_fast_path(article):
    front = _front(page.render(article))
    assert page._as_written(front) == _yaml(front)


@settings(max_examples=400, deadline=None)
@given(articles(), st.data())
def test_hand_edited_lines_go_to_yaml_or_read_the_same(article, data):
    """A curator's edit in another YAML style: the fast path declines it or agrees with PyYAML."""
    lines = _front(page.render(article)).split("\n")
    at = data.draw(st.integers(0, len(lines)))
    edit = data.draw(st.sampled_from(["title: plain words", "tags:", "- \"x\"", "  - \"y\"", "on: 1", "n: 010",
                                      "title: 'single'", "  extra: \"\\x41\"", "date: 2020-09-01", "", "   odd: 1",
                                      "title: \"a\" # note", "yes:", "key: ~", "steps: \"\\ud83d\\ude00\""]))
    front = "\n".join(lines[:at] + [edit] + lines[at:])
    fast = page._as_written(front)
    assert fast is None or fast == _yaml(front)


# A written line's pattern as first spelled, a string one character (or escape) at a time: the
# language page._WRITTEN_LINE must match, with the same groups.
_PER_CHARACTER = re.compile(r'( *)(?:([A-Za-z_][A-Za-z0-9_]*):(?: ("(?:[^"\\\n]|\\.)*"|0|[1-9][0-9]{0,17}))?'
                            r'|- ("(?:[^"\\\n]|\\.)*"))')
_LINE_PARTS = st.text(st.sampled_from('"\\\n a-:01x_\u00e9\u4e2d'), max_size=14)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(["", "  ", "key: ", "- ", "    k_1: ", "key: \"", "- \"a\\"]), _LINE_PARTS)
def test_a_line_is_matched_as_the_per_character_pattern_matches_it(start, rest):
    line = start + rest
    fast, reference = page._WRITTEN_LINE.fullmatch(line), _PER_CHARACTER.fullmatch(line)
    assert (fast and fast.groups()) == (reference and reference.groups())


def test_every_bundled_page_takes_the_fast_path_and_reads_the_same():
    pages = sorted((REPO / "content").rglob("*.md"))
    assert pages
    for path in pages:
        front = _front(path.read_text(encoding="utf-8"))
        assert page._as_written(front) == yaml.load(front, Loader=page._Loader), path


def test_the_readme_table_is_the_declared_schema():
    """The README's table of front-matter keys is made from fields.FIELDS, and says all of it."""
    from newsarchive.fields import markdown_table

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- front-matter-fields: generated from newsarchive/fields.py -->\n")
    table = readme[readme.index("\n", start) + 1:readme.index("\n<!-- end front-matter-fields -->")]
    assert table == markdown_table()


def test_pages_are_written_and_checked_by_the_declared_fields(seed_root):
    """Each seed page holds its keys in the declared order, every required one among them; the
    checker knows every kind of key but the cleaning record's (ours, not the schema's)."""
    from newsarchive import schema
    from newsarchive.fields import FIELDS

    order = [f.key for f in FIELDS]
    for path in sorted((seed_root / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        keys, mapping = [], ""
        for line in text[4:text.index("\n---\n")].split("\n"):
            name = line.strip().split(":")[0]
            if not line.startswith(" "):
                mapping = name
                keys.append(name)
            elif line.startswith("  ") and not line.startswith(("    ", "  -")):
                keys.append(f"{mapping}.{name}")
        written = [k for k in keys if k in order]
        assert written == sorted(written, key=order.index)
        assert {f.key for f in FIELDS if f.required == "yes"} <= set(written)
        assert set(keys) - set(order) <= {"source", "cleaning"}
    assert {f.kind for f in FIELDS} - set(schema.CHECKS) == {"rule", "counts", "checksum"}
