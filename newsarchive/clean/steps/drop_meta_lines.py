"""Remove short blocks that are nothing but a page's metadata: its date, source, author and editor
fields ("2019-09-26 12:11来源：证券时报网作者：李在山", "发布日期：2019-03-06 责任编辑：龙慧"). The
front matter keeps what they say (ingest reads bylines before this step's result is final)."""
import re
from dataclasses import dataclass
from functools import lru_cache

from ..tree import BLOCK_TAGS, drop_where, squash


@dataclass(frozen=True)
class Params:
    labels: tuple[str, ...] = ()
    """Field labels, each followed by a colon and its value."""


# A block longer than this (characters) is text, never a line of fields.
MAX_META_LINE = 100
# Longest value a field may have.
MAX_VALUE = 30
_COLON = re.compile("[：:|｜]")  # no field without one (a cheap test before the tree is asked)
_STAMP = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?")


@lru_cache(maxsize=8)
def _fields(labels: tuple) -> tuple[re.Pattern, re.Pattern]:
    """(a whole line of fields, any field anywhere: the cheap test of a whole body first)."""
    label = "|".join(sorted((re.escape(x) for x in labels), key=len, reverse=True))
    field = rf"(?:{label})\s*[：:|｜]\s*(?:(?!(?:{label})\s*[：:|｜]).){{0,{MAX_VALUE}}}?"
    return re.compile(rf"^(?:\s*{field}\s*)+$"), re.compile(rf"(?:{label})\s*[：:|｜]")


def _meta_line(node, fields: re.Pattern) -> bool:
    """A short block of fields alone: no block or picture inside it (css() includes the node itself)."""
    text = squash(node.text(deep=True))
    if not text or len(text) > MAX_META_LINE or not _COLON.search(text):
        return False
    if any(n.mem_id != node.mem_id for n in node.css("img, p, li, div")):
        return False
    rest = _STAMP.sub(" ", text).strip()
    return bool(rest) and bool(fields.match(rest))


def run(root, doc, labels=()) -> int:
    if not labels:
        return 0
    fields, anywhere = _fields(tuple(labels))
    if not anywhere.search(root.text(deep=True) or ""):
        return 0
    return drop_where(root, ",".join(sorted(BLOCK_TAGS - {"body", "html"})), lambda node: _meta_line(node, fields))
