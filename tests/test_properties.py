"""Property tests (hypothesis) on the cleaner and the HTML -> markdown converter."""
import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive import to_markdown
from newsarchive.clean import DocInfo, clean
from newsarchive.clean.chain import RELATED_HEADINGS
from newsarchive.clean.rules import RuleBook

TAGS = ["p", "div", "span", "a", "b", "i", "em", "strong", "script", "style", "iframe", "img", "svg", "form",
        "table", "tr", "td", "ul", "li", "blockquote", "h1", "h2", "br", "hr", "figure", "figcaption", "object",
        "embed", "math", "template", "noscript", "textarea", "select", "option", "meta", "link", "base"]
ATTRS = ['href="javascript:alert(1)"', 'src="data:text/html,<script>x</script>"', 'onclick="alert(1)"',
         'style="background:url(javascript:x)"', 'class="ad"', 'href="https://ok.example/"',
         'src="https://img.example/a.jpg"', 'onerror=alert(1)', 'srcdoc="<script>1</script>"', 'formaction="x"']
EXECUTABLE = re.compile(r"(?<!\\)<\s*(script|iframe|object|embed|svg|math|form|meta|base|link|style|template)\b|"
                        r"\bon\w+\s*=|javascript:|data:text/html", re.I)
NO_RULES = RuleBook(())


@st.composite
def html_soup(draw):
    parts = draw(st.lists(st.one_of(
        st.builds(lambda t, a: f"<{t} {a}>", st.sampled_from(TAGS), st.sampled_from(ATTRS + [""])),
        st.builds(lambda t: f"</{t}>", st.sampled_from(TAGS)),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
        st.sampled_from(["<!--", "-->", "<![CDATA[", "&lt;script&gt;", "&#x3C;", "<", ">", "&", '"']),
    ), max_size=40))
    return "".join(parts)


def _convert(html: str) -> str:
    cleaned, _report = clean(html, DocInfo(title="t", base_url="https://example.org/a"), None)
    return to_markdown.convert(cleaned)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_soup())
def test_never_raises_and_never_executable(html):
    markdown = _convert(html)
    assert not EXECUTABLE.search(markdown), markdown


# Paragraphs of ordinary prose: never one that is wholly a section heading the chain cuts at on
# purpose ("Comments", "Recommended": hypothesis draws such words from the code's own constants).
_HEADINGS = {h.lower() for h in RELATED_HEADINGS}
WORDS = st.text(alphabet=st.sampled_from("新聞報導台灣香港記者今天表示政府民眾abcdefghijklmnopqrstuvwxyz"), min_size=8,
                max_size=40).filter(lambda w: w.lower() not in _HEADINGS)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=6), st.sampled_from(["", "<script>x()</script>", "<div class='ad'>廣告</div>",
                                                                  "<iframe src='https://x'></iframe>", "<style>p{}</style>"]))
def test_plain_paragraph_text_is_preserved(paragraphs, noise):
    html = "<div>" + noise.join(f"<p>{p}</p>" for p in paragraphs) + noise + "</div>"
    markdown = _convert(html)
    flat = re.sub(r"\s+", "", markdown)
    for p in paragraphs:
        assert p in flat, (p, markdown)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["```", "~~~~", "~~~~~~~", "`", "code", "    indented", "", "```python", "~~~"]),
                min_size=1, max_size=8))
def test_preformatted_text_stays_one_code_block(lines):
    """A <pre> whose lines are fences of either kind and any length is one code block with its text."""
    from markdown_it import MarkdownIt

    code = "\n".join(["first line"] + lines + ["last line"])
    markdown = _convert(f"<pre>{html.escape(code)}</pre>")
    tokens = [t for t in MarkdownIt("commonmark").parse(markdown) if t.type in ("fence", "code_block")]
    assert len(tokens) == 1 and tokens[0].content.rstrip("\n") == code, markdown
