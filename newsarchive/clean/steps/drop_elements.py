"""Remove every element matching the given CSS selectors, with its content."""
from dataclasses import dataclass

from ..tree import each_match, outermost


@dataclass(frozen=True)
class Params:
    selectors: tuple[str, ...] = ()
    """CSS selectors of the elements to remove, with their content."""


def run(root, doc, selectors=()) -> int:
    return each_match(root, selectors, lambda node: node.decompose(), pick=outermost)
