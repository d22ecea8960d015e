"""Source HTML is hostile: nothing executable survives; the real paragraphs around it do."""
import re

from .conftest import ingest_into, pages

HOSTILE = '''---
title: "Hostile"
date: 2020-01-01T00:00:00Z
author: Someone
from: https://example.org/a?utm_source=x&id=3
---
<div><p>Real paragraph one with <a href="javascript:alert(1)">a bad link</a> and <a href="https://ok.org/?fbclid=zz">a good one</a>.</p>
<script>alert(1)</script><iframe src="javascript:alert(3)"></iframe><object data="x.swf"></object><embed src="x">
<p onclick="alert(1)" style="background:url(javascript:alert(1))">Real paragraph two.</p>
<svg><script>alert(2)</script></svg><meta http-equiv="refresh" content="0;url=https://evil.org">
<form action="https://evil.org"><input name=a><button>Go</button></form>
<img src="data:text/html,<script>alert(1)</script>"><a href="data:text/html,hi">data link</a>
<p>Real &lt;script&gt;alert(4)&lt;/script&gt; paragraph three, quoting markup as text.</p></div>
'''
VECTORS = re.compile(r"(?<!\\)<(?:script|iframe|object|embed|svg|form|meta|input)|on\w+=|javascript:|data:text|"
                     r"http-equiv|evil\.org", re.I)


def test_hostile_markup_is_gone_and_paragraphs_stay(tmp_path):
    raw = tmp_path / "in" / "hostile.md"
    raw.parent.mkdir()
    raw.write_text(HOSTILE, encoding="utf-8")
    root = tmp_path / "a"
    summary = ingest_into(root, [raw])
    assert not summary.failed
    ((front, body),) = pages(root).values()
    assert not VECTORS.search(body), body
    assert "Real paragraph one with a bad link and [a good one](https://ok.org/)." in body
    assert "Real paragraph two." in body
    # Markup quoted as text stays text, escaped so CommonMark never reads it as HTML.
    assert "Real \\<script>alert(4)\\</script> paragraph three" in body
    assert front["source"]["url"] == "https://example.org/a?id=3"


def test_deeply_nested_page_ingests(tmp_path):
    depth = 20_000
    html = ("<html><head><title>Deep - Test Site</title></head><body><article>" + "<div>" * depth
            + "<p>Deep paragraph text that should survive the nesting of many divs.</p>" + "</div>" * depth
            + "<p>Second paragraph of the deep article.</p></article></body></html>")
    raw = tmp_path / "in" / "deep.html"
    raw.parent.mkdir()
    raw.write_text(html, encoding="utf-8")
    root = tmp_path / "a"
    summary = ingest_into(root, [raw])
    assert not summary.failed, summary.failed
    ((front, body),) = pages(root).values()
    assert front["title"] == "Deep" and front["outlet"] == "Test Site"
    assert body == ("Deep paragraph text that should survive the nesting of many divs.\n\n"
                    "Second paragraph of the deep article.\n")
