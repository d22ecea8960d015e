"""Property tests (hypothesis) over the whole pipeline: raw files of random bytes, and front-matter
files with random keys and values (any Unicode, control and non-characters, numbers, lists,
mappings, markup that breaks HTML, JSON or XML), ingested then built. Whatever they hold: no
exception escapes (the command line would show a traceback), every file has one outcome, and every
page ingest accepted is published in a well-formed site."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive import archive as arc
from newsarchive import builder, ingest
from newsarchive.builder.outcome import Built
from newsarchive.clean.rules import for_archive

from .site_checks import assert_published_and_well_formed

# Front-matter keys the readers look at, and some they do not.
KEYS = ["title", "date", "last_updated", "author", "authors", "category", "tags", "url", "original_url",
        "source", "outlet", "lang", "summary", "layout", "description", "image", "x-other"]
# What breaks outputs when copied into them unescaped: script data states, XML, JSON, YAML, dates.
TRICKY = ["<!--<script>", "</script><script>alert(1)</script>", "\x1b[31m", "\ufffe\uffff", "]]>", "&amp;&",
          "\u2028\u2029", "2020-13-45", "99999999999999", "-1", "0000-00-00", "1970-01-01T00:00:00Z", "yes",
          "null", "~", "*anchor", "&anchor x", "!!python/object:os.system", "'", '"', "{", "[", "- a",
          "javascript:alert(1)", "https://example.org/a?utm_source=x#y", "http://[::1", "\ud7ff\ue000"]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
SCALARS = st.one_of(TEXT, st.sampled_from(TRICKY), st.integers(), st.floats(), st.booleans(), st.none())
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.sampled_from(KEYS), SCALARS, max_size=3))
BODY = st.lists(st.one_of(TEXT, st.sampled_from(TRICKY + ["\n\n", "# 標題\n", "<p>段落</p>", "```\n", "> 引文\n",
                                                        "![](https://img.example/a.jpg)", "| a | b |\n|---|---|\n"])),
                max_size=12).map("".join)


# Enough article text that a file is an article: what the random parts are put among.
PARAGRAPHS = ["立法會今日三讀通過修訂條例，多名議員在辯論中提出對私隱保障的憂慮，政府回應會檢討執行細節。",
              "The council voted on Tuesday to extend the archive's opening hours after a long public consultation.",
              "记者从有关部门获悉，今年前三季度全市共接待游客两千余万人次，同比增长百分之十二。"]


@st.composite
def front_matter_file(draw) -> bytes:
    data = {"title": draw(st.one_of(TEXT.filter(str.strip), SCALARS)), "date": draw(st.one_of(SCALARS, st.dates()))}
    data.update(draw(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6)))
    if draw(st.booleans()):  # as a YAML library writes it
        front = yaml.safe_dump({k: str(v) if hasattr(v, "isoformat") else v for k, v in data.items()},
                               allow_unicode=draw(st.booleans()))
    else:  # as a careless script writes it: `key: value`, whatever the value holds
        front = "".join(f"{key}: {value}\n" for key, value in data.items())
    body = "\n\n".join(f"{draw(BODY)}{paragraph}{draw(BODY)}" for paragraph in PARAGRAPHS)
    text = f"---\n{front}---\n\n{body}"
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "gb18030", "big5"]))
    return text.encode(encoding, errors="ignore")


RAW_FILES = st.lists(st.tuples(st.sampled_from([".md", ".txt", ".html", ""]),
                               st.one_of(st.binary(max_size=3000), front_matter_file(), front_matter_file())), min_size=1, max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(RAW_FILES)
def test_ingest_then_build_never_raises_and_publishes_what_it_accepted(files):
    with tempfile.TemporaryDirectory() as tmp:
        incoming = Path(tmp) / "incoming"
        incoming.mkdir()
        for n, (suffix, data) in enumerate(files):
            (incoming / f"file-{n}{suffix}").write_bytes(data)
        archive = arc.Archive(Path(tmp) / "archive")
        summary = ingest.run(archive, [incoming], for_archive(archive), warn=lambda msg: None)
        handled = (summary.ingested, summary.duplicates, summary.skipped, summary.failed)
        assert sum(map(len, handled)) == len(files)
        outcome = builder.build(archive, search=False)
        assert isinstance(outcome, Built), outcome
        assert outcome.articles == len(summary.ingested)
        assert_published_and_well_formed(archive.root)
        shutil.rmtree(archive.root)
