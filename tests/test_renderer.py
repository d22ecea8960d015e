"""The faster renderer (markdown-it.rs) is held to the reference (markdown-it-py): for every article
of the corpus and of the scale month, the HTML the build makes is byte for byte the reference's, and
the fast path renders almost all of them (a test that falls back everywhere would prove nothing)."""
from __future__ import annotations

import re

import pytest

from newsarchive import page, to_html

from .conftest import SHARED, ingest_into, require

# What only the reference renders, as one pattern (to_html.reference_only looks for its parts one by
# one, where each can be): a footnote, a backslash in an image's alt text, a line or paragraph
# separator, a Unicode space at a line's edge.
REFERENCE_ONLY = re.compile(rf"!\[[^\]\n]*\\|\[\^|[\u2028\u2029]|^[{to_html._SPACES}]|[{to_html._SPACES}]$", re.M)
# Bodies the fast path must render itself, at least (when this was written: 272 of the corpus's 277;
# 26 of 9 643 bodies of the scale month, the corpus and the seeds together fell back).
FAST_SHARE = 0.98


def _bodies(root) -> list[str]:
    return [page.split(p.read_text(encoding="utf-8"))[1] for p in sorted((root / "content").rglob("*.md"))]


@pytest.fixture(scope="module")
def scale_root(tmp_path_factory):
    require(SHARED / "scale", "the scale month (../shared/scale)")
    root = tmp_path_factory.mktemp("scale-render")
    ingest_into(root, [SHARED / "scale"])
    return root


def _held(bodies: list[str]) -> None:
    assert to_html._FAST is not None, "markdown-it-pyrs is a dependency"
    fast = [b for b in bodies if not to_html.reference_only(b)]
    assert len(fast) >= FAST_SHARE * len(bodies), (len(fast), len(bodies))
    assert all(to_html.reference_only(b) == bool(REFERENCE_ONLY.search(b)) for b in bodies)
    differing = [b[:80] for b in bodies if to_html.markdown_to_html(b) != to_html.reference_html(b)]
    assert differing == [], differing[:5]


def test_the_fast_renderer_is_byte_identical_on_the_corpus(corpus_run):
    root, _summary = corpus_run
    _held(_bodies(root))


def test_the_fast_renderer_is_byte_identical_on_the_scale_month(scale_root):
    bodies = _bodies(scale_root)
    assert len(bodies) > 9000
    _held(bodies)


def test_the_quick_look_for_what_only_the_reference_renders_is_the_pattern():
    """reference_only (the pattern's parts, each looked for where it can be) answers as the one
    pattern does, on every short string of the characters its branches turn on."""
    import itertools

    alphabet = ["!", "[", "]", "\\", "^", "\n", "\r", "\u2028", "\u2029", "\u00a0", "\u3000", "\u2005", "a", "中", " "]
    for n in range(5):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            assert to_html.reference_only(text) == bool(REFERENCE_ONLY.search(text)), repr(text)
