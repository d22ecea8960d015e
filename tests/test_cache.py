"""The cache store's stage keys: each stage's cached work depends on exactly its own code. An edit to
the build's code leaves ingest's memo valid, an edit to ingest's code leaves the page memo valid,
and each stage's declared code (cache.CODE) is the real import graph of its modules."""
import ast
import shutil
from pathlib import Path

import pytest

from newsarchive import cache

from .conftest import build, copy_tree
from .test_ingest_memo import _ingest, converted  # noqa: F401 - a fixture

PACKAGE = cache.PACKAGE
# The modules each stage starts from.
ENTRIES = {"ingest": ["ingest.py"], "build": [str(p.relative_to(PACKAGE)) for p in (PACKAGE / "builder").rglob("*.py")]}


def _imports(path: Path) -> set[Path]:
    """The package's modules a module imports (at its top or inside functions)."""
    found = set()
    here = path.parent
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here
                for _ in range(node.level - 1):
                    base = base.parent
            elif (node.module or "").startswith("newsarchive"):
                base, node.module = PACKAGE, node.module.removeprefix("newsarchive").lstrip(".")
            else:
                continue
            target = base.joinpath(*node.module.split(".")) if node.module else base
            candidates = [target.with_suffix(".py"), target / "__init__.py"]
            candidates += [target / f"{alias.name}.py" for alias in node.names] + [target / alias.name / "__init__.py"
                                                                                   for alias in node.names]
            found |= {c for c in candidates if c.is_file()}
            if target.is_dir():
                found.add(target / "__init__.py")
    return found


def _closure(stage: str) -> set[Path]:
    todo = [PACKAGE / name for name in ENTRIES[stage]]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo += list(_imports(path))
        parent = path.parent
        while parent != PACKAGE and parent.is_relative_to(PACKAGE):  # a package's __init__ runs first
            todo.append(parent / "__init__.py")
            parent = parent.parent
    return seen


@pytest.mark.parametrize("stage", sorted(cache.CODE))
def test_each_stage_declares_exactly_the_code_it_imports(stage):
    declared = {p for p in cache.code_files(stage) if p.suffix == ".py"}
    imported = _closure(stage) - {PACKAGE / "__init__.py"}
    assert sorted(map(str, imported - declared)) == [], "imported but not in cache.CODE"
    assert sorted(map(str, declared - imported)) == [], "in cache.CODE but never imported"


def _package_copy(where: Path, edit: str | None = None) -> Path:
    """A copy of the package's code, with one module edited (a comment added: new bytes, same code)."""
    shutil.copytree(PACKAGE, where, ignore=shutil.ignore_patterns("__pycache__"))
    if edit:
        with open(where / edit, "a", encoding="utf-8") as fh:
            fh.write("\n# an edit\n")
    return where


def test_a_build_only_edit_leaves_ingest_memo_valid(seed_root, tmp_path, monkeypatch, converted):  # noqa: F811
    root = tmp_path / "seeds"
    copy_tree(seed_root, root)
    monkeypatch.setattr(cache, "PACKAGE", _package_copy(tmp_path / "a"))
    _ingest(root)
    first = len(converted)
    monkeypatch.setattr(cache, "PACKAGE", _package_copy(tmp_path / "b", "builder/render.py"))
    assert len(_ingest(root).unchanged) == 5 and len(converted) == first  # nothing converted again
    monkeypatch.setattr(cache, "PACKAGE", _package_copy(tmp_path / "c", "readers/html_page.py"))
    assert len(_ingest(root).unchanged) == 5 and len(converted) == first + 5  # ingest's own code: all again


def _inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*.html")}


def test_an_ingest_only_edit_leaves_the_page_memo_valid(seed_root, tmp_path, monkeypatch):
    root = tmp_path / "seeds"
    copy_tree(seed_root, root)
    monkeypatch.setattr(cache, "PACKAGE", _package_copy(tmp_path / "a"))
    build(root, search=False)
    before = _inodes(root / "site")
    monkeypatch.setattr(cache, "PACKAGE", _package_copy(tmp_path / "b", "readers/html_page.py"))
    build(root, search=False)
    assert _inodes(root / "site") == before  # every page kept from the last site (hard-linked), none rendered
    monkeypatch.setattr(cache, "PACKAGE", _package_copy(tmp_path / "c", "builder/render.py"))
    build(root, search=False)
    after = _inodes(root / "site")
    assert not any(after[p] == before[p] for p in before)  # the build's own code: every page rendered again


@pytest.mark.parametrize("plain", [False, True])
def test_a_mapping_saved_pair_by_pair_reads_as_saved_whole(tmp_path, plain):
    """save_mapping (the article bodies: written out pair by pair, never held as one text) stores what
    save stores, whatever the strings hold - by orjson too (`plain`), with json for a pair orjson
    refuses (a lone surrogate, an integer past 64 bits)."""
    store = cache.CacheStore(tmp_path / "cache")
    pairs = [("a", 'x\u2028y"</script><'), ("b\\", "中文\n"), ("", ""), ("\ud800", ["\udfff", 1 << 70]),
             ("row", [[1, 2], "d", 3, {"k": [None, True, 1.5]}, 0])]
    assert store.save_mapping("pairs.json", "1", iter(pairs), plain=plain)
    assert store.save("whole.json", "1", dict(pairs))
    assert store.load_any("pairs.json") == store.load_any("whole.json") == ("1", dict(pairs))
    assert store.save_mapping("none.json", "1", iter(()), plain=plain) and store.load("none.json", "1") == {}
    assert not [p for p in (tmp_path / "cache").iterdir() if p.suffix != ".json"]  # no temp file left


def test_decode_gives_what_json_gives(tmp_path):
    """cache.decode (orjson, json for what orjson refuses) reads documents to the very values
    json.loads does, those orjson refuses included; a store's tenants read back as saved."""
    import json
    import math

    documents = [b'{"a": [1, -0.0, 1.5e-320, 0.1, 9223372036854775807, -9223372036854775808, true, null]}',
                 '{"中": "\u2028\\u00e9\\ud83d\\ude00", "a": 1, "a": 2}'.encode(), b'"\\ud800"',
                 '["\ud800"]'.encode("utf-8", "surrogatepass"), b'[NaN, Infinity, 1e400]', b'  [] ']
    for document in documents:
        got, want = cache.decode(document), json.loads(document)
        assert repr(got) == repr(want) and type(got) is type(want)
    assert math.isnan(cache.decode(b"[NaN]")[0])
    with pytest.raises(ValueError):
        cache.decode(b"\x00{damaged")
    store = cache.CacheStore(tmp_path / "cache")
    data = {"pages": {"a/b.html": ["k" * 32, 123, 1_796_251_950_558_170_997]}, "text": "中\ud800", "n": 2.5}
    assert store.save("t.json", "1", data) and store.load("t.json", "1") == data


def test_plain_data_saved_by_orjson_reads_as_json_saved_it(tmp_path):
    """save(plain=True) (orjson) stores what json stores, its version readable without the data;
    what orjson cannot write (a lone surrogate, a number key, an integer past 64 bits) goes by json."""
    store = cache.CacheStore(tmp_path / "cache")
    key = "0f" * 32
    for data in ({"b": [1, "x", None, True], "a": {"z": [], "中": "\u2028\"</script>"}},
                 {"a": "\ud800"}, {1: "x"}, {"a": [1 << 70, -(1 << 63)]}, ["a", 2]):
        for sort_keys in (False, True):
            assert store.save("plain.json", key, data, plain=True, sort_keys=sort_keys)
            assert store.save("json.json", key, data, sort_keys=sort_keys)
            assert store.load_any("plain.json") == store.load_any("json.json")
    assert store.save("plain.json", key, {"b": 1, "a": 2}, plain=True, sort_keys=True)
    assert store.version_of("plain.json") == key and list(store.load("plain.json", key)) == ["a", "b"]


def test_a_version_is_read_without_the_data(tmp_path):
    """version_of reads a tenant's version from the file's first bytes (same story asks it before
    decoding a 100 000-article answer it may not need): as load_any gives it, for both ways of saving;
    None where there is no file, a damaged one, or a version it cannot tell without decoding."""
    store = cache.CacheStore(tmp_path / "cache")
    key = "0f" * 32
    assert store.save("whole.json", key, {"a": "中" * 10_000}) and store.save_mapping("pairs.json", key, [("a", "b")])
    assert store.version_of("whole.json") == store.version_of("pairs.json") == key == store.load_any("whole.json")[0]
    assert store.save("odd.json", 'a"b', {}) and store.version_of("odd.json") is None  # (escaped: not told)
    assert store.save("cjk.json", "版本", {}) and store.version_of("cjk.json") is None
    (tmp_path / "cache" / "bad.json").write_bytes(b"\x00{damaged")
    assert store.version_of("bad.json") is None and store.version_of("missing.json") is None


def test_one_store_atomic_versioned_and_cleared(tmp_path):
    store = cache.CacheStore(tmp_path / "cache")
    assert store.load("x.json", "1") is None
    assert store.save("x.json", "1", {"a": [1, 2]}) and store.load("x.json", "1") == {"a": [1, 2]}
    assert store.load("x.json", "2") is None  # another version is no cache
    (tmp_path / "cache" / "x.json").write_text("{damaged", encoding="utf-8")
    assert store.load("x.json", "1") is None
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name != "x.json"]  # no temp file left
    store.clear()
    assert not (tmp_path / "cache").exists()
    (tmp_path / "cache").write_text("a file where the folder should be", encoding="utf-8")
    assert store.save("x.json", "1", {}) is False  # cannot be written: only speed is lost


def _spelled(value) -> str:
    """A page context's spelling as memo.fingerprint's docstring gives it, by one isinstance chain
    (the reference for its look-up by type)."""
    from dataclasses import fields, is_dataclass

    from newsarchive.builder.collect import Entry, Group

    if isinstance(value, Entry):
        return f"E{value.digest}"
    if isinstance(value, Group):
        return f"G{len(value.name)}:{value.name}{len(value.slug)}:{value.slug}{value.members}"
    if isinstance(value, (list, tuple)):
        return "[" + "".join(map(_spelled, value)) + "]"
    if isinstance(value, dict):
        return "{" + "".join(_spelled(k) + _spelled(value[k]) for k in sorted(value)) + "}"
    if isinstance(value, str):
        return f"S{len(value)}:{value}"
    if value is None or isinstance(value, (int, float, bool)):
        return f"V{value!r}\0"
    if is_dataclass(value):
        return f"D{type(value).__name__}(" + "".join(_spelled(f.name) + _spelled(getattr(value, f.name))
                                                      for f in fields(value)) + ")"
    raise TypeError(type(value).__name__)


def test_a_page_key_spells_its_context_as_the_isinstance_chain_does(seed_root, tmp_path):
    """memo.fingerprint looks a value's spelling up by its exact type (and lists' common items inline):
    every value spells as the chain of isinstance tests does, subclasses of the looked-up types (a
    Markup string, a named tuple, bool beside int) included, and a value it cannot see is refused."""
    import random
    from dataclasses import dataclass
    from typing import NamedTuple

    from markupsafe import Markup

    from newsarchive.archive import Archive
    from newsarchive.builder import memo
    from newsarchive.builder.collect import collect

    copy_tree(seed_root, tmp_path / "spelled")  # (collect writes its caches into the archive it reads)
    site = collect(Archive(tmp_path / "spelled"))

    @dataclass
    class Shown:
        n: int
        name: str

    class Pair(NamedTuple):
        a: object
        b: object

    rnd = random.Random(30)
    leaves = [*site.entries, *site.tags, *site.outlets, "", "S3:", "中文\0", Markup("<b>"), None, True, False, 0, -7,
              2.5, float("nan"), Shown(3, "x")]

    def value(depth: int = 0):
        kind = rnd.randrange(4 if depth < 3 else 1)
        if kind == 0:
            return rnd.choice(leaves)
        items = [value(depth + 1) for _ in range(rnd.randrange(5))]
        return [items, tuple(items), {f"k{n}": v for n, v in enumerate(items)}, Pair(items, depth)][kind]

    for _ in range(3000):
        v = value()
        assert memo.fingerprint(v) == _spelled(v)
    for unseen in ({1}, b"bytes", [object()]):
        with pytest.raises(TypeError):
            memo.fingerprint(unseen)


def test_the_article_pages_workers_code_leaves_numpy_and_same_story_unimported():
    """The article pages' fresh workers import the renderer and the pool's task (and unpickle the
    pages' Links): none of it imports same story's module or numpy (~0.13 s of each worker's start)."""
    import subprocess
    import sys

    code = ("import sys, pickle; import newsarchive.builder.parallel, newsarchive.builder.render; "
            "from newsarchive.builder.links import Links; pickle.loads(pickle.dumps(Links())); "
            "print(sorted(m for m in ('numpy', 'scipy', 'newsarchive.builder.related') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent, check=True)
    assert done.stdout.strip() == "[]"
