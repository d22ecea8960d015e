"""The layouts kept compiled between processes (builder/compiled.py): a process that finds them compiles
nothing and runs the same code; a file damaged, of another layout source, of another state of the
build's code, or not to be written is no cache and no error."""
from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from newsarchive.archive import DEFAULTS
from newsarchive.builder import compiled, render

LAYOUTS = DEFAULTS / "layouts"


@pytest.fixture
def compiles(monkeypatch):
    """The names of the layouts jinja2 compiles from their source, in order."""
    names: list[str] = []
    real = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        names.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def _folder(tmp_path: Path, code: str = "c" * 32) -> Path:
    """A compiled layouts' folder as compiled.folder() places it: in the tenant's folder, named by the code."""
    return tmp_path / ".newsarchive-cache" / compiled.FOLDER / code


def _environment(folder: Path | None, layouts: Path = LAYOUTS) -> jinja2.Environment:
    # (a new environment each time: the module keeps one per state of the layouts in a process)
    return render._environment.__wrapped__((layouts,), (), folder)


def _code_of(env: jinja2.Environment, name: str):
    source, filename, _ = env.loader.get_source(env, name)
    return env.compile(source, name, filename)


def _loaded_all(env: jinja2.Environment) -> dict[str, jinja2.Template]:
    return {name: env.get_template(name) for name in env.list_templates()}


def test_a_second_process_compiles_nothing_and_runs_the_same_code(tmp_path, compiles):
    folder = _folder(tmp_path)
    first = _loaded_all(_environment(folder))
    names = sorted(first)
    # (layout_code compiles a probe of its own, once per process)
    assert set(names) <= set(compiles) and len(list(folder.glob(f"*{compiled.SUFFIX}"))) == len(names)
    compiles.clear()
    second = _loaded_all(_environment(folder))
    assert compiles == []
    for name in names:
        assert second[name].root_render_func.__code__.co_code == first[name].root_render_func.__code__.co_code
    # the code each file holds is the code jinja2 compiles from its layout
    plain = _environment(None)
    expected = {name: _code_of(plain, name) for name in names}
    cache = compiled.CompiledLayouts(folder)
    for name in names:
        source, filename, _ = plain.loader.get_source(plain, name)
        bucket = cache.get_bucket(plain, name, filename, source)
        assert bucket.code is not None and bucket.code == expected[name]  # (code objects compare by their parts)


def test_a_page_rendered_from_the_kept_code_is_the_same(tmp_path):
    folder = _folder(tmp_path)
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "page.html").write_text("{% for x in items %}<p>{{ x|upper }}</p>{% endfor %}{{ title }}\n", encoding="utf-8")
    made = _environment(folder, layouts).get_template("page.html").render(items=["a", "<b>"], title="T & U")
    again = _environment(folder, layouts).get_template("page.html").render(items=["a", "<b>"], title="T & U")
    assert made == again == "<p>A</p><p>&lt;B&gt;</p>T &amp; U\n"


def test_a_damaged_file_is_compiled_again_and_written_whole(tmp_path, compiles):
    folder = _folder(tmp_path)
    _environment(folder).get_template("base.html")
    (file,) = folder.glob(f"*{compiled.SUFFIX}")
    good = file.read_bytes()
    for damaged in (good[:-7], good[:20] + bytes([good[20] ^ 0xFF]) + good[21:], b"", b"0" * 8 + good[8:]):
        file.write_bytes(damaged)
        compiles.clear()
        template = _environment(folder).get_template("base.html")
        assert compiles == ["base.html"] and file.read_bytes() == good
        assert template.root_render_func.__code__.co_code


def test_a_changed_layout_is_compiled_again(tmp_path, compiles):
    folder, layouts = _folder(tmp_path), tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "page.html").write_text("one {{ x }}\n", encoding="utf-8")
    assert _environment(folder, layouts).get_template("page.html").render(x=1) == "one 1\n"
    (layouts / "page.html").write_text("two {{ x }}\n", encoding="utf-8")
    compiles.clear()
    assert _environment(folder, layouts).get_template("page.html").render(x=1) == "two 1\n"
    assert compiles == ["page.html"]


def test_other_states_of_the_code_are_removed_and_a_symlink_never_written_through(tmp_path):
    old = _folder(tmp_path, "a" * 32)
    old.mkdir(parents=True)
    (old / f"x{compiled.SUFFIX}").write_bytes(b"stale")
    other = old.parent / "not-a-code"  # (nothing of ours: left as it is)
    other.mkdir()
    (other / "keep").write_bytes(b"kept")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    now = _folder(tmp_path, "b" * 32)
    os.symlink(elsewhere, now)
    _environment(now).get_template("base.html")
    assert not old.exists() and not now.is_symlink() and list(now.glob(f"*{compiled.SUFFIX}"))
    assert list(elsewhere.iterdir()) == [] and (other / "keep").read_bytes() == b"kept"


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(tmp_path, compiles):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    template = _environment(blocked / compiled.FOLDER / "code").get_template("base.html")
    assert template.root_render_func.__code__.co_code and "base.html" in compiles


def test_the_build_keeps_its_layouts_compiled_in_its_cache_store(tmp_path):
    from newsarchive.cache import CacheStore

    store = CacheStore(tmp_path / ".newsarchive-cache")
    folder = compiled.folder(store)
    assert folder.parent == store.path(compiled.FOLDER) and folder == compiled.folder(store)
