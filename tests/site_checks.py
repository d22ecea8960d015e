"""What every built site must be, whatever its content: each page ingest wrote published (none left
out), the feeds and the sitemap well-formed XML, each article's JSON-LD valid JSON, no script from
page text."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser


def assert_published_and_well_formed(root: Path) -> None:
    site = root / "site"
    published = {p.name for p in (site / "articles").rglob("*.html")}
    assert {p.with_suffix(".html").name for p in (root / "content").rglob("*.md")} == published
    for xml in [site / "sitemap.xml", *site.rglob("feed.xml")]:
        ET.parse(xml)
    for page in (site / "articles").rglob("*.html"):
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        scripts = tree.css("script")
        assert [s.attributes.get("type") for s in scripts if not s.attributes.get("src")] == ["application/ld+json"]
        json.loads(scripts[0].text())
        assert tree.css_first("article") is not None


def netlify_headers(site: Path) -> dict[str, dict[str, str]]:
    """site/_headers read as Netlify reads it: a path line, then its `  Name: value` lines."""
    out: dict[str, dict[str, str]] = {}
    current = None
    for line in (site / "_headers").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "\t", "#")):
            current = out.setdefault(line.strip(), {})
        elif line.strip() and current is not None:
            name, _, value = line.strip().partition(":")
            current[name.strip()] = value.strip()
    return out
