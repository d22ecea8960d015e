"""The Python a layout compiles to: jinja2's, with an output statement's pieces yielded as one string.

jinja2 compiles `<a href="{{ x }}">{{ y }}</a>` to five `yield` statements, each piece then passed up
through every generator of the page (block, child layout, base layout) one by one, and escapes each
value by markupsafe's `escape`, two Python calls (the function and `Markup.__new__`) for a plain
string. An article page is ~190 pieces and ~75 escapes; doing without most of those steps took a fifth
off its ~0.45 ms (9 929 article pages in one process: 4.39 -> 3.49 s). Here an output statement's
pieces are joined where they are made and yielded once, and a plain string is escaped by the C
function `escape` itself ends in; anything else (Markup, numbers, undefined values) still goes
through `escape`. The text a page is made of is the same, character for character
(tests/test_build.py's golden site and test_layout_code hold it so).

Done through `Environment.code_generator_class`, the hook jinja2 documents for changing the Python a
template compiles to; the rest of compiling is jinja2's own. The change leans on how jinja2 3.1 writes
an output statement: generator() (chosen(): once a process) gives LayoutCode only where a probe
compiled by it renders what jinja2's own compiling renders, and jinja2's own generator under any
jinja2 that writes it otherwise.
"""
from __future__ import annotations

import functools

import markupsafe
from jinja2 import DictLoader, Environment, nodes
from jinja2.compiler import CodeGenerator, Frame

# markupsafe's escaping of a plain string (its C speed-up, or its Python fallback), which `escape`
# wraps in Markup; a markupsafe without it leaves every value to `escape`.
_escape_inner = getattr(markupsafe, "_escape_inner", None)


def escape_text(value) -> str:
    """markupsafe.escape(value), as text (a layout's output is joined into a string anyway)."""
    if type(value) is str and _escape_inner is not None:
        return _escape_inner(value)
    return markupsafe.escape(value)


# A statement's pieces joined (each is text already: escaped, or str()ed where nothing escapes; jinja2's
# str_join calls str() on each again).
joined = "".join

# The names the compiled layouts call these by (imported at the top of each).
_ESCAPE, _JOIN = "escape_text", "joined"
# The buffer name visit_Output gives an unbuffered output statement (no layout variable can have it:
# jinja2 names its own variables with a prefix, and this is not a name).
_JOINED = "<joined>"


class LayoutCode(CodeGenerator):
    """jinja2's code generator, with the two changes the module docstring gives."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        self.writeline(f"from {__name__} import {_ESCAPE}, {_JOIN}")
        super().visit_Template(node, frame)

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if frame.buffer is not None or len(node.nodes) < 2:
            super().visit_Output(node, frame)
            return
        # jinja2's own buffered form (`buffer.extend((piece, ...))`, made for blocks captured into a
        # variable) with the buffer named so that it reads `yield joined((piece, ...))`: the
        # pieces, their escaping and their order are jinja2's.
        frame.buffer = _JOINED
        try:
            super().visit_Output(node, frame)
        finally:
            frame.buffer = None

    def writeline(self, x: str, node: nodes.Node | None = None, extra: int = 0) -> None:
        if x.startswith(_JOINED):
            x = x.replace(f"{_JOINED}.extend(", f"yield {_JOIN}(", 1).replace(f"{_JOINED}.append(", "yield str(", 1)
        super().writeline(x, node, extra)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write(f"{_ESCAPE}(")
            if finalize.src is not None:
                self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


# The probe: constant text, escaped values of each kind, a loop, a captured block and a macro call.
_PROBE = ('{% macro m(v) %}<i>{{ v }}</i>{% endmacro %}{% set held %}[{{ a }}]{% endset %}'
          '{{ a }}<{{ b }}>{{ n }}{% for x in c %}{{ x }}:{{ m(x) }}{% endfor %}{{ held }}')
_PROBE_VALUES = dict(a='<"&\'>', b=markupsafe.Markup("<b>"), n=1.5, c=[1, "&"])


def generator() -> type[CodeGenerator]:
    """LayoutCode, if this jinja2 compiles the probe through it to what its own compiling renders;
    else jinja2's own code generator (the layouts then render as jinja2 renders them, a little slower)."""
    def rendered(kind: type[CodeGenerator]) -> str:
        env = Environment(loader=DictLoader({"probe.html": _PROBE}), autoescape=True)
        env.code_generator_class = kind
        return env.get_template("probe.html").render(_PROBE_VALUES)

    try:
        return LayoutCode if rendered(LayoutCode) == rendered(CodeGenerator) else CodeGenerator
    except Exception:  # noqa: BLE001 - any failure of ours to compile or render: jinja2's own is used
        return CodeGenerator


@functools.cache
def chosen() -> type[CodeGenerator]:
    """generator(), worked out once in a process, when it first compiles a layout (the probe is ~7 ms:
    at import it was paid by every process that imports the renderer, search's workers too)."""
    return generator()
