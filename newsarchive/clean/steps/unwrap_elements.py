"""Replace matching elements by their content (keep the text, drop the wrapper/link)."""
from ..tree import elements


def run(root, doc, selectors=()) -> int:
    changed = 0
    for selector in selectors:
        for node in elements(root, selector):
            if node.parent is not None:
                node.unwrap()
                changed += 1
    return changed
