"""Replace matching elements by their content (keep the text, drop the wrapper/link)."""
from dataclasses import dataclass

from ..tree import each_match


@dataclass(frozen=True)
class Params:
    selectors: tuple[str, ...] = ()
    """CSS selectors of the elements to replace by their content."""


def run(root, doc, selectors=()) -> int:
    return each_match(root, selectors, lambda node: node.unwrap())
