"""Remove the smallest block that contains one of the given boilerplate phrases.

For footers like '获取更多RSS：…' or 'The post … first appeared on …' that carry
no telling class. The block is removed only when the phrase is a large part of it
(a short boilerplate block), never a long paragraph quoting the phrase.
"""
from dataclasses import dataclass

from ..tree import BLOCK_TAGS, squash, text_of


@dataclass(frozen=True)
class Params:
    phrases: tuple[str, ...] = ()
    """Phrases whose short block is removed."""


# A block is boilerplate when it is at most this many times longer than the phrase...
MAX_BLOCK_TO_PHRASE = 4
# ...or, for a phrase distinctive enough (this many characters or more), when the block is
# short (a footer line with a link): a short real paragraph never holds such a phrase.
DISTINCTIVE_PHRASE = 6
SHORT_BLOCK = 160
# A block that opens with a distinctive phrase is boilerplate up to this size (an appeal with
# its row of social links).
OPENING_BLOCK = 500


def _block_of(node):
    while node is not None and node.tag not in BLOCK_TAGS:
        node = node.parent
    return node


def _occurrence(root, phrase: str, index: int):
    """The index-th text node holding phrase, found afresh (removals invalidate earlier walks)."""
    seen = 0
    for node in root.traverse(include_text=True):
        if node.is_text_node and phrase in (node.text_content or ""):
            if seen == index:
                return node
            seen += 1
    return None


def _is_boilerplate(text: str, phrase: str) -> bool:
    size = len(text)
    opens = text.lstrip(" （(*「『\"'").startswith(phrase)
    return size <= len(phrase) * MAX_BLOCK_TO_PHRASE or (len(phrase) >= DISTINCTIVE_PHRASE and (
        size <= SHORT_BLOCK or (opens and size <= OPENING_BLOCK)))


def run(root, doc, phrases=()) -> int:
    removed = 0
    whole = root.text(deep=True)
    for phrase in (p for p in phrases if p in whole):
        index = 0
        while (node := _occurrence(root, phrase, index)) is not None:
            block = _block_of(node.parent)
            if block is not None and block.parent is not None and block.tag not in ("body", "html") \
                    and _is_boilerplate(text_of(block), phrase):
                block.decompose()
            elif len(squash(node.text_content or "")) <= len(phrase) * MAX_BLOCK_TO_PHRASE:
                node.decompose()  # a stray line of its own inside a bigger block ("Array" in the article div)
            else:
                index += 1  # real prose quoting the phrase: keep it, look at the next one
                continue
            removed += 1
    return removed
