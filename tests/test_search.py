"""Search (issue 4) in a real browser: the index over HTTP, under a subpath and from file://, on the
seed archive and on the corpus; both scripts, phrases, filters, sort, recall/precision.

The expected pages come from content/ in Python: a page matches when every term's normalized form
(tokens.normalize: the spec of what search compares) occurs in the page's normalized text, Latin
words whole. A second, independent check uses no normalization at all: every page whose raw text
holds the query in any of its spellings must be found.
"""
import json
import os
import random
import re
import shutil
import zipfile
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.archive import Archive
from newsarchive.builder.collect import collect
from newsarchive.builder.render import rel
from newsarchive.builder.search import searchable_text
from newsarchive.builder.search.tokens import CJK_CLASS, index_tokens, latin_term_matches, normalize

from .browser import browser, serve
from .conftest import build, copy_tree, run_cli

SEED_QUERIES = ("台灣", "台湾", "臺灣", "聯合國", "联合国", "克拉夫特", "李光章", "聯合國 午餐", '"共進午餐"', "Craft",
                "視訊", "新唐人", "台")
CORPUS_QUERIES = ("台灣", "台湾", "臺灣", "聯合國", "联合国", "克拉夫特", "李光章", "香港", "警察", "香港 警察",
                  '"國家安全"', "國家 安全", '"香港 2020"', "police", "Trump", "習近平", "习近平", "疫情", "今年",
                  "covid", "2020年", "2020", "台", "港")
# Sampled recall/precision run over the corpus.
SAMPLED_QUERIES = 150
SAMPLE_SEED = 20261121
MIN_RECALL = 1.0
MIN_PRECISION = 1.0


class Corpus:
    """Normalized text of each article of a built archive, by its URL as the search page links it."""

    def __init__(self, root):
        self.entries = collect(Archive(root)).entries
        self.text = {self.url(e): normalize(searchable_text(e)) for e in self.entries}
        self.raw = {self.url(e): searchable_text(e) for e in self.entries}

    @staticmethod
    def url(e):
        return rel("search/index.html", e.path)

    def expected(self, query):
        terms = [(normalize(a or b), bool(a)) for a, b in re.findall(r'"([^"]+)"|(\S+)', query)]
        return {url for url, text in self.text.items() if all(_matches(text, t, exact) for t, exact in terms if t)}


def _matches(text, term, exact):
    """The search rule: a one-word Latin term (not quoted) also finds the words it begins and the
    words with its stem (tokens.latin_term_matches); anything else occurs as written."""
    if not exact and " " not in term and not re.match(f"[{CJK_CLASS}]", term):
        return latin_term_matches({w for w in text.split(" ") if w and not re.match(f"[{CJK_CLASS}]", w)}, term)
    return _holds(text, term)


def _holds(text, term):
    """term (normalized) occurs in text (normalized); Latin ends only at word ends."""
    padded = f" {text} "
    if re.match(r"[a-z0-9]", term[-1]) or re.match(r"[a-z0-9]", term[0]):
        left = "" if not re.match(r"[a-z0-9]", term[0]) else " "
        right = "" if not re.match(r"[a-z0-9]", term[-1]) else " "
        return f"{left}{term}{right}" in padded
    return term in text


@pytest.fixture(scope="module")
def seed_site(seed_root, tmp_path_factory):
    root = tmp_path_factory.mktemp("search-seeds") / "a"
    copy_tree(seed_root, root)
    build(root, base_url="https://example.org/archive/")
    return root


@pytest.fixture(scope="module")
def corpus_site(corpus_run, tmp_path_factory):
    root = tmp_path_factory.mktemp("search-corpus") / "a"
    copy_tree(corpus_run[0], root)
    build(root)
    return root


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


def _open(b, url):
    page = b.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("window.newsarchive && window.newsarchive.search")
    page.errors = errors
    return page


def _search(page, query):
    return page.evaluate("q => window.newsarchive.search(q)", query)


def _engine(page):
    return page.evaluate("window.newsarchive.engine()")


@pytest.mark.parametrize("how", ["http", "subpath", "file"])
def test_seed_queries_find_exactly_the_pages_holding_them(seed_site, chromium, how):
    corpus = Corpus(seed_site)
    site = seed_site / "site"
    mount = "/archive/" if how == "subpath" else "/"
    with serve(site, mount) as base:
        url = (site / "search" / "index.html").as_uri() if how == "file" else base + "search/index.html"
        page = _open(chromium, url)
        assert _engine(page) == ("offline" if how == "file" else "online")
        for query in SEED_QUERIES:
            results = _search(page, query)
            assert {r["url"] for r in results} == corpus.expected(query), query
            for r in results:
                assert set(r) == {"url", "title", "date", "outlet"} and not r["url"].startswith("/")
        assert not _search(page, "不存在的詞語組合")
        # The page keeps its own language.
        assert page.evaluate("document.documentElement.lang") == "zh-Hant"
        # ?q= runs the query in the visible box; a result opens its article.
        page.goto(url + "?q=" + quote("李光章"))
        page.wait_for_selector("#search-results .entry")
        assert page.input_value("#q") == "李光章"
        assert page.locator("#search-results .entry").count() == len(corpus.expected("李光章"))
        page.locator("#search-results .entry-title").first.click()
        page.wait_for_selector("article h1")
        assert not page.errors


@pytest.mark.parametrize("how", ["http", "file"])
def test_corpus_queries_in_both_scripts(corpus_site, chromium, how):
    corpus = Corpus(corpus_site)
    site = corpus_site / "site"
    with serve(site) as base:
        page = _open(chromium, base + "search/index.html" if how == "http" else (site / "search/index.html").as_uri())
        found = {q: [r["url"] for r in _search(page, q)] for q in CORPUS_QUERIES}
    for query, urls in found.items():
        assert set(urls) == corpus.expected(query), query
        assert len(urls) == len(set(urls)), query
    # The three spellings of Taiwan, and of the UN, find the same pages; pages hold each spelling.
    assert set(found["台灣"]) == set(found["台湾"]) == set(found["臺灣"]) and found["台灣"]
    assert set(found["聯合國"]) == set(found["联合国"]) and found["聯合國"]
    for query, spellings in (("台灣", ("台灣", "台湾", "臺灣")), ("習近平", ("習近平", "习近平"))):
        holding = {url for url, raw in corpus.raw.items() if any(s in raw for s in spellings)}
        assert holding and holding <= set(found[query]), query
    # Terms are ANDed; a quoted phrase is stricter than its words.
    assert set(found["香港 警察"]) == set(found["香港"]) & set(found["警察"]) and found["香港 警察"]
    assert set(found["香港 警察"]) < set(found["警察"])
    assert set(found['"國家安全"']) < set(found["國家 安全"]) and found['"國家安全"']
    assert set(found["2020年"]) < set(found["2020"]) and found['"香港 2020"']
    assert set(found["police"]) and all(re.search(r"\bpolice\b", corpus.raw[u], re.I) for u in found["police"])


def test_file_answers_like_http(corpus_site, chromium):
    site = corpus_site / "site"
    queries = CORPUS_QUERIES + tuple(q for q, _ in _sampled(Corpus(corpus_site)))[:60]
    with serve(site) as base:
        online = _open(chromium, base + "search/index.html")
        offline = _open(chromium, (site / "search/index.html").as_uri())
        assert (_engine(online), _engine(offline)) == ("online", "offline")
        for query in queries:
            assert _search(online, query) == _search(offline, query), query


def _sampled(corpus):
    """Queries drawn from the articles: 2-4 character CJK substrings (either script), bylines, Latin words."""
    rng = random.Random(SAMPLE_SEED)
    to_trad, to_simp = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
    raws = list(corpus.raw.values())
    queries = []
    while len(queries) < SAMPLED_QUERIES:
        raw = rng.choice(raws)
        kind = len(queries) % 6
        if kind < 4:
            runs = [m.group(0) for m in re.finditer(r"[\u4e00-\u9fff]{4,}", raw)]
            if not runs:
                continue
            run = rng.choice(runs)
            size = rng.randint(2, 4)
            start = rng.randrange(len(run) - size + 1)
            query = run[start:start + size]
            query = to_trad.convert(query) if kind % 2 else to_simp.convert(query)
        elif kind == 4:
            entry = rng.choice([e for e in corpus.entries if e.authors] or corpus.entries)
            query = (entry.authors or (entry.outlet,))[0]
        else:
            words = re.findall(r"\b[A-Za-z]{5,}\b", raw)
            if not words:
                continue
            query = rng.choice(words)
        want = corpus.expected(query)
        if want:  # a script conversion can spell a query no article uses (OpenCC maps phrases, not characters)
            queries.append((query, want))
    return queries


def test_recall_and_precision_over_sampled_queries(corpus_site, chromium):
    corpus = Corpus(corpus_site)
    sampled = _sampled(corpus)
    with serve(corpus_site / "site") as base:
        page = _open(chromium, base + "search/index.html")
        got = {q: {r["url"] for r in _search(page, q)} for q, _ in sampled}
    hits = sum(len(got[q] & want) for q, want in sampled)
    recall = hits / sum(len(want) for _, want in sampled)
    precision = hits / max(1, sum(len(got[q]) for q, _ in sampled))
    missed = [q for q, want in sampled if want and not got[q]]
    print(f"\n{len(sampled)} sampled queries: recall {recall:.1%}, precision {precision:.1%}, zero-hit {len(missed)}")
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION, (recall, precision)
    assert not missed


def _facet(page, key):
    """{value: count} of one filter as shown."""
    labels = page.locator(f"#search-filters input[name={key}]")
    out = {}
    for i in range(labels.count()):
        box = labels.nth(i)
        text = box.locator("xpath=..").text_content()
        out[box.get_attribute("value")] = int(re.search(r"\((\d+)\)\s*$", text).group(1))
    return out


def _shown(page):
    page.wait_for_function("!document.querySelector('#search-results').hasAttribute('aria-busy')")
    return int(re.match(r"(\d+)", page.inner_text("#search-results .result-count")).group(1))


def test_filters_sort_and_excerpts(corpus_site, chromium):
    corpus = Corpus(corpus_site)
    want = corpus.expected("香港")
    with serve(corpus_site / "site") as base:
        page = _open(chromium, base + "search/index.html?q=" + quote("香港"))
        page.wait_for_selector("#search-results .entry")
        assert _shown(page) == len(want)
        outlets = _facet(page, "outlet")
        assert sum(outlets.values()) == len(want) and len(outlets) > 1
        years = _facet(page, "year")
        months = _facet(page, "month")
        assert sum(months.values()) == sum(years.values()) and all(m[:4] in years for m in months)
        langs = _facet(page, "lang")
        assert sum(langs.values()) == len(want)
        # One outlet: exactly its results, and the other filters recount.
        outlet, count = sorted(outlets.items(), key=lambda kv: -kv[1])[1]
        page.check(f"#search-filters input[name=outlet][value='{outlet}']")
        assert _shown(page) == count
        assert sum(_facet(page, "lang").values()) == count
        page.goto(base + "search/index.html?q=" + quote("香港") + "&outlet=" + quote(outlet))
        page.wait_for_selector("#search-results .entry")
        assert _shown(page) == count and page.is_checked(f"#search-filters input[name=outlet][value='{outlet}']")
        metas = page.locator("#search-results .entry .meta").all_inner_texts()
        assert metas and all(m.startswith(outlet) for m in metas)
        # Sort: newest and oldest order the same dated results both ways.
        page.goto(base + "search/index.html?q=" + quote("香港"))
        page.wait_for_selector("#search-results .entry")
        if len(years) > 1:
            year = min(years)
            page.check(f"#search-filters input[name=year][value='{year}']")
            assert _shown(page) == years[year]
            page.uncheck(f"#search-filters input[name=year][value='{year}']")
        page.select_option("#search-sort", "newest")
        newest = [m.split(" · ")[1] for m in page.locator("#search-results .entry .meta").all_inner_texts()]
        page.select_option("#search-sort", "oldest")
        oldest = [m.split(" · ")[1] for m in page.locator("#search-results .entry .meta").all_inner_texts()]
        assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest) and newest != oldest
        assert "sort=oldest" in page.url
        # Excerpts are the article's own text (its own script) with the match marked.
        page.wait_for_selector("#search-results .entry .excerpt mark")
        marks = page.locator("#search-results .excerpt mark").all_inner_texts()
        assert marks and all(normalize(m) == "香港" for m in marks)
        excerpt = page.locator("#search-results .excerpt").first.inner_text()
        first_url = page.locator("#search-results .entry-title").first.get_attribute("href")
        body = corpus.raw[first_url].split("\n", 2)[2]
        assert re.sub(r"\s+", "", excerpt.strip("…"))[:20] in re.sub(r"\s+", "", body)
        # Twenty at a time, then more on request.
        if len(want) > 20:
            assert page.locator("#search-results .entry").count() == 20
            page.click(".more-results")
            assert page.locator("#search-results .entry").count() == min(40, len(want))


def test_search_page_on_a_phone(corpus_site, chromium, tmp_path):
    """Results first on a phone: the filter panel starts folded, nothing overflows sideways."""
    with serve(corpus_site / "site") as base:
        page = chromium.new_page(viewport={"width": 390, "height": 844})
        page.goto(base + "search/index.html?q=" + quote("香港 警察"))
        page.wait_for_selector("#search-results .entry .excerpt")
        page.screenshot(path=str(tmp_path / "search-phone.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not page.evaluate("document.getElementById('search-panel').open")
        assert page.locator("#search-results .entry").first.bounding_box()["y"] < 844
        page.click("#search-panel > summary")
        assert page.is_visible("#search-sort")


def test_search_under_the_netlify_security_headers(seed_site, chromium):
    """Search runs under the exact headers Netlify sends (site/_headers, written by the build),
    nothing blocked."""
    from .site_checks import netlify_headers

    headers = netlify_headers(seed_site / "site")["/*"]
    corpus = Corpus(seed_site)
    with serve(seed_site / "site", "/archive/", headers=headers) as base:
        page = chromium.new_page()
        blocked = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(base + "search/index.html?q=" + quote("聯合國"))
        page.wait_for_selector("#search-results .entry .excerpt")
        assert _engine(page) == "online"
        assert {r["url"] for r in _search(page, "聯合國")} == corpus.expected("聯合國")
        assert not blocked, blocked


def test_query_folding_agrees_with_the_index(corpus_site, chromium):
    """static/search.js normalizes exactly as tokens.normalize does, on real article text."""
    corpus = Corpus(corpus_site)
    samples = [raw[:3000] for raw in list(corpus.raw.values())[::5]]
    samples += ["Ｔｒｕｍｐ said “café” İstanbul ﬁ 2020年9月17日", "COVID-19疫苗 與 台灣", "ｶﾀｶﾅ ひらがな 한국어 𠀀𠀁"]
    with serve(corpus_site / "site") as base:
        page = _open(chromium, base + "search/index.html")
        got = page.evaluate("xs => xs.map(window.newsarchive.normalize)", samples)
    for text, js in zip(samples, got):
        assert js == normalize(text), text[:80]


def _search_files(root):
    site = root / "site" / "search"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _answers(root) -> tuple[dict, dict, dict]:
    """What the page reads of a site's index: meta.js (but for the recent tier's name), the blocks of
    the segments it lists by (shard file, segment) - from the main and the recent file alike, each
    once - and the word lists. Stale blocks (segments meta.js does not list) are passed over."""
    from newsarchive.builder.search import postings, store

    files = _search_files(root)
    meta = json.loads(files.pop("meta.js").decode().split("=", 1)[1].rstrip().rstrip(";"))
    live = {seg[0] for seg in meta["index"]["segments"]}
    recent = meta["index"].pop("recent")
    blocks, words = {}, {}
    for name, data in files.items():
        if name.startswith("w/"):
            words[name] = data
            continue
        if name == "index.html":
            continue
        assert recent or not name.startswith(store.RECENT), name
        found = store._RECENT_BLOCK.findall(data.decode("ascii")) if name.startswith(store.RECENT) else [
            (segment, name.removesuffix(".js"), block) for segment, block in store._BLOCK.findall(data.decode("ascii"))]
        for segment, shard, block in found:
            if name.startswith(store.RECENT):  # (the page looks for a shard's recent blocks there only)
                layout = postings.Layout(meta["index"]["shards"], meta["index"]["chars"])
                assert name == f"{store.RECENT}{store._recent_file(shard, layout)}.js", (name, shard)
            if segment in live:
                assert (shard, segment) not in blocks, f"{segment} twice in {shard}"
                blocks[shard, segment] = block
    return meta, blocks, words


def test_segments_made_in_a_pool_equal_those_made_here(seed_root, tmp_path, monkeypatch):
    """Fewer than POOL_FROM_ARTICLES articles to index are made in this process, more in a pool of
    fresh processes: the same index either way, byte for byte (segments of 2 seeds: three to make)."""
    from newsarchive.builder.search import store

    monkeypatch.setattr(store, "SEGMENT_ARTICLES", 2)
    pools, real = [], store.Pool
    monkeypatch.setattr(store, "Pool", lambda *args, **kwargs: pools.append(kwargs) or real(*args, **kwargs))
    here, pooled = tmp_path / "here", tmp_path / "pooled"
    copy_tree(seed_root, here)
    copy_tree(seed_root, pooled)
    build(here)
    assert pools == []
    monkeypatch.setattr(store, "POOL_FROM_ARTICLES", 1)
    build(pooled)
    assert pools == [{"fresh": True}]
    files = _search_files(here)
    assert len([name for name in files if name.startswith("ix/")]) >= 3 and _search_files(pooled) == files


def test_new_blocks_wait_on_disk_while_the_shard_files_are_written(seed_root, tmp_path, monkeypatch):
    """A build's new blocks are written to spill files as they are made and the shard files read them
    from there (a first build at 100 000 articles held them all, ~0.65 GB, at its peak): a first
    build's index and an edit's are those made from blocks held in memory, and no spill file is
    left, nor a killed run's. A spill folder made a symlink by hand is not written through."""
    from newsarchive.builder.search import postings, store

    monkeypatch.setattr(store, "SEGMENT_ARTICLES", 2)
    read_from: list[type] = []

    def recording(real):  # (a main shard file's writer, or a recent file's)
        def put(self, file, names, segments, *rest):
            read_from.extend(type(seg.shards) for seg in segments.values() if isinstance(seg, postings.Block))
            return real(self, file, names, segments, *rest)
        return put

    def first_and_edit(root):
        read_from.clear()
        build(root)
        made = set(read_from)
        page = sorted((root / "content").rglob("*.md"))[0]
        page.write_text(page.read_text(encoding="utf-8").replace('title: "', 'title: "獨一無二 ', 1), encoding="utf-8")
        if root == spilled:  # (the spill folder made a symlink by hand after the first build)
            spill.symlink_to(outside)
        read_from.clear()
        build(root)
        return made, set(read_from), _search_files(root)

    spilled, held, outside = tmp_path / "spilled", tmp_path / "held", tmp_path / "outside"
    copy_tree(seed_root, spilled)
    copy_tree(seed_root, held)
    outside.mkdir()
    (outside / "mine").write_bytes(b"not the archive's")
    spill = spilled / ".newsarchive-cache" / "search" / store.SPILL
    monkeypatch.setattr(store.Store, "_put_shard", recording(store.Store._put_shard))
    monkeypatch.setattr(store.Store, "_put_recent", recording(store.Store._put_recent))
    first, edit, files = first_and_edit(spilled)
    assert first == edit == {store._Spilled}
    assert not os.path.lexists(spill) and [p.name for p in outside.iterdir()] == ["mine"]
    monkeypatch.setattr(store._Spill, "block", lambda self, name, block: block)
    assert first_and_edit(held) == ({dict}, {dict}, files)
    assert len([name for name in files if name.startswith("ix/")]) >= 3
    spill.mkdir()
    (spill / "0123456789abcdef.bin").write_bytes(b"a killed run's")
    left = store._Spill(spill)
    assert not spill.exists()
    left.close()


def test_the_index_is_updated_in_place_and_equals_a_clean_one(seed_root, tmp_path, monkeypatch):
    """Segments of at most 2 articles (the lunch's day of 4 seeds cut in 2, the January call alone):
    a build that changes no text rewrites no index file; a new article of a later day re-indexes only
    the newest segment, into the recent files (no main file is written again), and the page then
    reads the same index as from a clean build; an edit undone takes its segment from the main files
    again; once the recent and stale blocks pass RECENT_ARTICLES everything is written into the main
    files, byte for byte a clean build's; so is the index after a run killed mid-way (its manifest
    left "dirty")."""
    from newsarchive.builder.search import store

    monkeypatch.setattr(store, "SEGMENT_ARTICLES", 2)
    monkeypatch.setattr(store, "RECENT_SHARE", 1.0)  # (5 seeds: a quarter would always write all)
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root)
    kept = root / ".newsarchive-cache" / "search"
    manifest = lambda: json.loads((kept / "manifest.json").read_text(encoding="utf-8"))
    first = list(manifest()["segments"])
    assert len(first) == 3
    assert not (kept / "r").exists()
    stamps = {p: p.stat().st_ino for p in kept.rglob("*.js")}
    (root / "newsarchive.toml").write_text('title = "Renamed"\n', encoding="utf-8")
    build(root)
    assert "Renamed" in (root / "site" / "search" / "index.html").read_text(encoding="utf-8")
    assert {p: p.stat().st_ino for p in kept.rglob("*.js")} == stamps
    page = next(p for p in sorted((root / "content").rglob("*.md")) if "/2021/" in p.as_posix())
    text = page.read_text(encoding="utf-8").replace('title: "', 'title: "ADDED 獨一無二 ', 1)
    added = page.with_name("added-" + page.name)
    added.write_text(re.sub(r'^date: "[^"]*"', 'date: "2021-01-15T08:00:00+00:00"', text, count=1, flags=re.M),
                     encoding="utf-8")
    build(root)
    second = list(manifest()["segments"])
    assert second[1:] == first[1:] and second[0] != first[0]  # the site's order: newest first
    assert manifest()["stale"].keys() == {first[0]}  # (the January call's segment, in the main files)
    for path, inode in stamps.items():  # no main file, no kept text written again
        if path.exists() and "/w/" not in path.as_posix():
            assert path.stat().st_ino == inode, path
    # (8 shards and one character shard: one recent file of each kind, every shard's recent blocks in it)
    assert sorted(p.relative_to(root / "site" / "search").as_posix()
                  for p in (root / "site" / "search" / "r").rglob("*.js")) == ["r/c/0.js", "r/ix/0.js"]
    clean = tmp_path / "clean"

    def clean_build():
        shutil.rmtree(clean, ignore_errors=True)
        copy_tree(root, clean)
        shutil.rmtree(clean / ".newsarchive-cache")
        shutil.rmtree(clean / "site")
        build(clean)

    clean_build()
    assert _answers(root) == _answers(clean)
    added.unlink()  # undone: the January segment comes back from the main files, the recent tier empties
    build(root)
    assert list(manifest()["segments"]) == first and manifest()["stale"] == {}
    assert not (root / "site" / "search" / "r").exists()
    clean_build()
    assert _search_files(root) == _search_files(clean)
    monkeypatch.setattr(store, "RECENT_ARTICLES", 1)  # the next new segment: everything into the main files
    added.write_text(re.sub(r'^date: "[^"]*"', 'date: "2021-01-15T08:00:00+00:00"', text, count=1, flags=re.M),
                     encoding="utf-8")
    build(root)
    assert manifest()["stale"] == {} and not (kept / "r").exists()
    clean_build()
    assert _search_files(root) == _search_files(clean)
    (kept / "manifest.json").write_text(json.dumps({**manifest(), "dirty": True}), encoding="utf-8")
    (kept / "ix" / "0.js").write_text("damaged", encoding="utf-8")
    added.unlink()
    build(root)
    clean_build()
    assert _search_files(root) == _search_files(clean)


def _built_clean(root: Path, clean: Path) -> Path:
    """The archive at root copied to `clean` without its cache or site, and built there."""
    copy_tree(root, clean)
    shutil.rmtree(clean / ".newsarchive-cache")
    shutil.rmtree(clean / "site")
    build(clean)
    return clean


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 60), st.lists(st.tuples(st.sampled_from(["add", "remove", "change"]), st.integers(0, 10 ** 6)),
                                    max_size=12))
def test_a_patch_gives_every_row_of_its_segment_its_own_article(size, changes):
    """Whatever articles come, go or change in a kept segment: a patch of it (when one is made)
    gives each row of the segment exactly one article - the patch's if the row is among its rows,
    else the base article base_rows maps there - and that article is the one the segment holds there;
    no base article the segment no longer holds in the base's order is given a row."""
    from newsarchive.builder.search import postings, store

    base = [f"k{n}" for n in range(size)]
    keys = list(base)
    for n, (kind, at) in enumerate(changes):
        if kind == "add":
            keys.insert(at % (len(keys) + 1), f"new{n}")
        elif keys:
            keys[at % len(keys)] = f"changed{n}" if kind == "change" else None
            keys = [k for k in keys if k is not None]
    layout = postings.Layout.of(100)
    with mock.patch.object(store, "PATCH_FROM", 1):
        bases = store._Bases({"b": {"keys": base, "count": size, "files": [], "tier": store.MAIN}}, {})
        patch = bases.patch_of(keys, layout)
    # (the base's articles keep their order among the changes: exactly the others are in the patch)
    new_rows = [r for r, key in enumerate(keys) if key not in base]
    gone = [i for i, key in enumerate(base) if key not in keys]
    if not (keys and 0 < len(new_rows) <= store.PATCH_SHARE * len(keys) and len(gone) <= store.PATCH_SHARE * size):
        assert patch is None
        return
    assert patch.base == "b" and patch.rows == new_rows and patch.mask == gone
    rows = patch.base_rows(len(keys))
    assert len(rows) == size and sorted(r for r in rows if r >= 0) == [r for r in range(len(keys)) if r not in patch.rows]
    assert all(base[i] == keys[r] for i, r in enumerate(rows) if r >= 0)
    assert [i for i, r in enumerate(rows) if r < 0] == patch.mask


def test_word_lists_follow_the_segments_that_come_and_go(seed_root, tmp_path, monkeypatch):
    """The Latin word lists are kept by counts of the segments holding each word: an edit that adds
    a word rewrites that word's list alone (at 100 000 articles every segment's words were read
    again), an edit that takes it away again that list alone, and the lists are a clean build's,
    byte for byte, each time."""
    from newsarchive.builder.search import postings, store

    monkeypatch.setattr(store, "SEGMENT_ARTICLES", 2)
    monkeypatch.setattr(store, "PATCH_SHARE", 0)  # (segments indexed again whole: patches, test_patches)
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root)
    page = sorted((root / "content").rglob("*.md"))[0]
    original = page.read_text(encoding="utf-8")
    kept = root / ".newsarchive-cache" / "search" / "w"
    listed = f"{postings.word_file('zyxwvutq')}.js"

    read = []
    real = store.Store._words_of
    monkeypatch.setattr(store.Store, "_words_of", lambda self, name: read.append(name) or real(self, name))

    def words(where):
        return {k: v for k, v in _search_files(where).items() if k.startswith("w/")}

    for n, text in enumerate((original.replace('title: "', 'title: "zyxwvutq ', 1), original)):
        page.write_text(text, encoding="utf-8")
        before = {p.name: p.stat().st_ino for p in kept.glob("*.js")}
        segments = json.loads((kept.parent / store.MANIFEST).read_text(encoding="utf-8"))["segments"]
        read.clear()
        build(root)
        after = {p.name: p.stat().st_ino for p in kept.glob("*.js")}
        assert {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)} == {listed}
        assert len(segments) == 3 and len(read) == 1  # the edited segment's words as they were, no other's
        clean = _built_clean(root, tmp_path / f"clean-{n}")
        assert words(root) == words(clean)
        assert (b'"zyxwvutq"' in words(root).get(f"w/{listed}", b"")) == (n == 0)
    # Counts damaged, then lost, by hand: the build still makes the index a clean build makes.
    counted = kept.parent / "counts" / f"{listed.removesuffix('.js')}.json"
    counted.write_text('{"zyxwvutq": "two"}', encoding="utf-8")
    for n, (text, damage) in enumerate((("zyxwvutq ", None), ("zyxwvutq qwerty ", None), ("qwerty ", counted))):
        if damage is not None:
            assert (kept / listed).exists()
            damage.unlink()
        page.write_text(original.replace('title: "', f'title: "{text}', 1), encoding="utf-8")
        assert type(build(root)).__name__ == "Built"
        assert _answers(root) == _answers(_built_clean(root, tmp_path / f"clean-damaged-{n}"))


@pytest.mark.parametrize("how", ["http", "file"])
def test_a_recent_tier_answers_as_a_clean_index_and_stale_blocks_are_passed_over(seed_root, tmp_path, chromium,
                                                                               monkeypatch, how):
    """The January call's title edited (its segment re-indexed into the recent files, its old block
    left stale in the main files): every query finds exactly the pages holding it now - the old
    title no longer finds the call, the new words do - on both paths."""
    from newsarchive.builder.search import store

    monkeypatch.setattr(store, "SEGMENT_ARTICLES", 2)
    monkeypatch.setattr(store, "RECENT_SHARE", 1.0)
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root)
    page = next(p for p in sorted((root / "content").rglob("*.md")) if "/2021/" in p.as_posix())
    text = page.read_text(encoding="utf-8")
    old_title = re.search(r'^title: "(.*)"$', text, flags=re.M).group(1)
    page.write_text(text.replace(f'title: "{old_title}"', 'title: "獨一無二的視訊標題"', 1), encoding="utf-8")
    build(root)
    meta = json.loads((root / "site" / "search" / "meta.js").read_text(encoding="utf-8").split("=", 1)[1].rstrip()[:-1])
    assert meta["index"]["recent"] == store.RECENT
    corpus = Corpus(root)
    call = rel("search/index.html", next(e for e in corpus.entries if e.content_file.endswith(page.name)).path)
    queries = [f'"{old_title}"', "獨一無二", '"視訊標題"', *SEED_QUERIES]
    assert call not in corpus.expected(queries[0]) and call in corpus.expected(queries[1])
    site = root / "site"
    with serve(site) as base:
        search = _open(chromium, (site / "search" / "index.html").as_uri() if how == "file" else base + "search/index.html")
        for query in queries:
            assert {r["url"] for r in _search(search, query)} == corpus.expected(query), query
        assert not search.errors


@pytest.mark.parametrize("how", ["http", "file"])
def test_an_edit_patches_its_segment_and_answers_as_a_clean_index(seed_root, tmp_path, chromium, monkeypatch, how):
    """One September report's title and text edited (the old title gone, new words in): its segment
    (the five seeds) is not indexed again - the edited article alone is, as a patch of the kept block,
    whose postings of it the page passes over - and every query finds exactly the pages holding it
    now, on both paths; from file:// (pack's texts) the edited article's excerpt is its new text. A
    second article of the segment edited: one new patch of the same kept block holds both, and the
    answers are still exact. When everything is next written into the main files, the segment is
    indexed whole again: the index is a clean build's, byte for byte."""
    from newsarchive.builder.search import store

    monkeypatch.setattr(store, "RECENT_SHARE", 1.0)  # (5 seeds: a quarter would always write all)
    monkeypatch.setattr(store, "PATCH_FROM", 1)  # (... and their one segment would be indexed whole)
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    page = sorted((root / "content").rglob("*.md"))[1]
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\nearlierwordzq 舊的補記。\n", encoding="utf-8")
    build(root)
    old_title = re.search(r'^title: "(.*)"$', text, flags=re.M).group(1)
    page.write_text(text.replace(f'title: "{old_title}"', 'title: "zyxwvutq 改寫的標題"', 1)
                    + "\n補記：獨一無二的補充說明。\n", encoding="utf-8")
    indexed = []
    real = store._block
    monkeypatch.setattr(store, "_block", lambda handed, sources: indexed.append(len(sources)) or real(handed, sources))
    build(root)
    manifest = lambda: _manifest(root)
    assert indexed == [1] and [(len(rows), mask == rows) for _, _, rows, mask in manifest()["patches"].values()] == [(1, True)]

    def answers(queries, excerpt):
        return _exact_answers(root, tmp_path / f"packed-{len(indexed)}", chromium, how, queries, excerpt)

    queries = ["earlierwordzq", '"舊的補記"', f'"{old_title}"', "zyxwvutq", '"改寫的標題"', "獨一無二", *SEED_QUERIES]
    corpus = answers(queries, "獨一無二")
    edited = rel("search/index.html", next(e for e in corpus.entries if e.content_file.endswith(page.name)).path)
    assert not corpus.expected(queries[0]) and edited in corpus.expected("獨一無二")
    # A second article of the segment edited: one new patch of the same kept block holds both.
    other = sorted((root / "content").rglob("*.md"))[2]
    other.write_text(other.read_text(encoding="utf-8") + "\nsecondwordzq 再補一筆。\n", encoding="utf-8")
    build(root)
    assert indexed == [1, 2] and [(len(rows), mask == rows) for _, _, rows, mask in manifest()["patches"].values()] == [(2, True)]
    answers(["secondwordzq", '"再補一筆"', *queries], "再補一筆")
    monkeypatch.setattr(store, "RECENT_ARTICLES", 0)
    page.write_text(page.read_text(encoding="utf-8").replace("zyxwvutq", "qwertzuiop"), encoding="utf-8")
    build(root)
    assert _search_files(root) == _search_files(_built_clean(root, tmp_path / "clean"))


def _exact_answers(root, packed, chromium, how, queries, excerpt):
    """Every query answered by the built site (over HTTP, or from `pack`'s zip unpacked into
    `packed` from file://) with exactly the pages holding it, and the excerpt of a query for
    `excerpt` marking it: the article's own text. The archive's Corpus."""
    site = root / "site"
    if how == "file":
        packed.mkdir()
        assert run_cli("--root", str(root), "pack", "--output", str(packed / "a.zip")).returncode == 0
        with zipfile.ZipFile(packed / "a.zip") as zf:
            zf.extractall(packed)
        site = packed / "news-archive"
    corpus = Corpus(root)
    with serve(site) as base:
        search = _open(chromium, (site / "search" / "index.html").as_uri() if how == "file" else base + "search/index.html")
        for query in queries:
            assert {r["url"] for r in _search(search, query)} == corpus.expected(query), query
        search.goto(search.url.split("?")[0] + "?q=" + quote(excerpt))
        search.wait_for_selector("#search-results .entry .excerpt mark")
        assert search.locator("#search-results .excerpt mark").all_inner_texts() == [excerpt]
        assert not search.errors
    return corpus


@pytest.mark.parametrize("how", ["http", "file"])
def test_articles_added_and_removed_patch_their_segment_and_answer_as_a_clean_index(seed_root, tmp_path, chromium,
                                                                                   monkeypatch, how):
    """Two articles added to the seeds' segment (one among the newest, one among the September
    reports): only they are indexed, as a patch of the kept block whose articles the page moves to
    their new rows, and every query finds exactly the pages holding it, on both paths (from file://,
    an added article's excerpt is its own text). Then a seed removed: a new patch of the same block,
    which passes the removed one over; the answers still exact. Written whole next: a clean build's
    index, byte for byte."""
    from newsarchive.builder.search import store

    monkeypatch.setattr(store, "RECENT_SHARE", 1.0)  # (5 seeds: a quarter would always write all)
    monkeypatch.setattr(store, "PATCH_FROM", 1)  # (... and their one segment would be indexed whole)
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root)
    pages = sorted((root / "content").rglob("*.md"), key=lambda p: p.read_text(encoding="utf-8"))
    newest = max(pages, key=lambda p: re.search(r"^date: (.*)$", p.read_text(encoding="utf-8"), flags=re.M).group(1))
    september = next(p for p in pages if "/2020/09/" in p.as_posix())
    for n, (page, words) in enumerate([(newest, "addedwordzq 新加的一篇。"), (september, "middlewordzq 夾在中間。")]):
        text = page.read_text(encoding="utf-8").replace('title: "', f'title: "Added {n} ', 1)
        page.with_name(f"added-{n}-{page.name}").write_text(f"{text}\n{words}\n", encoding="utf-8")
    indexed = []
    real = store._block
    monkeypatch.setattr(store, "_block", lambda handed, sources: indexed.append(len(sources)) or real(handed, sources))
    build(root)
    manifest = _manifest(root)
    [(base, _, rows, mask)] = manifest["patches"].values()
    assert indexed == [2] and len(rows) == 2 and mask == [] and manifest["segments"][base]["count"] == 5
    queries = ["addedwordzq", '"新加的一篇"', "middlewordzq", '"夾在中間"', "Added", *SEED_QUERIES]
    corpus = _exact_answers(root, tmp_path / "packed-1", chromium, how, queries, "夾在中間")
    assert len(corpus.expected("Added")) == 2
    gone = next(p for p in pages if p not in (newest, september) and "/2020/09/" in p.as_posix())
    gone_words = re.search(r'^title: "(.*)"$', gone.read_text(encoding="utf-8"), flags=re.M).group(1)
    gone.unlink()
    build(root)
    manifest = _manifest(root)
    [(again, _, rows, mask)] = manifest["patches"].values()
    assert indexed == [2, 2] and again == base and len(rows) == 2 and len(mask) == 1
    _exact_answers(root, tmp_path / "packed-2", chromium, how, [f'"{gone_words}"', *queries], "新加的一篇")
    monkeypatch.setattr(store, "RECENT_ARTICLES", 0)
    added = next((root / "content").rglob("added-0-*.md"))
    added.write_text(added.read_text(encoding="utf-8").replace("addedwordzq", "qwertzuiop"), encoding="utf-8")
    build(root)
    assert _search_files(root) == _search_files(_built_clean(root, tmp_path / "clean"))


# Traditional characters OpenCC folds to characters outside the Basic Multilingual Plane.
ASTRAL_FOLDS = sorted(c for c, s in __import__("newsarchive.lang", fromlist=["fold_map"]).fold_map().items()
                      if any(ord(x) > 0xFFFF for x in s))


@pytest.fixture(scope="module")
def shown_site(seed_root, tmp_path_factory):
    """The seeds and one article whose caption, tags and byline hold words its text does not, and
    whose text holds every character that folds outside the BMP before the words searched for."""
    root = tmp_path_factory.mktemp("search-shown") / "a"
    copy_tree(seed_root, root)
    incoming = root.parent / "in"
    incoming.mkdir()
    body = ("".join(ASTRAL_FOLDS) + "\n\n佢哋喺度傾偈，講到美國大選同埋經濟。\n\n"
            '<figure>\n<img src="https://img.example/a.jpg" alt="">\n<figcaption>攝影師莫雲漪拍攝的照片</figcaption>\n</figure>\n\n'
            "The council was posting notices about the new books.\n")
    (incoming / "shown.md").write_text(
        "---\ntitle: 嗰度的新聞\ndate: 2021-03-04\nauthor: 司徒懷恩\ntags:\n  - 綠茵劇場\n---\n\n" + body, encoding="utf-8")
    from .conftest import ingest_into
    summary = ingest_into(root, [incoming])
    assert len(summary.ingested) == 1
    build(root)
    return root


SHOWN_QUERIES = {"莫雲漪": "caption", "綠茵劇場": "tag", "司徒懷恩": "byline", "美國 大選": "text",
                 "post": "prefix (posting)", "book": "stem (books)", "notice": "stem (notices)", "councils": "stem (council)"}


@pytest.mark.parametrize("how", ["http", "file"])
def test_captions_tags_and_bylines_are_found_and_marks_land_on_the_words(shown_site, chromium, how, tmp_path):
    """Every word the article page shows as the article is found (a caption, a tag, a byline), on both
    paths; and in a text holding every character that folds outside the BMP the marks are exactly
    the words searched for (each mark folds to the query's folded item). From file:// the excerpts
    come from the texts `pack` adds (the built site does not carry them)."""
    site = shown_site / "site"
    assert not (site / "search" / "text").exists()
    if how == "file":
        assert run_cli("--root", str(shown_site), "pack", "--output", str(tmp_path / "a.zip")).returncode == 0
        with zipfile.ZipFile(tmp_path / "a.zip") as zf:
            zf.extractall(tmp_path)
        site = tmp_path / "news-archive"
    with serve(site) as base:
        page = _open(chromium, (site / "search" / "index.html").as_uri() if how == "file" else base + "search/index.html")
        assert _engine(page) == ("offline" if how == "file" else "online")
        corpus = Corpus(shown_site)
        for query, kind in SHOWN_QUERIES.items():
            urls = {r["url"] for r in _search(page, query)}
            assert any("嗰度的新聞" in u for u in urls) and urls == corpus.expected(query), (query, kind, urls)
        assert not any("嗰度的新聞" in r["url"] for r in _search(page, '"post"'))  # quoted: the word as written
        for query in ("美國 大選", "佢哋 喺度", ASTRAL_FOLDS[100] + ASTRAL_FOLDS[101]):
            page.goto(page.url.split("?")[0] + "?q=" + quote(query))
            page.wait_for_selector("#search-results .entry .excerpt")
            marks = page.eval_on_selector_all("#search-results .excerpt mark", "ms => ms.map(m => m.textContent)")
            items = [normalize(w) for w in query.split()]
            assert marks and all(normalize(m) in items for m in marks), (query, marks)


def test_marks_are_exact_after_every_character_that_folds_outside_the_bmp(seed_site, chromium):
    """The excerpt of one text per astral-folding character (the character, then a word): the mark is
    that character and word, exactly; and after all 633 of them, a later word is marked, not shifted."""
    page = _open(chromium, (seed_site / "site" / "search" / "index.html").as_uri())
    cases = [[f"前文{c}後文測試", f"{c}後"] for c in ASTRAL_FOLDS]
    cases.append(["".join(ASTRAL_FOLDS) + " 提出討論 美國大選", "美國 大選"])
    got = page.evaluate("cs => cs.map(c => window.newsarchive.excerpt(c[0], c[1]))", cases)
    assert len(ASTRAL_FOLDS) > 600
    for (text, query), marks in zip(cases[:-1], got[:-1]):
        assert marks == [query], (text, marks)
    assert got[-1] == ["美國", "大選"]


def test_the_page_stems_as_the_index_does(corpus_site, chromium):
    """static/search.js's stemmer gives tokens.stem's answer for every Latin word of the corpus."""
    from newsarchive.builder.search.tokens import stem

    words = sorted({w for text in Corpus(corpus_site).text.values() for w in text.split(" ")
                    if w and not re.match(f"[{CJK_CLASS}]", w)})
    assert len(words) > 2000
    with serve(corpus_site / "site") as base:
        page = _open(chromium, base + "search/index.html")
        got = page.evaluate("ws => ws.map(window.newsarchive.stem)", words)
    assert dict(zip(words, got)) == {w: stem(w) for w in words}


KNOWN_ITEMS = 100
KNOWN_SEED = 20261201


def known_items(corpus: Corpus, count: int, seed: int) -> list[tuple[str, str]]:
    """(query, the one article it should find first): a distinctive phrase from an article's text
    (never from its title), given as separate words - four or six CJK characters as two-character
    words, or three English words - that at least two other articles hold apart, so that ranking
    decides."""
    from newsarchive.builder.search import HEAD_LINES

    rng = random.Random(seed)
    bodies = {corpus.url(e): normalize(searchable_text(e).split("\n", HEAD_LINES)[-1]) for e in corpus.entries}
    titles = {corpus.url(e): normalize(e.title) for e in corpus.entries}
    urls, out, tries = sorted(bodies), [], 0
    while len(out) < count and tries < count * 200:
        tries += 1
        url = rng.choice(urls)
        runs = [r for r in bodies[url].split(" ") if len(r) >= 10 and re.match(f"[{CJK_CLASS}]", r)]
        english = re.findall(r"(?<![a-z0-9] )\b[a-z]{4,} [a-z]{4,} [a-z]{4,}\b", bodies[url])
        if english and rng.random() < 0.15:
            phrase = rng.choice(english)
            query = phrase
        elif runs:
            run = rng.choice(runs)
            size = rng.choice((4, 6))
            at = rng.randrange(len(run) - size + 1)
            phrase = run[at:at + size]
            query = " ".join(phrase[k:k + 2] for k in range(0, size, 2))  # as if typed word by word
        else:
            continue
        holders = [u for u, text in corpus.text.items() if _holds(text, phrase)]
        matching = corpus.expected(query)
        # distinctive as a phrase, common as words: other articles match too, and ranking decides
        if holders == [url] and phrase not in titles[url] and len(matching) >= 3 and (query, url) not in out:
            out.append((query, url))
    return out


def test_known_items_come_first_in_the_same_order_on_both_paths(corpus_site, chromium):
    """100 known-item queries on the corpus: the article is first in >= 90 %, in the top 3 in >= 98 %,
    and the two paths rank every query's results the same."""
    corpus = Corpus(corpus_site)
    queries = known_items(corpus, KNOWN_ITEMS, KNOWN_SEED)
    assert len(queries) == KNOWN_ITEMS
    site = corpus_site / "site"
    ranks = {}
    with serve(site) as base:
        for how, url in (("http", base + "search/index.html"), ("file", (site / "search" / "index.html").as_uri())):
            page = _open(chromium, url)
            got = page.evaluate("qs => Promise.all(qs.map(q => window.newsarchive.search(q)))", [q for q, _ in queries])
            ranks[how] = [[r["url"] for r in results] for results in got]
    assert ranks["http"] == ranks["file"]
    positions = [found.index(url) if url in found else 99 for (q, url), found in zip(queries, ranks["http"])]
    first = sum(p == 0 for p in positions) / len(positions)
    top3 = sum(p < 3 for p in positions) / len(positions)
    missed = [(q, p) for (q, _u), p in zip(queries, positions) if p > 0]
    assert first >= 0.90 and top3 >= 0.98, (first, top3, missed)


def test_no_result_says_why_and_filters_can_be_cleared_and_the_keyboard_skips_the_filters(seed_site, chromium):
    """A query nothing holds: the page says so with the query and what may help. A filter that leaves
    nothing: one button clears the filters. The skip link takes the keyboard past the filters."""
    with serve(seed_site / "site") as base:
        page = _open(chromium, base + "search/index.html?q=" + quote("不存在的詞語組合"))
        page.wait_for_selector("#search-results .no-results")
        assert "不存在的詞語組合" in page.inner_text("#search-results .no-results")
        assert page.locator("#search-results .clear-filters").count() == 0  # no filter to blame
        page.goto(base + "search/index.html?q=" + quote("聯合國") + "&year=1999")
        page.wait_for_selector("#search-results .clear-filters")
        page.click("#search-results .clear-filters")
        page.wait_for_selector("#search-results .entry")
        assert page.locator("#search-results .entry").count() == len(Corpus(seed_site).expected("聯合國"))
        page.focus("#q")
        for _ in range(6):  # past the search box's own button, the skip link comes before any filter
            page.keyboard.press("Tab")
            focused = page.evaluate("[document.activeElement.tagName, document.activeElement.getAttribute('href')]")
            assert focused[0] != "INPUT" and focused[0] != "SELECT", focused
            if focused[1] == "#search-results":
                break
        assert focused[1] == "#search-results"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "search-results"


def test_a_first_build_makes_the_index_after_the_article_pages_and_an_edit_before(seed_root, tmp_path, monkeypatch):
    """The index is made before the article pages (which wait for same story's process) only when it
    has little to index - an edit's segment: beside that process a first build's pool of index
    workers took a cold build at 100 000 from 4.2 to 5.6-6.0 GB. Segments of at most 2 articles and
    EARLY_SEARCH_ARTICLES = 2: the five seeds are indexed last, the January call's segment (its one
    article) first; either way the index holds what the site shows."""
    from newsarchive.builder import pages, parallel
    from newsarchive.builder import search
    from newsarchive.builder.search import store

    monkeypatch.setattr(store, "SEGMENT_ARTICLES", 2)
    monkeypatch.setattr(pages, "EARLY_SEARCH_ARTICLES", 2)
    order: list[str] = []
    real_articles, real_index = parallel.articles, search.search_files

    def articles(*args, **kwargs):
        order.append("articles")
        yield from real_articles(*args, **kwargs)

    def index(*args, **kwargs):
        order.append("index")
        yield from real_index(*args, **kwargs)

    monkeypatch.setattr(parallel, "articles", articles)
    monkeypatch.setattr(search, "search_files", index)
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    build(root)
    assert order == ["articles", "index"]
    page = next(p for p in sorted((root / "content").rglob("*.md")) if "/2021/" in p.as_posix())
    page.write_text(page.read_text(encoding="utf-8").replace('title: "', 'title: "EDITED ', 1), encoding="utf-8")
    order.clear()
    build(root)
    assert order == ["index", "articles"]
    assert '"EDITED ' in (root / "site" / "search" / "meta.js").read_text(encoding="utf-8")


def _manifest(root: Path) -> dict:
    """The kept search index's manifest (store.py): its segments and patches."""
    from newsarchive.builder.search import store

    return json.loads((root / ".newsarchive-cache" / "search" / store.MANIFEST).read_text(encoding="utf-8"))


def _synthetic(days: dict[str, int], undated: int = 0) -> tuple:
    """Entries (newest first) with `days[date]` articles on each day, and some undated ones."""
    from newsarchive.builder.collect import Entry
    from newsarchive.parsed import Body

    made = [Entry(title="t", outlet="o", lang="en", body=Body(""), date=day, path=f"articles/{day}/{k}.html",
                  content_file=f"content/{day}/{k}.md") for day, count in days.items() for k in range(count)]
    made += [Entry(title="t", outlet="o", lang="en", body=Body(""), path=f"articles/undated/{k}.html",
                   content_file=f"content/undated/{k}.md") for k in range(undated)]
    return tuple(sorted(made, key=lambda e: e.sort_key))


def _stretches(entries: tuple) -> list[tuple[str, ...]]:
    from newsarchive.builder.search import store

    return [tuple(e.path for e in entries[s.start:s.stop]) for s in store.segments(entries)]


def test_an_older_article_added_moves_its_own_segment_not_every_later_one():
    """Segments end at cut articles (a hash of their path), not at counts from the oldest end: ten
    articles added to one day of a 60 000-article archive (days of 50-400), or one undated article,
    leave all but a few segments as they were; each holds a day's articles together, at most
    SEGMENT_ARTICLES, and the undated articles are segments of their own."""
    from datetime import date, timedelta

    from newsarchive.builder.search import store

    rng = random.Random(7)
    days = {(date(2020, 1, 1) + timedelta(d)).isoformat(): rng.randint(50, 400) for d in range(270)}
    entries = _synthetic(days, undated=40)
    before = _stretches(entries)
    assert all(len(part) <= store.SEGMENT_ARTICLES for part in before)
    assert 30 <= len(before) <= 50, len(before)
    day_of = {e.path: e.date for e in entries}
    holding = {}
    for n, part in enumerate(before):
        for p in part:
            holding.setdefault(day_of[p], set()).add(n)
    assert all(len(parts) == 1 for parts in holding.values())  # (no day here is larger than a segment)
    assert {day_of[p] for p in before[-1]} == {None}  # (the undated, oldest, alone)
    for day in ("2020-02-10", "2020-06-01", "2020-09-20"):
        grown = _stretches(_synthetic({**days, day: days[day] + 10}, undated=40))
        assert len(set(grown) - set(before)) <= 3, day
    grown = _stretches(_synthetic(days, undated=41))
    assert set(grown) - set(before) == {grown[-1]}


def test_meta_js_rows_are_kept_a_segment_at_a_time_and_it_is_the_whole_value_written_at_once(seed_root, tmp_path,
                                                                                           monkeypatch):
    """meta.js's rows are written a segment at a time and kept by segment (search/meta.py): the file is
    the same, byte for byte, as its whole value written at once - on a first build, from kept rows
    after an edit (which writes only its segment's rows), with a kept file damaged by hand (written
    again), and with nothing kept (a cache that cannot be written)."""
    from newsarchive.builder.render import compact_script_json
    from newsarchive.builder.search import meta, store

    monkeypatch.setattr(store, "SEGMENT_ARTICLES", 2)
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    rows = root / ".newsarchive-cache" / "search" / meta.DOCS

    def whole() -> bytes:
        text = (root / "site" / "search" / "meta.js").read_text(encoding="utf-8")
        value = json.loads(text[text.index("=") + 1:].rstrip().rstrip(";"))
        assert len(value["docs"]) == 5
        return f"window.NEWSARCHIVE_SEARCH={compact_script_json(value)};\n".encode()

    def meta_js() -> bytes:
        return (root / "site" / "search" / "meta.js").read_bytes()

    page = next(p for p in sorted((root / "content").rglob("*.md")) if "/2021/" in p.as_posix())

    def edit(word: str) -> None:
        page.write_text(page.read_text(encoding="utf-8").replace('title: "', f'title: "{word} ', 1), encoding="utf-8")
        build(root)
        assert f'"{word} ' in meta_js().decode()

    build(root)
    assert meta_js() == whole()
    first = {p.name: p.stat().st_ino for p in rows.iterdir()}
    assert len(first) == 3  # (one file a segment)
    edit("EDITED")
    assert meta_js() == whole()
    after = {p.name: p.stat().st_ino for p in rows.iterdir()}
    assert len(after) == 3 and len(set(after.items()) - set(first.items())) == 1
    other = next(name for name in sorted(after) if name in first)
    kept = (rows / other).read_text(encoding="utf-8")
    (rows / other).write_text(kept.replace('"', "'", 2), encoding="utf-8")
    edit("AGAIN")
    assert meta_js() == whole() and (rows / other).read_text(encoding="utf-8") == kept
    monkeypatch.setattr(meta, "_folder", lambda kept: None)
    edit("THRICE")
    assert meta_js() == whole()


def test_recent_files_fold_the_shards_as_the_page_looks_for_them():
    """Each shard file's recent blocks go to one recent file, which holds exactly the shards folded
    into it (RECENT_FOLD of them at 100 000 articles' 4 096 + 512 shards: 512 + 64 recent files), and
    search.js folds by the same number."""
    from newsarchive.builder.search import postings, store

    for layout in (postings.Layout.of(5), postings.Layout.of(100_000)):
        files = store._recent_files(layout)
        for shard in sorted(store._shard_files(layout)):
            assert store._recent_file(shard, layout) in files
            assert shard in store._folded(store._recent_file(shard, layout), layout)
        assert sum(len(store._folded(f, layout)) for f in files) == len(store._shard_files(layout))
    large = postings.Layout.of(100_000)
    assert (large.shards, large.char_shards, len(store._recent_files(large))) == (4096, 512, 512 + 64)
    import newsarchive

    script = (Path(newsarchive.__file__).parent / "defaults" / "static" / "search.js").read_text(encoding="utf-8")
    assert re.search(r"var RECENT_FOLD = (\d+);", script).group(1) == str(store.RECENT_FOLD)
