"""Remove every element matching the given CSS selectors, with its content."""
from ..tree import elements, outermost


def run(root, doc, selectors=()) -> int:
    removed = 0
    for selector in selectors:
        for node in outermost(elements(root, selector)):
            if node.parent is not None:
                node.decompose()
                removed += 1
    return removed
