"""Shape (a): Jekyll posts written by the RSS-archiving bot.

    ---
    title / date / author (the bot's outlet label) / from (original URL) / tags / categories
    ---
    <!--1600325780000-->          optional: the publication instant, epoch milliseconds
    [Title](https://...)          a link repeating the title
    ------
    <raw feed HTML>

Variants without the epoch line carry a whole prettified page as the body. Any other front-matter
post is read the same way; a body with no tag at all is Markdown (as Jekyll reads a post).
"""
from __future__ import annotations

import re

from .. import urls
from ..model import Parsed
from . import dates, frontmatter, markdown_body

FORMAT = "jekyll-feed"
_EPOCH = re.compile(r"^\s*<!--\s*(\d{10,14})\s*-->\s*$", re.M)
_RULE_LINE = re.compile(r"^-{3,}\s*$", re.M)


def sniff(text: str) -> bool:
    """Any front matter + body that is not a Wayback export (tried first) is a Jekyll post."""
    return frontmatter.has_front_matter(text)


def _body_and_epoch(body: str) -> tuple[str, int | None]:
    epoch = None
    m = _EPOCH.match(body) or _EPOCH.match(body.lstrip("\n"))
    if m:
        epoch = int(m.group(1))
        body = body.lstrip("\n")[m.end():]
    # The link line repeating the title, then a '------' line, precede the HTML.
    head = body[:2000]
    rule = _RULE_LINE.search(head)
    if rule and re.match(r"^\s*\[.*\]\(.*\)\s*$", head[:rule.start()], re.S):
        body = body[rule.end():]
    return body, epoch


def read(text: str) -> Parsed:
    fm_text, body = frontmatter.split(text)
    fm = frontmatter.parse(fm_text)
    body, epoch = _body_and_epoch(body)
    body = markdown_body.as_html(body)
    label = frontmatter.text_field(fm, "author")
    notes = []
    date = dates.from_epoch_ms(epoch if len(str(epoch)) == 13 else epoch * 1000) if epoch else None
    if epoch and date is None:
        notes.append(f"the epoch line {epoch} is no date; the front matter's date is taken")
    date = date or dates.normalise(frontmatter.text_field(fm, "date"))
    url = frontmatter.text_field(fm, "from") or frontmatter.text_field(fm, "url")
    url, note = urls.provenance(url)
    notes += [note] if note else []
    # The bot copies its outlet label into tags/categories: that is not a tag.
    bot_labels = {label, *frontmatter.list_field(fm, "categories")}
    tags = tuple(t for t in frontmatter.list_field(fm, "tags") if t not in bot_labels)
    return Parsed(format=FORMAT, title=frontmatter.text_field(fm, "title") or "", body_html=body, date=date,
                  outlet_label=label, url=url, tags=tags, base_url=url, notes=tuple(notes))
