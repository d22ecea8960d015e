"""Same story across outlets: the four seed reports of one lunch link to each other as one story, the
later video call of the same two diplomats is their related coverage; articles on different events
do not link. Same story is compared within a date window, and finds every pair the all-pairs
comparison finds inside it."""
import shutil
from pathlib import Path

from newsarchive.archive import Archive
from newsarchive.cache import CacheStore
from newsarchive.builder.collect import collect
from newsarchive.builder.related import MIN_SIMILARITY, same_story

SEED_FILES = {f"sources/{n}" for n in ("000_bf67578e0c1fd6cd.txt", "001_adfec861ec877f4b.txt",
                                      "002_794e56555e130c76.txt", "003_bb4a6ccb6fd5c6e9.txt",
                                      "004_8b33a5d1a2295563.txt")}


CALL = "sources/004_8b33a5d1a2295563.txt"  # January 2021: a video call of the same two diplomats
LUNCH = SEED_FILES - {CALL}                 # September 2020: four outlets' reports of one lunch


def _links(related, entries, kind="same"):
    by_path = {e.path: e for e in entries}
    return {by_path[p].source["file"]: {o.source["file"] for o in getattr(found, kind)}
            for p, found in related.items() if getattr(found, kind)}


def _check_seeds(related, entries):
    same, coverage = _links(related, entries), _links(related, entries, "coverage")
    for seed in LUNCH:  # the four lunch reports are one story
        assert LUNCH - {seed} <= same.get(seed, set()) <= LUNCH, (seed, same.get(seed))
    assert CALL not in same  # four months later: another event ...
    assert coverage[CALL] and coverage[CALL] <= LUNCH  # ... but related coverage of the lunch
    assert sum(CALL in coverage.get(seed, set()) for seed in LUNCH) >= 3


def test_threshold_is_named():
    assert 0 < MIN_SIMILARITY < 1


def _seed_site(seed_root: Path, tmp_path: Path):
    """The seeds gathered from a copy: collect keeps its caches in the archive it reads, and the
    seed_root every test shares must stay as ingest left it (copies of it taken later carried those
    caches: tests/test_gathered.py's counts differed when this file ran before it)."""
    shutil.copytree(seed_root, tmp_path / "seeds", symlinks=True)
    return collect(Archive(tmp_path / "seeds"))


def test_seed_archive_alone(seed_root, tmp_path):
    site = _seed_site(seed_root, tmp_path)
    _check_seeds(same_story(site.entries), site.entries)


def test_seeds_among_the_corpus(seed_root, corpus_run, tmp_path):
    corpus_root, _summary = corpus_run
    root = tmp_path / "mixed"
    shutil.copytree(corpus_root / "content", root / "content")
    shutil.copytree(seed_root / "content", root / "content", dirs_exist_ok=True)
    site = collect(Archive(root))
    related = same_story(site.entries)
    _check_seeds(related, site.entries)
    links = _links(related, site.entries)
    by_file = {e.source["file"]: e for e in site.entries}
    # No link crosses languages.
    for a, others in links.items():
        for b in others:
            assert by_file[a].lang.split("-")[0] == by_file[b].lang.split("-")[0]
    # Two reports on one affair eight days apart are related coverage, not one event (Navalny's
    # poisoning: RFI on the nerve agent found, DW on Russia refusing an inquiry) ...
    navalny = {f for f, e in by_file.items() if "纳瓦" in e.title}
    coverage = _links(related, site.entries, "coverage")
    assert len(navalny) == 2 and all(navalny - {f} <= coverage.get(f, set()) for f in navalny)
    assert not any(navalny - {f} <= links.get(f, set()) for f in navalny)
    # ... while most articles, on other events, link to nothing (an Xbox review is one story alone).
    linked_share = len(links) / len(site.entries)
    assert linked_share < 0.2, f"{linked_share:.0%} of articles have same-story links"
    xbox = next(f for f, e in by_file.items() if e.title.startswith("Xbox One X review"))
    assert xbox not in links


def test_cached_answer_is_reused_until_an_article_changes(seed_root, tmp_path, monkeypatch):
    import dataclasses

    from newsarchive.builder import packed, related as rel

    site = _seed_site(seed_root, tmp_path)
    fresh = same_story(site.entries)
    first = same_story(site.entries, CacheStore(tmp_path / "cache"))
    assert first == fresh

    def must_not_run(sheet, store, files=None):
        raise AssertionError("compared again though nothing changed")

    monkeypatch.setattr(rel, "_linked", must_not_run)
    assert same_story(site.entries, CacheStore(tmp_path / "cache")) == fresh
    # One article edited (its content page's digest changes): its language is compared again.
    edited = (dataclasses.replace(site.entries[0], digest="edited"),) + site.entries[1:]
    monkeypatch.undo()
    calls = []
    monkeypatch.setattr(rel, "_linked", lambda sheet, store, files=None: calls.append(len(sheet.order)) or
                        (rel._Lists.empty(len(sheet.order)), rel._Lists.empty(len(sheet.order))))
    decoded = []
    real = packed.read_any
    monkeypatch.setattr(packed, "read_any", lambda path: decoded.append(path) or real(path))
    assert same_story(edited, CacheStore(tmp_path / "cache")) == {} and calls
    assert decoded == []  # the stored answer's key told it was of other articles: not decoded


def test_a_stored_answer_taken_for_fewer_articles_leaves_out_the_others(seed_root, tmp_path):
    """The stored answer taken as it is (serve's hot pass) for the articles there are now: a removed
    article's links go, and so do the links to it; the others are the answer's, in its order."""
    from newsarchive.builder.related import Links

    site = _seed_site(seed_root, tmp_path)
    store = CacheStore(tmp_path / "cache")
    fresh = same_story(site.entries, store)
    gone = next(e for e in site.entries if fresh.get(e.path) and fresh[e.path].same)
    left = tuple(e for e in site.entries if e is not gone)
    expected = {path: Links(tuple(e for e in links.same if e is not gone), tuple(e for e in links.coverage if e is not gone))
                for path, links in fresh.items() if path != gone.path}
    assert same_story(left, store, stale_ok=True) == expected
    assert any(len(links.same) < len(fresh[path].same) for path, links in expected.items())


def _dies(tasks, send, parent, theirs=()):
    """A comparing process that ends without an answer (module level: a spawned child imports it)."""
    send.close()


def _answers_and_dies(tasks, send, parent, theirs=()):
    """A comparing process that sends its answer and ends before it stores it."""
    from newsarchive.builder import related as rel

    sheets, _store = tasks.recv()
    send.send(rel._compare_all({name: sheet._replace(key=None) for name, sheet in sheets.items()}, None))
    send.close()


def test_the_comparing_process_answers_before_it_stores(corpus_run, monkeypatch, tmp_path):
    """The answer is handed to the build before the comparing process stores it (storing every
    article's links was ~0.5 s the build waited for at 100 000 articles): what the build records of
    the stored file (for the next build's comparison) is the file that process stored, as one
    compared in this process stores it; a process that ends before it stores leaves no file recorded."""
    from newsarchive.builder import related as rel

    corpus_root, _summary = corpus_run
    entries = collect(Archive(corpus_root)).entries
    here_store, apart_store = CacheStore(tmp_path / "here"), CacheStore(tmp_path / "apart")
    monkeypatch.setattr(rel, "BACKGROUND_FROM", 10 ** 9)
    here = same_story(entries, here_store)
    here_record = here.record()
    monkeypatch.setattr(rel, "BACKGROUND_FROM", 1)
    apart = same_story(entries, apart_store)
    assert apart._job is not None and dict(apart) == dict(here)
    record = apart.record()
    for name, seen in record.items():
        assert seen["stat"] == rel._signature(apart_store.path(name)) and seen["stat"] is not None
        assert apart_store.path(name).read_bytes() == here_store.path(name).read_bytes()
        assert seen["positions"] == here_record[name]["positions"]
    with monkeypatch.context() as patched:
        patched.setattr(rel, "_compare_in_child", _answers_and_dies)
        cut = same_story(entries, CacheStore(tmp_path / "cut"))
        assert dict(cut) == dict(here)
        assert all(seen["stat"] is None for seen in cut.record().values())
        cut.close()


def test_comparison_in_a_process_of_its_own_gives_the_same_links(corpus_run, monkeypatch, tmp_path):
    """A large comparison runs in a child process beside rendering - one started before the site was
    gathered (related.Comparer), or started then; if that child dies, or finds a stored day's answer
    that its plan saw gone, the build compares in process. All give one answer. A process started
    early with nothing to compare ends."""
    from newsarchive.builder import related as rel, windows

    corpus_root, _summary = corpus_run
    entries = collect(Archive(corpus_root)).entries
    monkeypatch.setattr(rel, "BACKGROUND_FROM", 10 ** 9)
    here = dict(same_story(entries))
    monkeypatch.setattr(rel, "BACKGROUND_FROM", 1)
    apart = same_story(entries)
    assert apart._job is not None and dict(apart) == here and here
    early = rel.Comparer()
    started = same_story(entries, comparer=early)
    assert started._job is not None and started._job[0] is early._child and dict(started) == here
    forked_early = rel.Comparer(fork=True)
    forked_early.read_ahead(CacheStore(tmp_path / "none yet"))
    started = same_story(entries, comparer=forked_early)
    assert started._job[0] is forked_early._child and dict(started) == here
    for idle in (rel.Comparer(fork=fork) for fork in (False, True)):  # (one at a time: a fork holds every pipe open)
        with monkeypatch.context() as patched:
            patched.setattr(rel, "BACKGROUND_FROM", 10 ** 9)
            assert dict(same_story(entries, comparer=idle)) == here
        assert not idle._child.is_alive() and idle._child.exitcode == 0
    with monkeypatch.context() as patched:
        patched.setattr(rel, "_compare_in_child", _dies)
        orphaned = same_story(entries)
        assert orphaned._job is not None and dict(orphaned) == here
    # The plan takes every day's answer for stored (none is): the child cannot read them, says so,
    # and the build compares in process, storing what it finds.
    store = CacheStore(tmp_path / "cache")
    with monkeypatch.context() as patched:
        patched.setattr(windows, "_holds", lambda *args: True)
        misled = same_story(entries, store)
        assert misled._job is not None and dict(misled) == here
    assert len(list(store.path("related/zh").glob(f"*.{windows.SUFFIX}"))) > 1


def test_ledes_of_bodies_not_read_are_made_where_they_are_compared(corpus_run, monkeypatch, tmp_path):
    """Pages taken from the parsed-page cache have their bodies unread: a plan for another process
    hands it their titles and bodies (windows.Unread), which it reads there, and the links are
    those of a comparison in this process of the same pages with every body read."""
    from newsarchive.builder import related as rel, windows

    from .conftest import copy_tree

    corpus_root, _summary = corpus_run
    copy_tree(corpus_root / "content", tmp_path / "content")
    read = collect(Archive(tmp_path)).entries  # (parsed now: every body held; the cache written)
    entries = collect(Archive(tmp_path)).entries
    assert all(e.body.held for e in read) and not any(e.body.held for e in entries)
    chinese = tuple(e for e in entries if e.lang.startswith("zh"))
    (unread,) = rel._sheet(chinese, rel.WINDOW_DAYS, None, None, read=False).first.ledes
    assert isinstance(unread, windows.Unread) and len(unread.bodies) == len(chinese)
    assert not any(e.body.held for e in entries)  # (the plan read none of them)
    monkeypatch.setattr(rel, "BACKGROUND_FROM", 10 ** 9)
    here = dict(same_story(read))
    monkeypatch.setattr(rel, "BACKGROUND_FROM", 1)
    apart = same_story(entries)
    assert apart._job is not None and here
    assert {p: (tuple(e.path for e in links.same), tuple(e.path for e in links.coverage)) for p, links in apart.items()} \
        == {p: (tuple(e.path for e in links.same), tuple(e.path for e in links.coverage)) for p, links in here.items()}


def test_a_failed_build_stops_the_comparison_it_started(corpus_run, monkeypatch):
    from newsarchive.builder import related as rel

    corpus_root, _summary = corpus_run
    monkeypatch.setattr(rel, "BACKGROUND_FROM", 1)
    pending = same_story(collect(Archive(corpus_root)).entries)
    child = pending._job[0]
    pending.close()
    assert not child.is_alive() and pending._job is None


def _corpus_texts(corpus_run):
    from newsarchive.to_markdown import plain_text

    entries = [e for e in collect(Archive(corpus_run[0])).entries if e.lang.startswith("zh")]
    return [f"{e.title} {plain_text(e.body_md)}" for e in entries]


def _vectors(corpus_run):
    """The corpus's Chinese texts weighted against a table of them all."""
    from newsarchive.builder import terms

    counted, keys = terms.counts(_corpus_texts(corpus_run))
    table = terms.Table.of(counted, keys)
    return table.weigh(counted, keys), table


def test_weighting_is_scikit_learns_tfidf(corpus_run):
    """The TF-IDF written out on sparse arrays gives scikit-learn's TfidfTransformer(sublinear_tf=True)
    (the reference; scikit-learn is a test dependency only) when the table is made of the same texts."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfTransformer

    from newsarchive.builder import terms

    texts = _corpus_texts(corpus_run)
    assert len(texts) >= terms.MIN_DF_FROM  # the column filter is exercised
    counted, keys = terms.counts(texts)
    df = np.bincount(counted.indices, minlength=counted.shape[1])
    kept = counted[:, np.flatnonzero((df >= 2) & (df <= terms.COMMON_SHARE * len(texts)))]
    expected = TfidfTransformer(sublinear_tf=True).fit_transform(kept).toarray()
    ours = terms.Table.of(counted, keys).weigh(counted, keys)
    assert ours.shape == expected.shape
    assert np.allclose(ours.toarray(), expected, atol=1e-6)


def test_a_table_weighs_new_texts_by_its_own_frequencies(corpus_run):
    """Texts the table was not made from are weighed by the table's document frequencies (their
    terms unknown to it left out); a text's vector does not depend on what it is weighed with."""
    import numpy as np

    from newsarchive.builder import terms

    texts = _corpus_texts(corpus_run)
    table = terms.Table.of(*terms.counts(texts[:100]))
    alone = table.weigh(*terms.counts(texts[150:151]))
    among = table.weigh(*terms.counts(texts[120:200]))
    assert alone.shape[1] == among.shape[1] == len(table.keys)
    assert np.array_equal(alone.toarray()[0], among.toarray()[30])
    assert abs(np.linalg.norm(alone.toarray()[0]) - 1) < 1e-5


def test_counts_are_each_texts_folded_bigrams_and_words_counted_one_by_one(corpus_run):
    """terms.counts (all texts coded at once, pairs counted by a sort) gives, text by text, what
    counting each text's terms in Python gives: CJK character bigrams after folding Traditional to
    Simplified, keyed by their two code points, and Latin words of three or more letters or digits
    (lower case, function words left out), keyed by word_key."""
    import collections
    import re

    from newsarchive import lang
    from newsarchive.builder import terms

    # (and the two characters not ASCII that lower() makes a letter: U+0130, lowered to "i" and a combining
    # dot, two characters - in texts after which each word of a chunk began one place later - and the
    # Kelvin sign, "k")
    turkish = ["İSTANBUL İst abİ abİcd x\u212Ay \u212Aelvin İİİİ ÀBCDÉ naïve covid19 a1b2"] + ["xİ"] * 3 + ["İabc"] * 5
    texts = _corpus_texts(corpus_run) + ["", "only latin words and the 2020 count", "國際 國際。新聞 ab", "中"] + turkish + ["def"]
    counted, keys = terms.counts(texts)
    fold = lang.fold_map()
    for row, text in enumerate(texts):
        chars = [fold.get(c, c) for c in text]
        cjk = [0x3400 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFAFF for c in chars]
        want = collections.Counter((ord(chars[i]) << 16) | ord(chars[i + 1])
                                   for i in range(len(chars) - 1) if cjk[i] and cjk[i + 1])
        want.update(terms.word_key(w) for w in re.findall(r"[a-z0-9]{3,}", text.lower()) if w not in terms._stop_words())
        lo, hi = counted.indptr[row], counted.indptr[row + 1]
        assert dict(zip(keys[counted.indices[lo:hi]].tolist(), counted.data[lo:hi].tolist())) == want, row
    assert counted.has_sorted_indices and len(set(keys.tolist())) == len(keys) and (keys[1:] > keys[:-1]).all()


def test_only_two_characters_not_ascii_lower_to_an_ascii_letter_or_digit():
    """terms._latin_words finds words on code points, and takes these two (and no others) as
    str.lower() takes them; U+0130 is the only character whose lowered form is longer."""
    import string

    from newsarchive.builder import terms

    latin = set(string.ascii_lowercase + string.digits)
    points = [c for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    assert [c for c in points if latin & set(chr(c).lower())] == [terms._DOTTED_I, terms._KELVIN]
    assert [c for c in points if len(chr(c).lower()) != 1] == [terms._DOTTED_I]
    assert chr(terms._DOTTED_I).lower() == "i\u0307" and chr(terms._KELVIN).lower() == "k"


def test_counts_and_weights_made_in_parts_are_those_made_at_once(corpus_run, monkeypatch):
    """Counting COUNT_CHUNK texts at a time and weighing WEIGH_ROWS rows at a time (so that a large
    group's counts and weights are each held about once) give, bit for bit, what one part does; a
    table of some rows (`rows`) is the table of those rows taken out."""
    import numpy as np

    from newsarchive.builder import terms

    texts = _corpus_texts(corpus_run)
    whole, keys = terms.counts(texts)
    table = terms.Table.of(whole, keys)
    at_once = table.weigh(whole, keys)
    monkeypatch.setattr(terms, "COUNT_CHUNK", 7)
    monkeypatch.setattr(terms, "WEIGH_ROWS", 5)
    parts, part_keys = terms.counts(texts)
    assert np.array_equal(part_keys, keys) and (parts != whole).nnz == 0 and parts.dtype == np.float32
    in_parts = terms.Table.of(parts, part_keys).weigh(parts, part_keys)
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(in_parts, name), getattr(at_once, name))
    rows = np.arange(3, len(texts), 4)
    some = terms.Table.of(parts, part_keys, rows=rows)
    taken = terms.Table.of(whole[rows], keys)
    assert some.articles == taken.articles == len(rows)
    assert np.array_equal(some.keys, taken.keys) and np.array_equal(some.df, taken.df)


def test_split_product_finds_the_plain_products_neighbours(corpus_run, monkeypatch):
    """Common terms compared densely, the rest sparsely, in blocks of ROWS rows (small here, so the
    corpus makes several, the last one short), each bucket of rows against its time span widened by
    the window: the neighbours and similarities of one plain product of all terms with the pairs too
    far apart in time masked, best first; the background is the BACKGROUND_RANK-th of them."""
    import numpy as np

    from newsarchive.builder import windows

    vectors, table = _vectors(corpus_run)
    dense = windows._dense_terms(table)
    assert 0 < len(dense) < vectors.shape[1]  # both halves used
    monkeypatch.setattr(windows, "ROWS", 37)
    n = vectors.shape[0]
    assert n > 3 * 37 and n % 37
    plain = (vectors.astype(np.float64) @ vectors.T.astype(np.float64)).toarray()
    np.fill_diagonal(plain, -1.0)
    times = np.sort(np.random.default_rng(1).uniform(0, 40 * windows.DAY, n))
    ids = [f"{i:016d}".encode() for i in range(n)]
    row_of = {i: i for i in range(n)}
    parts = windows.Parts.of(vectors, dense)
    for window, days in ((float("inf"), None), (3 * windows.DAY, 3)):
        masked = plain.copy()
        masked[np.abs(times[:, None] - times[None, :]) > window] = -1.0
        masked_any = 0
        for rows in windows.buckets(times, days).values():
            cols = windows.columns(rows, times, window)
            near = windows.near(parts, row_of, rows, cols, times, window, windows.rare_terms(table.df), ids)
            expected = -np.sort(-masked[rows], axis=1)[:, :windows.CANDIDATES]
            background = np.maximum(expected[:, windows.BACKGROUND_RANK], 0)
            assert np.allclose(near.background, background, atol=1e-5)
            for r, other, sim in zip(near.pair_of, near.pair_id, near.pair_sim):
                assert abs(masked[rows[r], int(other)] - sim) < 1e-5 and sim >= windows.CANDIDATE_FLOOR
            wanted = {(r, j) for r in range(len(rows)) for j in np.flatnonzero(masked[rows[r]] >= windows.CANDIDATE_FLOOR)
                      if masked[rows[r], j] >= expected[r, -1]}
            assert wanted <= {(int(r), int(o)) for r, o in zip(near.pair_of, near.pair_id)}
            masked_any += int((masked[rows] < 0).sum())
            assert _signature_rows(near) == [_heaviest_rare(vectors[row], table.df) for row in rows]
        assert masked_any >= n  # (at least the diagonal)


def _signature_rows(near) -> list[list[tuple[int, float]]]:
    out = [[] for _ in near.ids]
    for r, term, weight in zip(near.sig_of.tolist(), near.sig_key.tolist(), near.sig_weight.tolist()):
        out[r].append((term, weight))
    return out


def test_signatures_break_ties_by_term_where_many_terms_weigh_the_same():
    """Rows of few distinct weights (ties at the SIGNATURE_TERMS-th heaviest and across it), rare
    terms in both parts (dense and sparse) or in the sparse part only, rows asked in any order: each
    signature is the definition's."""
    import numpy as np
    from scipy.sparse import random as sparse_random

    from newsarchive.builder import windows

    rng = np.random.default_rng(7)
    joined = 0  # (trials where a dense term is rare: the two parts' rows joined)
    for trial in range(40):
        n, width = int(rng.integers(1, 30)), int(rng.integers(30, 300))
        vectors = sparse_random(n, width, density=0.4, format="csr", dtype=np.float32, random_state=trial)
        vectors.data = (np.ceil(vectors.data * 3) / 3).astype(np.float32)  # (three weights)
        df = rng.integers(1, 2 * windows.RARE_DF, width)
        # (every other trial's dense terms taken from those no signature takes)
        pool = np.arange(width) if trial % 2 else np.flatnonzero(~windows.rare_terms(df))
        dense = np.sort(rng.choice(pool, int(rng.integers(0, len(pool) // 2 + 1)), replace=False))
        rows = [int(i) for i in rng.permutation(n)]
        parts, rare = windows.Parts.of(vectors, dense), windows.rare_terms(df)
        joined += bool(rare[dense].any())
        of, key, weight = windows._signatures(parts, parts.sparse[rows], parts.dense[rows], rare)
        got = [[(int(k), float(w)) for k, w in zip(key[of == r], weight[of == r])] for r in range(n)]
        assert got == [_heaviest_rare(vectors[row], df) for row in rows], trial
    assert 0 < joined < 40


def _heaviest_rare(row, df) -> list[tuple[int, float]]:
    """A signature spelled out on a whole vector: its terms of base frequency 2 to RARE_DF, heaviest
    first (then by term), SIGNATURE_TERMS of them."""
    from newsarchive.builder import windows

    terms = [(int(t), float(w)) for t, w in zip(row.indices, row.data) if 2 <= df[t] <= windows.RARE_DF]
    return sorted(terms, key=lambda tw: (-tw[1], tw[0]))[:windows.SIGNATURE_TERMS]


def test_related_coverage_leaves_out_the_article_and_its_same_story(corpus_run):
    """Related coverage: at most MAX_COVERAGE articles, never the article itself, never one already in
    its same-story list - the next best take their places."""
    import numpy as np

    from newsarchive.builder import related as rel, windows

    vectors, table = _vectors(corpus_run)
    parts = windows.Parts.of(vectors, windows._dense_terms(table))
    of, key, weight = windows._signatures(parts, parts.sparse, parts.dense, windows.rare_terms(table.df))
    from scipy.sparse import csr_matrix
    signature = csr_matrix((weight, (of, key)), shape=vectors.shape)
    assert np.all(np.diff(np.flatnonzero(np.diff(of, prepend=-1))) <= windows.SIGNATURE_TERMS)
    found = rel._coverage(signature, [set() for _ in range(vectors.shape[0])])
    assert sum(map(bool, found)) >= 20
    assert all(i not in row and len(row) <= rel.MAX_COVERAGE for i, row in enumerate(found))
    taken = [set(row[:1]) for row in found]  # as if each first pick were same story
    again = rel._coverage(signature, taken)
    assert all(not (set(row) & taken[i]) for i, row in enumerate(again))
    assert all(row == [j for j in found[i] if j not in taken[i]] + row[len(found[i]) - len(taken[i]):]
               for i, row in enumerate(again) if len(found[i]) < rel.MAX_COVERAGE)


def test_an_incremental_comparison_equals_a_clean_one(corpus_run, tmp_path, monkeypatch):
    """With a store, a second run takes every day's answer from it, and scores no article's related
    coverage again. After articles are added (a report the day after the newest, and a copy of it) and
    a recent one edited, only the days around them are compared again - the table of term frequencies
    is kept, its base unchanged - and only the articles near them in terms are scored again; after a
    recent article others list as related coverage is removed, only those near it. Each answer is the
    one a run without any store gives."""
    import dataclasses
    from collections import Counter

    from newsarchive.builder import related as rel, windows

    entries = tuple(e for e in collect(Archive(corpus_run[0])).entries if e.lang.startswith("zh"))
    newest = entries[0]
    assert newest.date.startswith("2021-09")
    store = CacheStore(tmp_path / "cache")
    first = rel._same_story(entries, 3, store, "related/zh")
    assert first == rel._same_story(entries, 3)
    compared, scored = [], []
    real, real_coverage = windows.near, rel._coverage

    def counting(vectors, row_of, rows, *args):
        compared.append(len(rows))
        return real(vectors, row_of, rows, *args)

    def scoring(signature, same, rows=None, inverted=None):
        scored.append(signature.shape[0] if rows is None else len(rows))
        return real_coverage(signature, same, rows, inverted)

    monkeypatch.setattr(windows, "near", counting)
    monkeypatch.setattr(rel, "_coverage", scoring)
    assert rel._same_story(entries, 3, store, "related/zh") == first and not compared and scored == [0]
    added = tuple(dataclasses.replace(newest, date="2021-09-14", path=f"articles/2021/09/new-{n}.html",
                                      title=newest.title + "（續）" * n, digest=f"new{n}") for n in (1, 2))
    # ... and a later report on the same people as the article most listed as related coverage: listed in turn
    hub = Counter(o.path for links in first.values() for o in links.coverage).most_common(1)[0][0]
    follow_up = dataclasses.replace(next(e for e in entries if e.path == hub), date="2021-09-14",
                                    path="articles/2021/09/follow-up.html", digest="follow-up")
    edited = (dataclasses.replace(newest, title=newest.title + "（更新）", digest="edited"),) + entries[1:]
    scored.clear()
    again = rel._same_story(added + (follow_up,) + edited, 3, store, "related/zh")
    assert 0 < sum(compared) <= 4 and 0 < scored[0] < len(entries) / 2, (compared, scored)
    assert any(follow_up in links.coverage for links in again.values())
    scored.clear()
    fewer = rel._same_story(added + edited, 3, store, "related/zh")  # (the follow-up removed)
    assert 0 < scored[0] < len(entries) / 2, scored
    monkeypatch.undo()
    assert again == rel._same_story(added + (follow_up,) + edited, 3)
    assert fewer == rel._same_story(added + edited, 3)
    paths = {e.path for e in added}
    assert paths <= {o.path for o in again[added[0].path].same} | {added[0].path}  # the new reports: one story


def test_kept_vectors_weigh_only_the_articles_without_one(corpus_run, tmp_path, monkeypatch):
    """Each article's weighed vector is kept per day (vectors.py): after an article amid many others is
    edited, the days around it are compared again with only it weighed (the vectors of the articles
    around it read back), and the answer is a run's without any store. The day files damaged by hand
    are not taken: the articles around it are weighed again, with the same answer."""
    import dataclasses

    import numpy as np

    from newsarchive.builder import related as rel, terms, vectors, windows

    entries = tuple(e for e in collect(Archive(corpus_run[0])).entries if e.lang.startswith("zh"))
    store = CacheStore(tmp_path / "cache")
    rel._same_story(entries, 3, store, "related/zh")
    folder = store.path("related/zh")
    days = {p.name for p in folder.iterdir() if p.name.startswith(vectors.PREFIX)}
    assert len(days) == len(set(windows.day_names(rel._in_time_order(entries)[1])))
    counted, real = [], terms.counted

    def counting(chunks):
        counted.append(sum(len(c.starts) for c in chunks))
        return real(chunks)

    def edit(entries, n, mark):
        return (*entries[:n], dataclasses.replace(entries[n], title=entries[n].title + mark, digest=mark), *entries[n + 1:])

    monkeypatch.setattr(terms, "counted", counting)
    times = np.array([rel.instant(e.date) for e in entries])  # (the article with most others a week around it)
    middle = int(np.argmax([np.sum(np.abs(times - t) < 7 * windows.DAY) if np.isfinite(t) else 0 for t in times]))
    edited = edit(entries, middle, "（更新）")
    again = rel._same_story(edited, 3, store, "related/zh")
    assert counted == [1], counted
    assert again == rel._same_story(edited, 3)
    for day in folder.glob(f"{vectors.PREFIX}*"):
        day.write_bytes(day.read_bytes()[:-8] + b"damaged!")
    counted.clear()
    edited = edit(edited, middle, "（再更新）")
    assert rel._same_story(edited, 3, store, "related/zh") == rel._same_story(edited, 3)
    assert 10 < counted[0] < len(entries) / 2, counted


def test_the_stored_days_read_ahead_give_the_answer_read_when_asked(corpus_run, tmp_path, monkeypatch):
    """The comparing process reads the stored days, table and kept answer ahead (related._read_ahead,
    while the build gathers the site): after an edit it then opens none of them when it compares -
    only the few days' kept vectors - and its answer is the one read file by file gives. A file read
    ahead that the plan does not name (another key) is not taken."""
    import dataclasses

    from newsarchive.builder import packed, related as rel, vectors, windows

    entries = tuple(e for e in collect(Archive(corpus_run[0])).entries if e.lang.startswith("zh"))
    store = CacheStore(tmp_path / "cache")
    rel._same_story(entries, 3, store, "related/zh")
    edited = (dataclasses.replace(entries[0], title=entries[0].title + "（更新）", digest="edited"), *entries[1:])

    def sheets():
        return {"related/zh.arrays": rel._sheet(edited, 3, store, "related/zh.arrays", read=False)._replace(key=None)}

    ahead = rel._read_ahead(store)
    opened, real = [], packed.read
    monkeypatch.setattr(packed, "read", lambda path, key: (opened.append(Path(path).name), real(path, key))[1])
    found = rel._compare_all(sheets(), store, files=ahead)
    assert opened and all(name.startswith(vectors.PREFIX) for name in opened), opened
    monkeypatch.undo()
    assert all(_same_arrays(a, b) for a, b in zip(found["related/zh.arrays"], rel._compare_all(sheets(), store)["related/zh.arrays"]))
    stale = packed.ReadAhead([store.path("related/zh") / windows.LINKS])
    assert stale.read(store.path("related/zh") / windows.LINKS, "another key") is None


def _same_arrays(a, b) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and bool((a == b).all())


def test_the_dense_terms_are_the_first_of_a_stable_sort_by_frequency():
    """_dense_terms picks the commonest terms without sorting them all: the same columns as the first
    DENSE_TERMS of a stable sort by frequency, whatever the ties."""
    import numpy as np

    from newsarchive.builder import terms, windows

    chance = np.random.default_rng(3)
    for size, top in ((0, 1), (5, 3), (3000, 40), (20000, 400), (20000, 20000)):
        df = chance.integers(1, top, size)
        table = terms.Table(np.arange(size, dtype=np.int64), df, 1000)
        common = int(np.sum(df > windows.DENSE_SHARE * 1000))
        plain = np.sort(np.argsort(-df, kind="stable")[:min(windows.DENSE_TERMS, common)])
        assert np.array_equal(windows._dense_terms(table), plain), size


def test_a_damaged_kept_answer_is_scored_again(corpus_run, tmp_path):
    """The kept related-coverage answer, written over by hand with lists that do not add up (or with
    other bytes), is not taken: every article is scored again, and the answer is a clean run's."""
    import numpy as np

    from newsarchive.builder import packed, related as rel, windows

    entries = tuple(e for e in collect(Archive(corpus_run[0])).entries if e.lang.startswith("zh"))
    store = CacheStore(tmp_path / "cache")
    clean = rel._same_story(entries, 3, store, "related/zh")
    kept = store.path(f"related/zh/{windows.LINKS}")
    header, _ = packed._header(kept.read_bytes())
    arrays = packed.unpack(bytearray(kept.read_bytes()), header["key"])
    arrays["cover"] = arrays["cover"] + len(arrays["ids"])  # (places past the last article)
    kept.write_bytes(packed.pack(header["key"], arrays))
    assert rel._last_links(kept, header["key"]) is None
    assert rel._same_story(entries, 3, store, "related/zh") == clean
    kept.write_bytes(b"not arrays")
    assert rel._same_story(entries, 3, store, "related/zh") == clean
    assert np.array_equal(packed.read(kept, header["key"])["ids"], arrays["ids"])  # (written again, whole)


def test_the_term_tables_base_moves_once_a_quarter():
    """The table's base: articles dated before the quarter preceding the newest's. A day's files and a
    backfill of the last months leave it as it is (a refresh makes every day be compared again); the
    first article of a new quarter moves it by a quarter; a young archive takes every article."""
    from datetime import datetime, timezone

    import numpy as np

    from newsarchive.builder import windows

    def at(*day):
        return datetime(*day, tzinfo=timezone.utc).timestamp()

    old = [at(2020, month, 10) for month in range(1, 13) for _ in range(3)]  # 36 articles of 2020
    recent = [at(2021, 4, 1), at(2021, 6, 30), at(2021, 9, 14)]
    times = np.array(sorted(old + recent) + [np.nan])
    assert list(windows.base(times)) == list(range(len(old)))  # before 2021-04-01 (newest: Q3 2021)
    more = np.array(sorted(old + recent + [at(2021, 7, 2), at(2021, 9, 30, 23)]) + [np.nan])
    assert list(windows.base(more)) == list(range(len(old)))
    turned = np.array(sorted(old + recent + [at(2021, 10, 1)]) + [np.nan])
    assert list(windows.base(turned)) == list(range(len(old) + 2))  # before 2021-07-01
    assert windows.base(turned[-5:]).tolist() == list(range(5))  # 2 of 5 before the cutoff: all


def test_the_time_order_is_by_time_then_path_in_any_order_given():
    """Same story's time order (a stable sort by time, which keeps the site's order of ties) is the
    sort by (time, path), undated last, whether the members come in the site's order or not; and each
    day's bucket holds the articles of that day, as a pass over all of them per day finds them."""
    import random
    from types import SimpleNamespace

    import numpy as np

    from newsarchive.builder import related as rel, windows

    chance = random.Random(7)
    dates = [None, "", "bad", "2019-05-05", "2020-01-01", "2020-01-02T10:00:00+08:00", "2020-01-02T02:00:00Z"]
    for _ in range(300):
        entries = [SimpleNamespace(date=chance.choice(dates), path=f"p{chance.randint(0, 99):03d}-{n}")
                   for n in range(chance.randint(0, 40))]
        if chance.random() < 0.5:  # (as the site lists them: newest first, then by path)
            entries.sort(key=lambda e: (-rel.instant(e.date), e.path))
        times = [rel.instant(e.date) for e in entries]
        keys = [(t == float("-inf"), t, e.path) for t, e in zip(times, entries)]
        order, ordered = rel._in_time_order(tuple(entries))
        assert order.tolist() == sorted(range(len(entries)), key=keys.__getitem__)
        for window in (3, None):
            found = windows.buckets(ordered, window)
            dated = np.flatnonzero(~np.isnan(ordered))
            days = (ordered[dated] // windows.DAY).astype(np.int64) if window else np.zeros(len(dated), np.int64)
            plain = {str(day): dated[days == day] for day in np.unique(days)}
            if np.isnan(ordered).any():
                plain[windows.UNDATED] = np.flatnonzero(np.isnan(ordered))
            assert list(found) == list(plain) and all(np.array_equal(found[k], plain[k]) for k in plain)


def test_each_buckets_window_and_key_are_those_of_a_plain_union():
    """_keyed counts the dated articles once and keys a bucket by its window alone when that spans
    its rows: the same columns and keys as counting them per bucket and np.union1d, for days with
    one article or many, a window past either end, no window at all, and the undated."""
    import numpy as np

    from newsarchive.builder import windows

    rng = np.random.default_rng(7)
    days = np.concatenate([[0.5], rng.uniform(3, 40, 300), [60.2, 60.9]]) * windows.DAY
    times = np.concatenate([np.sort(days), [np.nan] * 4])
    ids = np.array([f"{i:016d}".encode() for i in range(len(times))], dtype="S16")
    for window_days in (3, 1, None):
        window = float("inf") if window_days is None else window_days * windows.DAY
        named = windows.buckets(times, window_days)
        assert windows.UNDATED in named and len(named) > (1 if window_days is None else 3)
        key_of = lambda members: windows.bucket_key("src", "table", window_days, ids, members)
        keyed = windows._keyed(named, times, window_days, key_of)
        for name, rows in named.items():
            cols = windows.columns(rows, times, window)
            assert np.array_equal(keyed[name][1], cols)
            assert keyed[name][2] == key_of(np.union1d(rows, cols))
    assert np.array_equal(windows._union(np.array([5, 9]), np.arange(6, 12)), [5, 6, 7, 8, 9, 10, 11])


def test_what_is_scored_again_is_each_of_its_four_reasons():
    """_to_score_again picks exactly: the new article (x), one sharing a signature term with it (b),
    one whose last related coverage held a gone article (a listed c), one whose same-story set
    changed (e) - and not the article none of that touches (d)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    from newsarchive.builder import related as rel

    last_ids = np.array([b"a", b"b", b"c", b"d", b"e"], dtype="S16")
    ids = np.array([b"a", b"b", b"x", b"d", b"e"], dtype="S16")
    place = rel._Places.of(ids).found(last_ids)
    assert place.tolist() == [0, 1, -1, 3, 4]
    terms = {0: 1, 1: 5, 2: 5, 3: 2, 4: 3}  # (each article's one signature term: x and b share 5)
    signature = csr_matrix((np.ones(5, np.float32), (list(terms), list(terms.values()))), shape=(5, 6))
    last = {"cover_at": np.array([0, 1, 1, 1, 2, 3]), "cover": np.array([2, 4, 3]),  # a lists c, d e, e d
            "same_at": np.array([0, 0, 0, 0, 0, 0]), "same": np.zeros(0, np.int64)}
    same = [[], [], [], [], [3]]  # e's same story is d now
    again = rel._to_score_again(place, last, signature, rel._Inverted.of(signature), rel._Lists.of(same))
    assert again.tolist() == [0, 1, 2, 4]


def test_a_run_leaves_only_its_own_files_in_the_days_folder(corpus_run, tmp_path):
    """After a run, the language's folder holds its days, its table and its kept answer: an older
    version's `.npz` day and a temporary file a killed run left are gone; a folder is left alone."""
    from newsarchive.builder import related as rel, windows
    from newsarchive.cache import temporary_name

    entries = tuple(e for e in collect(Archive(corpus_run[0])).entries if e.lang.startswith("zh"))
    store = CacheStore(tmp_path / "cache")
    folder = store.path("related/zh")
    folder.mkdir(parents=True)
    strays = [folder / "18500-0123456789abcdef.npz", folder / "table.npz", folder / temporary_name("18501-x.arrays")]
    for stray in strays:
        stray.write_bytes(b"old")
    (folder / "a folder").mkdir()
    rel._same_story(entries, 3, store, "related/zh")
    left = {p.name for p in folder.iterdir()}
    assert not left & {p.name for p in strays}
    assert {windows.TABLE, windows.LINKS, "a folder"} <= left
    assert len([n for n in left if n.endswith(f".{windows.SUFFIX}")]) > 2


def test_the_lists_that_differ_are_found_as_one_by_one():
    """related._differing compares two answers as arrays when their members stand in one order: the
    rows it names are those whose same-story or coverage list differs, as comparing list by list
    names them - on random answers, lists of any length (none included) changed in length or place."""
    import random

    from newsarchive.builder import related

    def answer(lists_same, lists_cover, rows):
        def flat(lists):
            at, found = [0], []
            for found_k in lists:
                found += found_k
                at.append(len(found))
            return at, found
        (same_at, same), (cover_at, cover) = flat(lists_same), flat(lists_cover)
        return [rows, same_at, same, cover_at, cover]

    def by_hand(before, after):
        old, new = related._lists(before), related._lists(after)
        return {r for r in old.keys() | new.keys() if old.get(r) != new.get(r)}

    pick = random.Random(7)
    for _ in range(300):
        n = pick.randint(0, 40)
        rows = pick.sample(range(100), n)
        same = [[pick.randrange(100) for _ in range(pick.randint(0, 4))] for _ in rows]
        cover = [[pick.randrange(100) for _ in range(pick.randint(0, 3))] for _ in rows]
        same2, cover2 = [list(x) for x in same], [list(x) for x in cover]
        for lists in (same2, cover2):
            for k in pick.sample(range(n), min(n, pick.randint(0, 3))):
                change = pick.choice(("add", "drop", "swap"))
                if change == "add":
                    lists[k].append(pick.randrange(100))
                elif change == "drop" and lists[k]:
                    lists[k].pop(pick.randrange(len(lists[k])))
                elif lists[k]:
                    lists[k][pick.randrange(len(lists[k]))] = pick.randrange(100)
        before, after = answer(same, cover, rows), answer(same2, cover2, rows)
        assert related._differing(before, after) == by_hand(before, after)
    moved = answer([[1]], [[]], [5]), answer([[1]], [[]], [6])  # (other members: compared list by list)
    assert related._differing(*moved) == {5, 6}


def test_the_picks_are_the_pair_rule_applied_one_pair_at_a_time(corpus_run, monkeypatch):
    """The picks made on every bucket's answer joined at once (related._Joined) are the rule spelled
    out pair by pair over each bucket's answer, with each article's place looked up by its id: the
    same articles, in the same order, on the corpus's Chinese articles (also with a window of a day,
    the buckets' rows meeting fewer columns, and on one outlet's articles alone: the small-group
    floor) - at the thresholds, and at lower ones that pick more articles, several for one."""
    import numpy as np

    from newsarchive.builder import related as rel, windows

    corpus_root, _summary = corpus_run
    entries = tuple(e for e in collect(Archive(corpus_root)).entries if e.lang.startswith("zh"))
    one_outlet = tuple(e for e in entries if e.outlet == entries[0].outlet)
    picked = []
    for lower in (False, True):
        if lower:
            monkeypatch.setattr(rel, "MIN_SIMILARITY", windows.CANDIDATE_FLOOR)
            monkeypatch.setattr(rel, "SAME_OUTLET_SIMILARITY", 0.2)
            monkeypatch.setattr(rel, "CONTRAST", 0.5)
        for members, days in ((entries, 3), (entries, 1), (one_outlet, 3)):
            expected, got, many = _picks_both_ways(members, days)
            assert got == expected
            picked.append((sum(map(len, expected)), many))
    assert all(n > 0 for n, _ in picked) and picked[0][0] >= 4
    assert picked[3][0] > picked[0][0] and any(many for _, many in picked[3:])


def _picks_both_ways(members, days):
    """(the picks of the rule spelled out pair by pair, related._picks's, whether one article has several)."""
    import numpy as np

    from newsarchive.builder import related as rel, windows

    sheet = rel._sheet(members, days, None, None)
    answers = windows.answers(sheet.first)
    position = {name: k for k, name in enumerate(sheet.first.ids.tolist())}
    background = np.zeros(len(members))
    for near in answers.values():
        background[[position[i] for i in near.ids]] = near.background
    least = rel.MIN_SIMILARITY if len(members) >= rel.terms.MIN_DF_FROM else rel.SMALL_GROUP_SIMILARITY
    expected = [[] for _ in members]
    for near in answers.values():
        for r, other, sim in zip(near.pair_of.tolist(), near.pair_id.tolist(), near.pair_sim.tolist()):
            i, j = position[near.ids[r]], position[other]
            if sim >= max(least, rel.CONTRAST * max(background[i], background[j])) and \
                    (sim >= rel.SAME_OUTLET_SIMILARITY or sheet.outlets[i] != sheet.outlets[j]):
                expected[i].append(j)
    joined = rel._Joined.of(answers.values(), rel._Places.of(sheet.first.ids))
    assert len(answers) > 10 and np.array_equal(background[joined.rows], joined.background)
    return expected, rel._picks(sheet.outlets, joined, background).as_lists(), max(map(len, expected)) > 1


def test_places_are_those_of_a_dict_of_the_ids():
    """An id's place is its last (as a dict built in order has it); an id not in the group is an error."""
    import numpy as np
    import pytest

    from newsarchive.builder import related as rel

    ids = np.array([b"b" * 16, b"a" * 16, b"c" * 16, b"a" * 16], dtype="S16")
    places = rel._Places.of(ids)
    assert places(np.array([b"a" * 16, b"c" * 16, b"b" * 16], dtype="S16")).tolist() == [3, 2, 0]
    assert places(np.zeros(0, "S16")).tolist() == []
    for unknown in (b"0" * 16, b"d" * 16, b"b" * 15):
        with pytest.raises(KeyError):
            places(np.array([unknown], dtype="S16"))


def test_places_by_number_are_those_of_a_dict_of_the_ids():
    """Ids compared as the numbers their hex spells (_numbered) place every id as a dict of the ids
    does - held twice, unknown, not an id of ours (short, upper case, other bytes) - and so do those
    of a group with an id that is no number (compared as strings); found() gives -1 for an unknown one."""
    import numpy as np
    import pytest

    from newsarchive.builder import related as rel

    chance = np.random.default_rng(5)
    digits = np.frombuffer(b"0123456789abcdef", np.uint8)
    odd = [b"abc", b"ABCDEF0123456789", b"g" * 16, b"a" * 15]
    for trial in range(200):
        pool = [bytes(chance.choice(digits, 16)) for _ in range(1 + trial % 30)]
        ids = np.array([pool[i] for i in chance.integers(0, len(pool), trial % 40)], dtype="S16")
        if trial % 4 == 0 and len(ids):
            ids[chance.integers(0, len(ids))] = odd[trial % len(odd)]
        wanted = np.array([*(pool[i] for i in chance.integers(0, len(pool), 8)), *odd,
                           bytes(chance.choice(digits, 16)), pool[0] + b"0"])  # (S17: one longer than any)
        at = {article: k for k, article in enumerate(ids.tolist())}
        expected = [at.get(article, -1) for article in wanted.tolist()]
        places = rel._Places.of(ids)
        assert places.numbered == all(rel._numbered(ids)[1]) and places.found(wanted).tolist() == expected
        known = wanted[np.array(expected) >= 0]
        assert places(known).tolist() == [at[article] for article in known.tolist()]
        if min(expected) < 0:
            with pytest.raises(KeyError):
                places(wanted)
    numbers, valid = rel._numbered(np.array(sorted(pool), dtype="S16"))
    assert valid.all() and np.all(numbers[1:] > numbers[:-1])  # (the same order, distinct)


def test_kept_lists_move_to_their_places_now_and_the_marks_keep_the_weights_pattern():
    """_moved_lists gives each kept list to its article's place now (none to a gone one; of two come to
    one place, the later's); _replaced, head, of_rows and _sets_differ do to the lists what the same
    done to Python lists does; the inverted index's marks are the weights' pattern, as a transpose of
    the signature's own marks gives it."""
    import numpy as np
    from scipy.sparse import random as sparse_random

    from newsarchive.builder import related as rel

    chance = np.random.default_rng(8)
    for trial in range(50):
        count, n = int(chance.integers(1, 60)), int(chance.integers(1, 80))
        sizes = chance.integers(0, 4, count)
        at = np.concatenate([[0], np.cumsum(sizes)])
        found = chance.integers(0, count, int(at[-1]))
        place = np.where(chance.random(count) < 0.2, -1, chance.permutation(max(n, count))[:count] % n)
        expected = [[] for _ in range(n)]
        for r in range(count):
            if place[r] >= 0 and sizes[r]:
                expected[place[r]] = place[found[at[r]:at[r + 1]]].tolist()
        moved = rel._moved_lists(place, at, found, n)
        assert moved.as_lists() == expected and moved.at.dtype == moved.places.dtype == np.int64
        rows = np.flatnonzero(chance.random(n) < 0.3)
        new = [chance.integers(-1, n, int(chance.integers(0, 4))).tolist() for _ in rows]
        replaced = [new[list(rows).index(k)] if k in rows else one for k, one in enumerate(expected)]
        assert rel._replaced(moved, rows, rel._Lists.of(new)).as_lists() == replaced
        assert moved.head(2).as_lists() == [one[:2] for one in expected]
        assert moved.of_rows(rows[::-1]).as_lists() == [expected[k] for k in rows[::-1]]
        other = rel._Lists.of(replaced)
        assert rel._sets_differ(moved, other).tolist() == [k for k in range(n) if set(expected[k]) != set(replaced[k])]
        signature = sparse_random(count, n, density=0.3, format="csr", dtype=np.float32, random_state=trial)
        signature.data[::3] = 0  # (stored zeros: a mark is no weight)
        marks = signature.astype(bool).astype(np.float32).T.tocsr()
        inverted = rel._Inverted.of(signature)
        for got in (inverted.marks, inverted.weights):
            assert np.array_equal(got.indptr, marks.indptr) and np.array_equal(got.indices, marks.indices)
        assert np.array_equal(inverted.marks.data, marks.data) and inverted.marks.data.dtype == marks.data.dtype


def test_a_stored_answer_damaged_by_hand_is_compared_again(seed_root, tmp_path):
    """A stored answer that does not add up (places past its articles, an array missing, bytes cut)
    under the very key the build looks for is no answer: compared again, the same links, no error."""
    import numpy as np

    from newsarchive.builder import packed, related as rel

    site = _seed_site(seed_root, tmp_path)
    store = CacheStore(tmp_path / "cache")
    fresh = dict(same_story(site.entries, store))  # (compared when first looked up: stored then)
    name = store.path(rel.answer_name("zh"))
    key, saved = packed.read_any(name)
    damaged = [{**saved, "same": saved["same"] + 1000}, {k: v for k, v in saved.items() if k != "cover"},
               {**saved, "paths": np.frombuffer(b"\xff\xfe", np.uint8)}]
    for arrays in damaged:
        packed.write(name, key, arrays)
        assert same_story(site.entries, store, state=rel.BuildState()) == fresh
    name.write_bytes(name.read_bytes()[:-3])
    assert same_story(site.entries, store) == fresh
