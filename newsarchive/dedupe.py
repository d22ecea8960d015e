"""Same article, several raw files: fingerprints that tell exact and near duplicates.

Exact: the same raw bytes (SHA-256). Near: the same original URL, or the same
title (folded) with nearly the same text (character 4-gram Jaccard).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

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

    Bodies are kept as callables and shingled only when two titles collide, so the
    index of a large archive stays small.
    """

    by_sha: dict[str, str] = field(default_factory=dict)
    by_url: dict[str, str] = field(default_factory=dict)
    by_title: dict[str, list[tuple[str, object]]] = field(default_factory=dict)

    def add(self, key: str, sha: str, url: str | None, title: str, body) -> None:
        self.by_sha.setdefault(sha, key)
        if url:
            self.by_url.setdefault(url, key)
        self.by_title.setdefault(fold(title), []).append((key, body))

    def duplicate_of(self, key: str, sha: str, url: str | None, title: str, body: str) -> str | None:
        for other in (self.by_sha.get(sha), self.by_url.get(url) if url else None):
            if other and other != key:
                return other
        candidates = [c for c in self.by_title.get(fold(title), []) if c[0] != key]
        if candidates:
            mine = shingles(body)
            for other, theirs in candidates:
                text = theirs() if callable(theirs) else theirs
                if jaccard(mine, shingles(text)) >= NEAR_DUPLICATE:
                    return other
        return None
