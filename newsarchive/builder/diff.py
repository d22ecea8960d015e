"""What changed between two versions of an article: sentence by sentence, and inside a changed
sentence character by character (Chinese has no spaces between words: a word diff would mark whole
sentences). difflib does the comparing; the sentence split and the markup are ours."""
from __future__ import annotations

import html
import re
from difflib import SequenceMatcher

# A sentence: up to and including its end mark (Chinese and Latin), or a line.
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*|\n")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _inline(old: str, new: str) -> str:
    """One changed sentence, with what left struck and what came marked, character by character."""
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(html.escape(old[i1:i2]))
            continue
        if i2 > i1:
            out.append(f"<del>{html.escape(old[i1:i2])}</del>")
        if j2 > j1:
            out.append(f"<ins>{html.escape(new[j1:j2])}</ins>")
    return "".join(out)


def changes(old_text: str, new_text: str) -> list[str]:
    """Each changed sentence as HTML (escaped text with <del>/<ins>); [] when the texts say the same."""
    a, b = sentences(old_text), sentences(new_text)
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            out += [_inline(x, y) for x, y in zip(a[i1:i2], b[j1:j2])]
            continue
        out += [f"<del>{html.escape(x)}</del>" for x in a[i1:i2]]
        out += [f"<ins>{html.escape(y)}</ins>" for y in b[j1:j2]]
    return out
