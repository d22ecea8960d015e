"""The search index's blocks (builder/search/postings.py), read back in Python: every token of every
article at its position, every CJK character's articles, every Latin word listed - the same as
tokens.index_tokens says, on small texts and on the corpus. The browser tests (test_search.py) check
the page reads them as written here; the store's tests are in test_search.py too."""
import base64
import re

import numpy as np
import pytest

from newsarchive.archive import Archive
from newsarchive.builder.collect import collect
from newsarchive.builder.search import searchable_text
from newsarchive.builder.search import postings
from newsarchive.builder.search.tokens import CJK_CLASS, index_tokens, normalize

_CJK = re.compile(f"[{CJK_CLASS}]")


def _varints(data: bytes) -> list[int]:
    out, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            out.append(value)
            value, shift = 0, 0
    assert shift == 0, "a varint cut short"
    return out


def _shard(data: bytes, with_positions: bool) -> dict[int, dict[int, list[int] | None]]:
    """key -> {article: positions (None without)} of one shard, checking each term's stated length."""
    values = _varints(base64.b64decode(data))
    if not values:
        return {}
    count = values[0]
    keys, key = [], 0
    for step in values[1:1 + count]:
        key += step
        keys.append(key)
    sizes = values[1 + count:1 + 2 * count]
    body, at, out = values[1 + 2 * count:], 0, {}
    for key, size in zip(keys, sizes):
        begin = at
        articles, doc = [], 0
        n = body[at]
        at += 1
        for step in body[at:at + n]:
            doc += step
            articles.append(doc)
        at += n
        posting = {}
        for doc in articles:
            if with_positions:
                head, pos, places = body[at], 0, []
                m = head >> 1 if head & 1 else 0  # (2 x count + 1, or 2 x the one position)
                assert m != 1, "one position is written in its head"
                for step in body[at + 1:at + 1 + m]:
                    pos += step
                    places.append(pos)
                at += 1 + m
                posting[doc] = places if m else [head >> 1]
            else:
                posting[doc] = None
        assert sum(len(_varints_of(v)) for v in body[begin:at]) == size
        out[key] = posting
    assert at == len(body)
    return out


def _varints_of(value: int) -> bytes:
    out = bytearray()
    while True:
        out.append((value & 0x7F) | (0x80 if value > 0x7F else 0))
        value >>= 7
        if not value:
            return bytes(out)


def read_index(made: postings.Block, layout: postings.Layout):
    """(token -> {article: positions}, character -> {article}) from a block."""
    words = {}
    for word, number in made.words.items():
        assert number < 2 ** postings.WORD_BITS and number == postings.word_number(word)
        words[postings.LATIN_BASE + number] = word
    tokens, chars = {}, {}
    for name, data in made.shards.items():
        kind, k = name.split("/")
        for key, posting in _shard(data.encode(), kind == "ix").items():
            if kind == "c":
                assert key % layout.char_shards == int(k)
                chars[chr(key)] = set(posting)
                continue
            assert postings.keys_shard(np.array([key]), layout.shards)[0] == int(k)
            token = words[key] if key >= postings.LATIN_BASE else "".join(
                chr(c) for c in ((key >> 21, key & 0x1FFFFF) if key >> 21 else (key,)))
            tokens[token] = posting
    return tokens, chars


def expected(texts: list[str]):
    tokens, chars = {}, {}
    for n, text in enumerate(texts):
        for pos, token in enumerate(index_tokens(text)):
            tokens.setdefault(token, {}).setdefault(n, []).append(pos)
        for c in set(_CJK.findall(text)):
            chars.setdefault(c, set()).add(n)
    return tokens, chars


def test_tokens_are_framed_bigrams_and_words():
    assert normalize("臺灣總統、COVID-19疫苗 Café") == "台湾总统 covid 19 疫苗 cafe"
    assert index_tokens(normalize("台灣總統 2020年")) == ["台", "台湾", "湾总", "总统", "统", "2020", "年"]
    assert index_tokens("a") == ["a"] and index_tokens("") == []


def test_a_small_index_reads_back_exactly():
    texts = [normalize(t) for t in ("台灣總統 2020年 Café café", "", "香港 2020 香港警察 police policing 𠀀𠀁",
                                    "年 台 a b c")]
    layout = postings.Layout.of(len(texts))
    assert read_index(postings.block(texts, layout), layout) == expected(texts)
    assert read_index(postings.block([], layout), layout) == ({}, {})


def test_layout_keeps_shards_small_and_bounded():
    assert postings.Layout.of(5) == postings.Layout(postings.MIN_SHARDS, 1)
    big = postings.Layout.of(100_000)
    assert big.shards * postings.ARTICLES_PER_SHARD >= 100_000 and big.shards <= postings.MAX_SHARDS
    assert postings.Layout.of(10 ** 9).shards == postings.MAX_SHARDS


@pytest.fixture(scope="module")
def corpus_texts(corpus_run):
    return [normalize(searchable_text(e)) for e in collect(Archive(corpus_run[0])).entries]


def test_the_corpus_index_holds_every_token_at_its_place(corpus_texts):
    layout = postings.Layout.of(len(corpus_texts))
    got = read_index(postings.block(corpus_texts, layout), layout)
    want = expected(corpus_texts)
    assert len(want[0]) > 50_000 and got[0] == want[0]
    assert got[1] == want[1]


def test_a_block_made_a_stretch_of_shards_at_a_time_is_the_block_made_at_once(corpus_texts, monkeypatch):
    """_encoded makes ENCODE_TOKENS tokens' postings at a time (a stretch of the shards): the block
    is the same, byte for byte and in the same order, as when every shard is made at once - on the
    corpus in a few stretches of many shards, and on small texts in more stretches than shards."""
    small = [normalize(t) for t in ("台灣總統 2020年 Café café", "香港 2020 香港警察 police 𠀀𠀁", "年 台 a b c")]
    # (the corpus in a large archive's layout: a few stretches of thousands of shards each)
    for texts, layout, stretch in ((corpus_texts, postings.Layout.of(100_000), 100_000),
                                   (small, postings.Layout.of(len(small)), 2)):
        monkeypatch.setattr(postings, "ENCODE_TOKENS", 10 ** 12)
        whole = postings.block(texts, layout)
        monkeypatch.setattr(postings, "ENCODE_TOKENS", stretch)
        parts = postings.block(texts, layout)
        assert list(parts.shards.items()) == list(whole.shards.items()) and parts.words == whole.words
        assert len(whole.shards) > 1
