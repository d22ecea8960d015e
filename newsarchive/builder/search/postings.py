"""The search index: posting lists of the folded text's tokens, cut into shards the page loads as
classic scripts (so the same files answer over HTTP and from file://).

Written here rather than handed to Pagefind (the earlier engine): Pagefind cannot split Chinese nor
fold Traditional to Simplified, so we were already making its words ourselves - and it then spent
~9 ms an article indexing them and its browser client merged one bundle per 1 200 articles at every
query. The posting lists are plain arrays: numpy makes them from the texts at once, and a query reads
only the shards its tokens hash to.

Tokens of a normalized text (tokens.normalize: items a space apart) in order, numbered from 0 in each
article: a CJK run of two characters or more is its first character, its overlapping bigrams and its
last character (the framing lets a phrase start or end at a run's edge: `香港 2020` is 香港, 港, 2020
at consecutive positions, and only a run's last character follows its last bigram); a one-character
run is that character; a Latin word is the word. Keys (numbers the page computes alike, or reads):

    CJK character c            c
    CJK bigram ab              a << 21 | b
    Latin word                 LATIN_BASE + word_number(word) (a 50-bit hash: no numbering to keep)

`block(texts, layout)` indexes one segment of the archive (store.py keeps each segment's block and
puts the blocks together), articles numbered from 0 within it. Its parts:

    ix/<k>       index shard k of layout.shards: varints (LEB128): the term count, the keys (each the
                 difference from the one before), each term's byte length, then each term's posting:
                 its article count, the article numbers (differences), then per article its
                 positions: 2 x p for the one position p, or 2 x n + 1 and the n positions
                 (differences). Shard of a key: keys_shard.
    c/<k>        which articles hold a CJK character anywhere (one-character queries): the same layout
                 with no positions; shard c % layout.char_shards.
    words        the Latin words, for the lists a one-word query expands through (word_file: filed by
                 their first characters, which tokens.stem keeps).
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field

import numpy as np

from . import tokens
from ..distinct import distinct

# Keys at and above this are Latin words (CJK keys stay below 2^40: a bigram is two 21-bit code points);
# a word's number has WORD_BITS, so every key stays below 2^51: exact as a JavaScript number, and a
# shard number (below 2^12) fits above it in one 64-bit sort key. Two words share a number with odds
# ~n^2 / 2^51 (a hundred thousand distinct words: 1 in 225 000; a million: 1 in 2 250).
LATIN_BASE = 1 << 42
WORD_BITS = 50
_KEY_BITS = 51
_CODE_BITS = 21
_NEWLINE, _SPACE = 10, 32
# The shard of a CJK key mixes its two characters (ab % S alone would be b's low bits: every bigram
# ending in 的 in one shard).
_MIX = 7919
# Articles per index shard (the shard count is the next power of two, within the bounds): a query's
# shard stays a few hundred kilobytes at any archive size, and there are few files for a small one.
ARTICLES_PER_SHARD = 48
MIN_SHARDS, MAX_SHARDS = 8, 4096
assert MAX_SHARDS <= 1 << (63 - _KEY_BITS)  # the sort key (shard, key) fits in 63 bits
# Character shards per index shard: the character lists hold no positions.
CHAR_SHARD_RATIO = 8
# Latin word lists are filed by their first characters.
WORD_FILE_CHARS = 2
_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
               (0x20000, 0x3134F))
assert tokens.CJK_CLASS == "".join(f"{chr(a)}-{chr(b)}" for a, b in _CJK_RANGES)  # one definition, two forms


@dataclass(frozen=True)
class Layout:
    """How many shards of each kind an index of `articles` articles has (meta.js tells the page)."""
    shards: int
    char_shards: int

    @classmethod
    def of(cls, articles: int) -> "Layout":
        shards = MIN_SHARDS
        while shards < MAX_SHARDS and shards * ARTICLES_PER_SHARD < articles:
            shards *= 2
        return cls(shards, max(1, shards // CHAR_SHARD_RATIO))

# Tokens whose postings are encoded at a time (_encoded): a stretch of the shards at a time. A segment
# of 2 000 articles (~3.3 M tokens) encoded at once took 0.66 GB of arrays in its index worker (at
# 100 000 articles two of them stood beside the main process at a cold build's peak); in stretches
# of this many, 0.26 GB (tokenizing it takes 0.25 GB), and 30 % less time (smaller sorts).
ENCODE_TOKENS = 500_000

@dataclass
class Block:
    """One segment's index: each non-empty shard's bytes (base64) by name, and its Latin words."""
    shards: dict[str, str] = field(default_factory=dict)
    words: dict[str, int] = field(default_factory=dict)


def block(texts: list[str], layout: Layout) -> Block:
    """The index of normalized texts (article n of the segment is texts[n])."""
    joined = "\n".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    words: dict[str, int] = {}
    keys, docs, positions = _tokens(joined, codes, words)
    shards = _encoded("ix", keys, docs, positions, keys_shard(keys, layout.shards), layout.shards)
    del keys, docs, positions
    chars, char_docs = _characters(codes)
    shards |= _encoded("c", chars, char_docs, None, chars % layout.char_shards, layout.char_shards)
    return Block(shards, words)


def word_number(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "big") >> (64 - WORD_BITS)


def keys_shard(keys: np.ndarray, shards: int) -> np.ndarray:
    """The index shard of each key (search.js: cjkFile, wordPlace)."""
    latin = keys >= LATIN_BASE
    cjk = (keys >> _CODE_BITS) * _MIX + (keys & ((1 << _CODE_BITS) - 1))
    return np.where(latin, keys - LATIN_BASE, cjk) % shards


def _is_cjk(codes: np.ndarray) -> np.ndarray:
    out = np.zeros(codes.shape, dtype=bool)
    for low, high in _CJK_RANGES:
        out |= (codes >= low) & (codes <= high)
    return out


def _tokens(joined: str, codes: np.ndarray, words: dict[str, int]):
    """(key, article, position) of every token of the joined texts, in text order."""
    gap = (codes == _SPACE) | (codes == _NEWLINE)
    before = np.concatenate(([True], gap[:-1]))
    after = np.concatenate((gap[1:], [True]))
    starts = np.flatnonzero(~gap & before)
    ends = np.flatnonzero(~gap & after) + 1
    article = np.cumsum(codes == _NEWLINE)[starts]
    cjk = _is_cjk(codes[starts])
    length = ends - starts
    count = np.where(cjk & (length >= 2), length + 1, 1)
    first = np.cumsum(count) - count
    item = np.repeat(np.arange(len(starts)), count)
    slot = np.arange(len(item)) - first[item]
    keys = _cjk_keys(codes, starts[item], ends[item], slot)
    latin = np.flatnonzero(~cjk)
    if len(latin):
        seen: dict[str, int] = {}
        found = [seen.setdefault(joined[s:e], len(seen)) for s, e in zip(starts[latin], ends[latin])]
        words.update((word, word_number(word)) for word in seen)
        numbers = np.fromiter((words[word] for word in seen), dtype=np.int64, count=len(seen))
        keys[first[latin]] = LATIN_BASE + numbers[np.asarray(found, dtype=np.int64)]
    doc = article[item]
    # Each article's positions count from 0: its first token's place in the whole, taken off.
    opening = np.searchsorted(doc, np.arange(doc[-1] + 1 if len(doc) else 0))
    return keys, doc, np.arange(len(item)) - opening[doc]


def _cjk_keys(codes: np.ndarray, start: np.ndarray, end: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """Framed tokens of CJK runs: slot 0 the first character, then bigrams, the last slot (the run's
    length) its last character; a one-character run (and, harmlessly, a Latin item: overwritten) is
    its first character."""
    size = end - start
    at = np.minimum(start + np.maximum(slot - 1, 0), len(codes) - 2)
    bigram = (codes[at] << _CODE_BITS) | codes[at + 1]
    return np.where(slot == 0, codes[start], np.where(slot == size, codes[end - 1], bigram))


def _characters(codes: np.ndarray):
    """(character, article) for each distinct CJK character of each article."""
    article = np.cumsum(codes == _NEWLINE)
    cjk = _is_cjk(codes)
    pairs = distinct((article[cjk] << _CODE_BITS) | codes[cjk])
    return pairs & ((1 << _CODE_BITS) - 1), pairs >> _CODE_BITS


def word_file(word: str) -> str:
    """The file name of a Latin word's list: its first characters' code points in hex (search.js: wordFile)."""
    return "-".join(f"{ord(c):x}" for c in word[:WORD_FILE_CHARS])


def _encoded(prefix: str, keys, docs, positions, shard, shards: int) -> dict[str, str]:
    """Each non-empty shard's bytes (see the module docstring) in base64, by name in shard order;
    `shards`: how many there are. A shard's bytes are made of its own tokens alone: they are made
    for a stretch of the shards at a time, ENCODE_TOKENS tokens or so each."""
    parts = -(-len(keys) // ENCODE_TOKENS)
    if parts <= 1:
        return _encoded_stretch(prefix, keys, docs, positions, shard)
    stretch = shard * parts // shards
    out: dict[str, str] = {}
    for part in range(parts):
        rows = np.flatnonzero(stretch == part)  # (in text order still)
        out |= _encoded_stretch(prefix, keys[rows], docs[rows], positions[rows] if positions is not None else None,
                                shard[rows])
    return out


def _encoded_stretch(prefix: str, keys, docs, positions, shard) -> dict[str, str]:
    """_encoded of the tokens of some of the shards. The tokens come in text order (article,
    position), so one stable sort by (shard, key) puts every posting in place."""
    if not len(keys):
        return {}
    order = np.argsort(shard << _KEY_BITS | keys, kind="stable")
    keys, docs, shard = keys[order], docs[order], shard[order]
    positions = positions[order] if positions is not None else None
    values, owner, sizes = _values(keys, docs, positions, shard)
    data = _varints(values, sizes)
    totals = np.bincount(owner, weights=sizes).astype(np.int64)
    ends = np.cumsum(totals)
    return {f"{prefix}/{k}": base64.b64encode(data[ends[k] - totals[k]:ends[k]]).decode("ascii")
            for k in np.flatnonzero(totals)}


def _values(keys, docs, positions, shard):
    """The varint values of every shard in file order, the shard each belongs to and its size. Rows are sorted
    by (shard, key, article, position); each value is written straight to its place (no sort):
    per term [article count, article differences...], then per article its positions (_pair_head);
    each shard's header (term count, key differences, term byte lengths) before it."""
    rows = np.arange(len(keys))
    new_term = np.concatenate(([True], (keys[1:] != keys[:-1]) | (shard[1:] != shard[:-1])))
    new_pair = new_term | np.concatenate(([True], docs[1:] != docs[:-1]))
    term, pair = np.cumsum(new_term) - 1, np.cumsum(new_pair) - 1
    term_rows, pair_rows = np.flatnonzero(new_term), np.flatnonzero(new_pair)
    pair_term = term[pair_rows]
    first_pair = np.searchsorted(pair_term, np.arange(len(term_rows)))
    pairs_of = np.diff(np.append(first_pair, len(pair_rows)))
    pair_count = np.diff(np.append(pair_rows, len(keys)))  # positions of each (term, article)
    listed = pair_count > 1  # (one position travels in its count's value: see _pair_head)
    slots = 1 + np.where(listed, pair_count, 0)  # (with positions) each article's values after the term's
    length = 1 + pairs_of + (np.add.reduceat(slots, first_pair) if positions is not None else 0)
    start = np.cumsum(length) - length
    body = np.zeros(int(length.sum()), dtype=np.int64)
    body[start] = pairs_of
    pair_at = start[pair_term] + 1 + (np.arange(len(pair_rows)) - first_pair[pair_term])
    pair_docs = docs[pair_rows]
    body[pair_at] = pair_docs - np.where(new_term[pair_rows], 0, np.concatenate(([0], pair_docs[:-1])))
    if positions is not None:
        before = np.cumsum(slots) - slots  # slots of the pairs before, from the first term's
        head_at = start[pair_term] + 1 + pairs_of[pair_term] + before - before[first_pair[pair_term]]
        body[head_at] = _pair_head(pair_count, positions[pair_rows])
        steps = positions - np.where(new_pair, 0, np.concatenate(([0], positions[:-1])))
        at_rows = listed[pair]
        body[(head_at[pair] + 1 + rows - pair_rows[pair])[at_rows]] = steps[at_rows]
    body_sizes = _varint_sizes(body)
    return _with_header(body, body_sizes, start, keys[term_rows], shard[term_rows])


def _pair_head(count: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The value that opens an article's positions in a term's posting: most tokens stand once in an
    article, so one position is written in it (2 x position) and a count only before several
    (2 x count + 1, the positions' differences after it). A count of 1 was a byte of its own: the
    index is 12.5 % smaller (10 000 real articles)."""
    return np.where(count > 1, 2 * count + 1, 2 * first)


def _with_header(body, body_sizes, term_start, term_keys, term_shard):
    """Each shard's header values (its term count, key differences, term byte lengths) put before its
    postings (the terms come in shard order, so each shard's postings are one stretch of `body`);
    with the shard each value belongs to and its size as a varint."""
    term_bytes = np.add.reduceat(body_sizes, term_start) if len(body) else body
    first = np.concatenate(([True], term_shard[1:] != term_shard[:-1]))
    key_steps = term_keys - np.where(first, 0, np.concatenate(([0], term_keys[:-1])))
    first_terms = np.flatnonzero(first)
    terms_in = np.diff(np.append(first_terms, len(term_keys)))
    header = 1 + 2 * terms_in
    shard_of_term = np.cumsum(first) - 1
    before = np.cumsum(header)  # header values up to and including each shard's
    term_length = np.diff(np.append(term_start, len(body)))
    out = np.zeros(len(body) + int(header.sum()), dtype=np.int64)
    body_at = np.arange(len(body)) + before[np.repeat(shard_of_term, term_length)]
    out[body_at] = body
    shard_start = (before - header) + term_start[first_terms]
    rank = np.arange(len(term_keys)) - first_terms[shard_of_term]
    header_at = np.concatenate((shard_start, shard_start[shard_of_term] + 1 + rank,
                                shard_start[shard_of_term] + 1 + terms_in[shard_of_term] + rank))
    header_values = np.concatenate((terms_in, key_steps, term_bytes))
    out[header_at] = header_values
    sizes = np.zeros(len(out), dtype=np.int64)
    sizes[body_at] = body_sizes
    sizes[header_at] = _varint_sizes(header_values)
    owner = np.repeat(term_shard[first_terms], header + np.add.reduceat(term_length, first_terms))
    return out, owner, sizes


def _varint_sizes(values: np.ndarray) -> np.ndarray:
    sizes = np.ones(len(values), dtype=np.int64)
    for bits in range(7, 64, 7):
        sizes += values >= (1 << bits)
    return sizes


def _varints(values: np.ndarray, sizes: np.ndarray) -> bytes:
    """LEB128 of each value, concatenated (vectorized: one pass per byte position)."""
    values = values.astype(np.uint64)
    out = np.zeros(int(sizes.sum()), dtype=np.uint8)
    start = np.cumsum(sizes) - sizes
    for b in range(int(sizes.max()) if len(sizes) else 0):
        rows = np.flatnonzero(sizes > b)
        more = (sizes[rows] > b + 1).astype(np.uint8) << 7
        out[start[rows] + b] = ((values[rows] >> np.uint64(7 * b)) & np.uint64(0x7F)).astype(np.uint8) | more
    return out.tobytes()
