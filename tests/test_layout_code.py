"""The layouts compiled by layout_code.LayoutCode make the text jinja2's own compiling makes: the
whole corpus site, byte for byte, and the constructs an archive's own layouts may use that the
default ones do not (macros, call blocks, captured blocks, includes, autoescape blocks, values that
are not text, undefined values)."""
from __future__ import annotations

import jinja2
import pytest
from jinja2.compiler import CodeGenerator
from markupsafe import Markup

from newsarchive import forked
from newsarchive.builder import layout_code, render
from newsarchive.builder.layout_code import LayoutCode

from .conftest import DEFAULTS, build, copy_tree


def _site_files(site) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_the_corpus_site_is_the_one_jinja2_compiling_makes(corpus_run, tmp_path, monkeypatch):
    # (one process: the article pages' workers would compile the layouts anew, by the class they import)
    monkeypatch.setattr(forked, "cores", lambda: 1)
    sites = {}
    for generator in (LayoutCode, CodeGenerator):
        monkeypatch.setattr(render.LayoutEnvironment, "code_generator_class", generator)
        render._environment.cache_clear()
        root = tmp_path / generator.__name__
        copy_tree(corpus_run[0], root)
        build(root, base_url="https://example.org/a/")
        sites[generator] = _site_files(root / "site")
    render._environment.cache_clear()
    ours, jinjas = sites[LayoutCode], sites[CodeGenerator]
    assert len(ours) > 300 and sorted(ours) == sorted(jinjas)
    assert [name for name in ours if ours[name] != jinjas[name]] == []


class _Jinja2Environment(jinja2.Environment):
    code_generator_class = CodeGenerator


LAYOUTS = {
    "base.html": '<title>{% block title %}{{ t }}{% endblock %}</title>{% block main %}{% endblock %}',
    "page.html": '{% extends "base.html" %}{% block title %}{{ super() }} · {{ n }}{% endblock %}'
                 '{% block main %}{% include "part.html" %}{{ m }}{% for x in xs %}<i>{{ x }}</i>{{ loop.index }}'
                 '{% if not loop.last %}, {% endif %}{% endfor %}{% endblock %}',
    "part.html": '<p title="{{ t }}">{{ t|upper }} {{ n + 1 }} {{ none }} {{ f }}</p>',
    "macro.html": '{% macro link(to, label) %}<a href="{{ to }}">{{ label }}</a>{{ caller() if caller is defined else "" }}{% endmacro %}'
                  '{{ link(t, m) }}{% call link("/x?a=1&b=2", t) %}<b>{{ n }}</b>{% endcall %}',
    "set.html": '{% set held %}<em>{{ t }}</em>{{ m }}{% endset %}{{ held }}|{{ held|length }}|{% set s = t ~ n %}{{ s }}',
    "raw.html": '{% autoescape false %}{{ t }}{% endautoescape %}{{ t }}{% autoescape t == "" %}{{ t }}{% endautoescape %}',
    "only.html": '{{ t }}',
    "feed.xml": '<x a="{{ t }}">{{ m }}</x>',
    "text.txt": '{{ t }} {{ m }}',
    "undefined.html": '<p>{{ t }}{{ missing }}</p>',
    "attr.html": '{{ d.k }}{{ d["k"] }}{{ d.missing is defined }}{{ xs[0] }}',
    # (a layout that extends another only sometimes: its own output outside blocks is then dropped)
    "sometimes.html": '{% if n > 40 %}{% extends "base.html" %}{% endif %}top {{ t }} {% block main %}<b>{{ t }}</b>{% endblock %}',
    "never.html": '{% if n < 40 %}{% extends "base.html" %}{% endif %}top {{ t }} {% block main %}<b>{{ t }}</b>{% endblock %}',
    "filter.html": '{% filter upper %}{{ t }} x{% endfilter %}{% with q = t %}{{ q }}{% endwith %}{{ self.b() }}'
                   '{% block b %}[{{ n }}]{% endblock %}',
    "tree.html": '{% for x in tree recursive %}<li>{{ x.name }}{% if x.kids %}<ul>{{ loop(x.kids) }}</ul>{% endif %}</li>'
                 '{{ loop.cycle("a", "b") }}{% endfor %}',
    "imported.html": '{% import "lib.html" as lib %}{{ lib.link(t, n) }}{% from "lib.html" import link %}{{ link("/", m) }}',
    "lib.html": '{% macro link(to, label) %}<a href="{{ to }}">{{ label }}</a>{% endmacro %}',
}
CONTEXT = dict(t='<"Tom" & \'Jerry\'>', m=Markup("<b>safe</b>"), n=41, none=None, f=1.5, xs=["<1>", 2, Markup("<3>")],
               d={"k": "<v>"}, tree=[{"name": "<a>", "kids": [{"name": "b&", "kids": []}]}, {"name": "c", "kids": []}])


def _environment(kind: type) -> jinja2.Environment:
    # (the options render._environment gives)
    return kind(loader=jinja2.DictLoader(LAYOUTS), autoescape=jinja2.select_autoescape(["html", "xml"]),
                undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@pytest.mark.parametrize("name", sorted(set(LAYOUTS) - {"undefined.html"}))
def test_each_construct_renders_as_jinja2_renders_it(name):
    ours = _environment(render.LayoutEnvironment).get_template(name).render(CONTEXT)
    assert ours == _environment(_Jinja2Environment).get_template(name).render(CONTEXT)


def test_values_are_escaped_as_markupsafe_escapes_them():
    env = _environment(render.LayoutEnvironment)
    tom = "&lt;&#34;Tom&#34; &amp; &#39;Jerry&#39;&gt;"
    assert env.get_template("part.html").render(CONTEXT) == (
        f'<p title="{tom}">&lt;&#34;TOM&#34; &amp; &#39;JERRY&#39;&gt; 42 None 1.5</p>')
    # (the third: autoescape decided at render time, off here)
    assert env.get_template("raw.html").render(CONTEXT) == CONTEXT["t"] + tom + CONTEXT["t"]
    assert env.get_template("text.txt").render(CONTEXT) == f"{CONTEXT['t']} <b>safe</b>"


def test_an_undefined_value_fails_as_in_jinja2():
    for kind in (render.LayoutEnvironment, _Jinja2Environment):
        with pytest.raises(jinja2.UndefinedError, match="'missing' is undefined"):
            _environment(kind).get_template("undefined.html").render(CONTEXT)


def test_a_layout_is_loaded_once_and_then_given_as_loaded(monkeypatch):
    """LayoutEnvironment keeps the layouts it has loaded: each asked again (as a page, or extended,
    included or imported from another) is the same template, loaded by jinja2 once and then not
    looked up there again; a name taken relative to its parent goes through join_path first; a
    template or extra globals go to jinja2."""
    env, loads = _environment(render.LayoutEnvironment), []
    real = jinja2.DictLoader.load
    monkeypatch.setattr(jinja2.DictLoader, "load",
                        lambda self, e, name, g=None: (e is env and loads.append(name)) or real(self, e, name, g))
    pages = ["page.html", "sometimes.html", "imported.html", "macro.html"]
    first = [env.get_template(n).render(CONTEXT) for n in pages]
    asked = []  # (jinja2's own look-up, ~7 us: not asked again)
    look_up = jinja2.Environment._load_template
    monkeypatch.setattr(jinja2.Environment, "_load_template", lambda self, *a: asked.append(a) or look_up(self, *a))
    assert [env.get_template(n).render(CONTEXT) for n in pages] == first and asked == []
    assert sorted(loads) == sorted(set(loads)), loads
    assert {"base.html", "part.html", "lib.html"} <= set(loads)
    assert env.get_template("base.html") is env.get_template("base.html", "page.html")
    template = env.get_template("lib.html")
    assert env.get_template(template) is template
    assert env.get_template("lib.html", globals={"g": 1}) is template and template.globals["g"] == 1
    monkeypatch.setattr(render.LayoutEnvironment, "join_path", lambda self, name, parent: "lib.html")
    assert env.get_template("anything.html", "page.html") is template


def _yields(kind: type, name: str) -> int:
    source = _environment(kind).compile(LAYOUTS[name], raw=True)
    return source.count("yield ") - source.count("if 0: yield None")  # (jinja2's mark of a generator)


def test_the_compiled_layouts_yield_a_statement_once():
    assert _yields(render.LayoutEnvironment, "part.html") == 1
    assert _yields(_Jinja2Environment, "part.html") == 9  # (four constant pieces, five values)


def test_this_jinja2_compiles_through_layout_code():
    assert _environment(render.LayoutEnvironment).code_generator_class is LayoutCode
    assert render.environment(render.read_layouts([DEFAULTS / "layouts"])).code_generator_class is LayoutCode


@pytest.mark.parametrize("breakage", ["syntax", "text"])
def test_a_jinja2_that_writes_output_otherwise_gets_its_own_generator(breakage, monkeypatch):
    # (as under a jinja2 whose output statements LayoutCode no longer rewrites right: Python that does
    # not compile, or text that differs)
    if breakage == "syntax":
        monkeypatch.setattr(LayoutCode, "writeline", CodeGenerator.writeline)
    else:
        monkeypatch.setattr(layout_code, "_escape_inner", lambda s: s.replace("&", "&#38;").replace("<", "&#60;"))
    assert layout_code.generator() is CodeGenerator
