"""Same article, several raw files: fingerprints that tell exact and near duplicates.

Exact: the same raw bytes (SHA-256). Near: the same original URL with the same text (folded), or
the same title (folded) with nearly the same text (character 4-gram Jaccard). The same original URL
with other text is no duplicate but a later version of the article (version_of).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .parsed import Body

# Shingle length in characters: CJK words are 1-4 characters.
SHINGLE = 4
# Jaccard similarity of shingle sets above which two texts are one article.
NEAR_DUPLICATE = 0.8
_NOISE = re.compile(r"[\W_]+", re.U)
_LINK = re.compile(r"\]\([^)]*\)|<[^>]+>|https?://\S+")


def fold(text: str) -> str:
    return _NOISE.sub("", _LINK.sub("", text)).lower()


def shingles(text: str) -> frozenset[str]:
    t = fold(text)
    return frozenset(t[i:i + SHINGLE] for i in range(max(len(t) - SHINGLE + 1, 1)))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class Index:
    """What the archive already holds: raw hash, URL and folded title -> content key (source.file).

    Bodies (parsed.Body: a page's is read from its file when first asked) are compared only when two
    URLs or titles meet, and shingled only when two titles do, so the index of a large archive
    stays small.
    """

    by_sha: dict[str, str] = field(default_factory=dict)
    by_url: dict[str, list[tuple[str, Body]]] = field(default_factory=dict)  # every capture, first first
    by_title: dict[str, list[tuple[str, Body]]] = field(default_factory=dict)

    def add(self, key: str, sha: str, url: str | None, title: str, body: Body) -> None:
        self.by_sha.setdefault(sha, key)
        if url:
            self.by_url.setdefault(url, []).append((key, body))
        self.by_title.setdefault(fold(title), []).append((key, body))

    def duplicate_of(self, key: str, sha: str, url: str | None, title: str, body: str) -> str | None:
        """The article this file repeats: the same bytes, a capture of its URL with the same text, or
        its title with nearly the same text."""
        other = self.by_sha.get(sha)
        if other and other != key:
            return other
        mine = fold(body)
        captures = self.by_url.get(url, []) if url else []
        for other, theirs in captures:
            if other != key and fold(theirs.text) == mine:
                return other
        # (a capture of the same URL whose text differs, however little, is a version: not compared here)
        same_url = {other for other, _body in captures}
        candidates = [c for c in self.by_title.get(fold(title), []) if c[0] != key and c[0] not in same_url]
        if candidates:
            mine = shingles(body)
            for other, theirs in candidates:
                if jaccard(mine, shingles(theirs.text)) >= NEAR_DUPLICATE:
                    return other
        return None

    def version_of(self, key: str, url: str | None) -> str | None:
        """The first capture of an article at this URL (with other text: duplicate_of said no), which
        this file is a later version of; None when the URL is new."""
        captures = [k for k, _body in self.by_url.get(url, [])] if url else []
        return next((k for k in captures if k != key), None)
