"""Shape (c): scraped plain text.

    Title on the first line
    【新唐人亞太台 2020 年 09 月 17 日訊】Body starts with a dateline ...
    more paragraphs, one per line
    相關新聞                      a trailing related-news list (removed by cleaning)
"""
from __future__ import annotations

import html
import re

from ..model import InputError, Parsed

FORMAT = "plain-text"
# 【<outlet> <yyyy> 年 <mm> 月 <dd> 日訊】 (spaces optional, 訊/讯/電/电).
DATELINE = re.compile(
    r"【\s*(?P<outlet>[^】\d]{1,30}?)\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*[訊讯電电]?\s*】"
)
# Lines a plain-text article needs at least: a title and one line of body.
MIN_LINES = 2


def sniff(text: str) -> bool:
    head = text[:2000]
    if "<" in head and re.search(r"<(html|body|div|p|head)\b", head, re.I):
        return False
    return len([ln for ln in head.split("\n") if ln.strip()]) >= MIN_LINES


def read(text: str) -> Parsed:
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    if len(lines) < MIN_LINES:
        raise InputError("plain text needs a title line and a body")
    title, body = lines[0], lines[1:]
    date = outlet = None
    m = DATELINE.search("\n".join(body[:3]))
    if m:
        outlet = m.group("outlet").strip()
        date = f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
    body_html = "".join(f"<p>{html.escape(ln, quote=False)}</p>\n" for ln in body)
    return Parsed(format=FORMAT, title=title, body_html=body_html, date=date, outlet_label=outlet)
