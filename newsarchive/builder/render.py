"""Render: the gathered Site -> {output path: bytes}, in memory. Nothing here touches site/.

Bodies become HTML in to_html (markdown-it, then the same nh3 allowlist as ingest). jinja2
layouts (the archive's own `layouts/` first, then the project's) shape every page.
Every internal link is relative to the page that holds it, so the site works over
HTTP, under a subpath, and from disk.
"""
from __future__ import annotations

import functools
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from itertools import count, repeat
from typing import NamedTuple
from urllib.parse import quote, urlsplit
from pathlib import Path

import jinja2
import orjson
from markupsafe import Markup, escape

from .. import urls
from ..to_html import markdown_to_html
from .feeds import atom_date
from ..config import SiteConfig
from ..progress import Progress
from ..to_markdown import plain_text
from .collect import Entry, Group, Site, instant, members_of, path_of
from .reading import reading_minutes
from . import layout_code, shape
from .compiled import CompiledLayouts
from .links import NO_LINKS, Links
from .ui import MONTHS, words
from .write import Placed

# Characters outside XML 1.0's Char production: one of them makes a whole feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_URL_UNSAFE = re.compile(r"[\x00-\x20#?%\"<>\\^`{|}\x7f]")


def url_path(path: str) -> str:
    """An output path made safe to append to the base URL (same encoding as relative links)."""
    return _URL_UNSAFE.sub(lambda m: quote(m.group(0)), path)


def rel(from_path: str, to_path: str) -> str:
    """Relative URL from one output file to another ('articles/2020/09/a.html' -> '../../../index.html').

    Characters that end or break a URL path (space # ? % " < > …) are percent-encoded, so a
    hand-named content file ('notes #1?.md') still links; letters of any script stay readable.
    """
    return _relative(posixpath.dirname(from_path), to_path)


def rel_all(from_path: str, to_paths) -> list[str]:
    """rel(from_path, p) for each of many paths at once: those outside from_path's top folder are the
    folder's depth of '..' and the path, worked out here (search's meta.js links every article from
    one page: through rel's cache, each was a miss at 100 000 articles, 0.45 s)."""
    folder = posixpath.dirname(from_path)
    if not folder:
        return [rel(from_path, p) for p in to_paths]
    top, up = _outside(folder)
    return [url_path(up + p) if p.partition("/")[0] != top else rel(from_path, p) for p in to_paths]


def _outside(folder: str) -> tuple[str, str]:
    """(the folder's first folder, the folder's depth of '../'): a link from the folder to a site path
    whose first folder is another is the second and the path, made safe (_relative's answer then)."""
    return folder.partition("/")[0], "../" * (folder.count("/") + 1) if folder else ""


@functools.lru_cache(maxsize=1 << 16)
def _relative(folder: str, to_path: str) -> str:
    """posixpath.relpath for two paths inside the site (no '.', '..' or leading '/'), computed on the
    strings: relpath resolves both against the working directory first, and pages hold many links
    (a third of rendering an article went there). Pages in one folder share their answers."""
    here = folder.split("/") if folder else []
    there = to_path.split("/")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    relative = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    return _URL_UNSAFE.sub(lambda m: quote(m.group(0)), relative)


@dataclass(frozen=True)
class Assets:
    """Fingerprinted static files: logical name -> output path, and their bytes."""

    paths: dict
    files: dict


def load_assets(static_dirs: list[Path]) -> Assets:
    paths, files = {}, {}
    for directory in reversed(static_dirs):  # the archive's own static/ overrides the project's
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                name = path.relative_to(directory).as_posix()
                data = path.read_bytes()
                stem, dot, ext = name.rpartition(".")
                fingerprinted = f"assets/{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{ext}" if dot else f"assets/{name}"
                paths[name], files[name] = fingerprinted, data
    return Assets(paths, {paths[n]: d for n, d in files.items()})


class LayoutEnvironment(jinja2.Environment):
    """jinja2's environment, compiling layouts to fewer steps where this jinja2 allows (layout_code.py),
    and giving a layout it has loaded from a dict of its own: jinja2's look-up (a weak reference to
    its loader, an LRU cache and its lock) took ~7 us, and a cold build asks some 21 000 times at
    10 000 articles in the building process alone (a page, the layout it extends, each include and
    list item). Layouts do not change under an environment (auto_reload is off: see _environment)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded: dict[str, jinja2.Template] = {}

    @property
    def code_generator_class(self) -> type:
        return layout_code.chosen()

    def get_template(self, name, parent=None, globals=None) -> jinja2.Template:
        if globals is not None or not isinstance(name, str):
            return super().get_template(name, parent, globals)
        key = name if parent is None else self.join_path(name, parent)
        template = self._loaded.get(key)
        if template is None:
            template = self._loaded[key] = super().get_template(key)
        return template


@functools.lru_cache(maxsize=4)
def _environment(layout_dirs: tuple[Path, ...], _files: tuple, compiled: Path | None = None) -> jinja2.Environment:
    """One environment per state of the layout files in a process (serve builds again and again,
    and compiling the layouts costs more than rendering a few pages): any file added, removed or
    changed in a layout folder (_files) gives a new one. `compiled`: where the layouts are kept
    compiled between processes (compiled.py), or None."""
    env = LayoutEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in layout_dirs if d.is_dir()]),
        autoescape=jinja2.select_autoescape(["html", "xml"]), undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        # (a changed layout file gives a new environment, above: jinja's own check stat()ed each
        # page's templates every time one was asked for, ~5 % of a cold build's CPU)
        auto_reload=False,
        bytecode_cache=CompiledLayouts(compiled) if compiled is not None else None,
    )
    env.filters["display_date"] = display_date
    env.filters["atom_date"] = atom_date
    env.filters["urlize_label"] = url_label
    env.filters["iri"] = urls.iri
    env.filters["urlpath"] = url_path
    env.filters["og_locale"] = og_locale
    env.filters["reading_minutes"] = reading_minutes
    for name in PAGE_FILTERS:
        env.filters[name] = _page_filter(name)
    return env


# The functions each page is given (PageMaker.render) that its layouts may also apply as filters:
# `target|url` is `url(target)`, `'_header.html'|chrome` is `chrome('_header.html')`. A call from a
# template goes through jinja2's Context.call (~1 us: it asks the function and its __call__ whether
# they take the context); a filter is called directly. The default layouts make ~35 links an
# article page: ~0.4 CPU-s of a cold build at 10 000 articles.
PAGE_FILTERS = ("url", "absolute", "asset", "outlet_url", "tag_url", "chrome")


def _page_filter(name: str):
    @jinja2.pass_context
    def apply(context, value):
        return context.resolve_or_missing(name)(value)

    return apply


# A link's shown address is cut to this many characters (its href stays whole): some sources' URLs
# run to a kilobyte (slugs mangled to U+FFFD before they were archived), shown twice on a page.
LABEL_CHARS = 80
_LABEL_TAIL = 16


@functools.lru_cache(maxsize=1 << 16)  # (as urls.iri: one address is shown on several pages)
def url_label(url: str) -> str:
    """An address as a reader reads it: percent-escapes decoded, a long one cut in its middle."""
    written = urls.iri(url)
    # (urls.iri - asked of the address for its link just before, and kept - decodes the escapes a
    # browser would write again alike, as readable decodes them: when it left none, that is the
    # label. Decoded again for each article page, labels were ~0.25 CPU-s of a cold build at 10 000.)
    label = written if "%" not in written else urls.readable(url)
    if len(label) <= LABEL_CHARS:
        return label
    return label[:LABEL_CHARS - _LABEL_TAIL - 1] + "…" + label[-_LABEL_TAIL:]


# The layout of an article's page.
ARTICLE_LAYOUT = "article.html"

# A tag fewer articles than this have gets no pages of its own (a list of its one article, and a
# feed): more than half the tags of 10 000 real articles are one article's. Its article shows it
# unlinked and the tags index links that article.
TAG_PAGE_ARTICLES = 2

# Open Graph locales of the languages articles come in (anything else: its tag with an underscore).
_OG_LOCALES = {"zh-Hant": "zh_TW", "zh-Hans": "zh_CN", "en": "en_US", "ja": "ja_JP", "ko": "ko_KR"}


def og_locale(lang: str) -> str:
    return _OG_LOCALES.get(lang, lang.replace("-", "_"))


@dataclass(frozen=True)
class Layouts:
    """The layout folders in use (the archive's own first) and each file's digest, read once per build;
    where they are kept compiled (compiled.py), or None."""

    dirs: tuple[Path, ...]
    files: tuple[tuple[str, str], ...]
    compiled: Path | None = None


def read_layouts(layout_dirs: list[Path], compiled: Path | None = None) -> Layouts:
    present = tuple(d for d in layout_dirs if d.is_dir())
    return Layouts(present, tuple((str(p), hashlib.sha256(p.read_bytes()).hexdigest()) for d in present
                                  for p in sorted(d.rglob("*")) if p.is_file()), compiled)


def environment(layouts: Layouts) -> jinja2.Environment:
    return _environment(layouts.dirs, layouts.files, layouts.compiled)


def display_date(date: str | None, lang: str = "zh") -> str:
    if not date:
        return ""
    y, m, d = date[:4], int(date[5:7]), int(date[8:10])
    clock = f" {date[11:16]} UTC{'' if date.endswith(('Z', '+00:00')) else date[19:]}" if "T" in date else ""
    if lang.startswith(("zh", "ja")):
        return f"{y}年{m}月{d}日{clock}"
    return f"{d} {MONTHS[m - 1]} {y}{clock}"


def json_ld(entry: Entry, config: SiteConfig, image: str | None = None, versions: tuple = ()) -> str:
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": entry.title,
        "inLanguage": entry.lang, "publisher": {"@type": "Organization", "name": entry.outlet},
    }
    if config.base_url:
        data["url"] = data["mainEntityOfPage"] = config.base_url + url_path(entry.path)
    if entry.date:  # published with the first version, modified with the latest (one version: the same)
        data["datePublished"] = (versions[0].date if versions else None) or entry.date
        data["dateModified"] = (versions[-1].date if versions else None) or entry.date
    if entry.authors:
        data["author"] = [{"@type": "Person", "name": a} for a in entry.authors]
    if entry.source.get("url"):
        data["isBasedOn"] = urls.iri(entry.source["url"])
    if entry.source.get("archive_url") or config.base_url:  # the Wayback copy, else this archive's own page
        data["archivedAt"] = urls.iri(entry.source["archive_url"]) if entry.source.get("archive_url") else data["url"]
    # (no description: the page's meta and Open Graph descriptions carry the summary, and a third
    # copy was ~3 % of every article page at 100 000 articles)
    if image:
        data["image"] = image
    return compact_script_json(data)  # (by orjson, compact: ~7 us an article page; json's spaced text ~20)


# In a script element the HTML parser looks for `</script` and, after `<!--`, for `<script`: no
# `<` may reach it (nor `>`, `&`); U+2028/2029 end a line in older JavaScript.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def script_json(value, **dump) -> str:
    """JSON that is safe inside a <script> element (or a classic script file), whatever its strings
    hold: the characters that could end or confuse the element escaped as JSON escapes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, **dump)
    return _script_safe(text)


def compact_script_json(value) -> str:
    """script_json(value, separators=(",", ":")), the same text, written by orjson (~5x faster: search's
    meta.js is ~14 MB at 100 000 articles) - for values of strings, integers, lists and mappings with
    string keys only (orjson writes some floats otherwise than json does). What orjson refuses (a lone
    surrogate, an integer past 64 bits) is written by json."""
    try:
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except TypeError:  # (orjson.JSONEncodeError)
        return script_json(value, separators=(",", ":"))
    return _script_safe(text)


def _script_safe(text: str) -> str:
    return _SCRIPT_UNSAFE_RE.sub(lambda m: _SCRIPT_UNSAFE[m.group(0)], text)


class Linked(NamedTuple):
    """Another article as an article page shows it (a neighbour, a same-story or related-coverage
    link): its fields and its page, not its text or provenance. What an article page's task carries
    of the articles it links (PageMaker): their Entries, each with its text and provenance, were ~2 KB
    pickled and ~10 a page."""

    path: str
    title: str
    outlet: str
    lang: str
    date: str | None
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    summary: str | None

    @classmethod
    def of(cls, e: Entry) -> "Linked":
        return cls(e.path, e.title, e.outlet, e.lang, e.date, e.authors, e.tags, e.summary)


class Shows(NamedTuple):
    """What an article page shows of other articles: its same-story and related-coverage links, its
    neighbours (newer, older; the same outlet's newer, older; None at an end), all Linked, its
    versions (Entries, oldest first) and what changed between them (version_diffs)."""

    links: Links
    neighbours: tuple
    versions: tuple
    diffs: list


@dataclass(frozen=True)
class PageMaker:
    """What a page is made with besides the gathered site: the settings, layouts and assets, the
    stored pictures and the pages of outlets and tags. Picklable: a large build makes its article
    pages on fresh processes handed one, each task carrying its articles and what their pages show
    (parallel.py). An article page is made from these alone, not from the whole site (its layout
    has no `site`): forked workers that inherited the site held 0.6-0.8 GB of copies of it each at
    100 000 articles, as CPython writes to what it reads and allocates into the gaps it inherits."""

    config: SiteConfig
    layouts: Layouts
    assets: Assets
    pictures: object  # media.show.Pictures: the stored pictures (None: show every image where it is)
    outlet_paths: dict  # outlet name -> its list page
    tag_paths: dict  # tag name -> its list page, for the tags that have pages (TAG_PAGE_ARTICLES)
    problems: int  # raw files ingest could not make articles of, and pages left out
    # The chrome made so far (chrome()): (layout, the links' base) -> its HTML; and once a layout, the
    # links its first rendering asked for (in order), and (layout, _link_shape) -> its HTML.
    _chrome: dict = field(default_factory=dict, compare=False, repr=False)
    _chrome_asked: dict = field(default_factory=dict, compare=False, repr=False)
    _chrome_shapes: dict = field(default_factory=dict, compare=False, repr=False)

    def render(self, template: str, path: str, lang: str | None, context: dict,
               anywhere: bool = False, items: "Items | None" = None) -> tuple[str, bytes]:
        """One page from its layout. `anywhere`: a page hosts serve at any path (the 404 page).
        `items`: the build's list items made so far (Items), which a list's entry_items() takes."""
        # A page served at any path (a host sends its 404 page for /a/b/c/missing.html) cannot link
        # relatively: with a base URL its links start from the base URL's path; without one they stay
        # relative (the site is read from disk or served at its root).
        root = urlsplit(self.config.base_url).path if anywhere and self.config.base_url else None
        folder = posixpath.dirname(path)  # (rel's, once a page: a list page makes some 300 links)

        def url(target: str) -> str:
            return root + url_path(target) if root is not None else _relative(folder, target)

        def absolute(target: str) -> str:
            """A link that must be absolute where it can (feeds): from the base URL, else relative."""
            return self.config.base_url + url_path(target) if self.config.base_url else url(target)

        env, lang = environment(self.layouts), lang or self.config.language
        asset = lambda name: url(self.assets.paths[name])  # noqa: E731
        html = env.get_template(template).render(absolute=absolute,
            config=self.config, path=path, lang=lang, url=url, problems=self.problems,
            chrome=functools.partial(self.chrome, env, (root, folder), url),
            entry_items=functools.partial((items or Items()).items, env, self.config, lang, url, (root, folder)),
            asset=asset, outlet_url=lambda n: url(self.outlet_path(n)),
            tag_url=lambda n: url(self.tag_path(n)) if self.tag_path(n) else None, **context)
        if template.endswith(".xml"):  # feeds, sitemap: no character XML 1.0 refuses, whatever a page holds
            html = _NOT_XML.sub("", html)
        return path, html.encode("utf-8")

    def compile(self, template: str) -> None:
        """The layout compiled here, now: workers forked after it inherit it compiled (each compiled
        article.html on its first page, ~50 ms, as the building process did again for the earlier
        versions' pages it makes beside them)."""
        environment(self.layouts).get_template(template)

    def chrome(self, env: jinja2.Environment, base: tuple, url, layout: str) -> Markup:
        """A part every page shows alike (`layout|chrome` in base.html: _head.html, _header.html,
        _footer.html), made once for each base its links start from (`base`: the page's folder, or
        the root a page served anywhere links from). It sees the settings, the problems count and
        the links (url(), and asset(): the url() of a static file's address), not the page. (Made on
        every page, they were ~26 of the ~37 us base.html took; kept, an article page 246 -> 235 us,
        and a build makes 15 000 pages at 10 000 articles.)"""
        key = (layout, base)
        if key not in self._chrome:
            self._chrome[key] = self._chrome_for(env, base, url, layout)
        return self._chrome[key]

    def _chrome_for(self, env: jinja2.Environment, base: tuple, url, layout: str) -> Markup:
        """A part's HTML for a base it was not made for yet: that of another base whose links come out
        the same (a build writes list pages in ~3 000 folders at 10 000 articles - a tag's each - and
        made the three parts in each: ~0.5 of the list pages' ~2.9 CPU-s). The part sees nothing of
        the page but what url() and asset() give it, so where each link it asks for is the same, it
        asks for the same next one and comes out the same: the links its first rendering asked for
        are looked up from this base (_link_shape), and a part made with the same answers is taken."""
        asked = self._chrome_asked.get(layout)
        shape = (layout, _link_shape(base, url, asked)) if asked is not None else None
        if shape in self._chrome_shapes:
            return self._chrome_shapes[shape]
        these: list[str] = []

        def link(target: str) -> str:
            these.append(target)
            return url(target)

        html = Markup(env.get_template(layout).render(config=self.config, problems=self.problems, url=link,
                                                      asset=lambda name: link(self.assets.paths[name])))
        if asked is None:
            self._chrome_asked[layout], asked = these, these
            shape = (layout, _link_shape(base, url, asked))
        if these == asked:  # (a part asking for other links from here is kept for this base only)
            self._chrome_shapes[shape] = html
        return html

    def __getstate__(self) -> dict:
        """Pickled (to the article pages' fresh workers) without the chrome made so far: by then the
        list pages had made that of every list folder, which no article page shows (9 045 parts, 5.1
        of the 6.6 MB pickled at 10 000 articles); a worker makes its own pages' folders' chrome."""
        return {**self.__dict__, "_chrome": {}, "_chrome_asked": {}, "_chrome_shapes": {}}

    def outlet_path(self, name: str) -> str:
        # (an earlier version's outlet may have no list of its own)
        return self.outlet_paths.get(name, "outlets/index.html")

    def tag_path(self, name: str) -> str | None:
        """A tag's list page; None for a tag without one (only one article has it, or only an
        earlier version): its article shows it unlinked."""
        return self.tag_paths.get(name)

    def article(self, entry: Entry, body: str | None, shows: Shows) -> tuple[str, bytes]:
        """An article's page (`body`: its HTML, None to make it here)."""
        folder = posixpath.dirname(entry.path)
        body = self.body_html(entry, lambda target: _relative(folder, target), body)
        image = self._lead_image(entry) if self.pictures is not None else None
        newer, older, outlet_newer, outlet_older = shows.neighbours
        versions = shows.versions
        return self.render(ARTICLE_LAYOUT, entry.path, entry.lang, dict(
            entry=entry, body=body, related=shows.links.same, coverage=shows.links.coverage, image=image,
            newer=newer, older=older, outlet_newer=outlet_newer, outlet_older=outlet_older, versions=versions,
            latest=versions[-1] if versions else entry, diffs=shows.diffs,
            json_ld=json_ld(entry, self.config, image, versions),
            canonical=self.config.base_url + url_path(entry.path) if self.config.base_url else None))

    def body_html(self, entry: Entry, link=None, body: str | None = None) -> str:
        """An article's text as HTML (`body`: made already); with `link(site_path)`, its stored
        pictures shown from the site."""
        body = body or markdown_to_html(entry.body_md)
        return self.pictures.localize(body, link) if link and self.pictures is not None else body

    def _lead_image(self, entry: Entry) -> str | None:
        """The absolute address of an article's first picture (JSON-LD, Open Graph): its local copy's
        when stored and the site has a base URL, else where it is."""
        url, stored = self.pictures.lead(entry.body_md)
        if stored is not None and self.config.base_url:
            return self.config.base_url + url_path(stored.site_path)
        return url


# Where a list item's link goes, in the item as Items makes it once (a page's own links replace it).
_LINK_MARK = "\x00"


class Items:
    """The list items of one build (the layout _entry.html, which a list's entry_items() renders),
    each made once for an article, its lead picture, its first title and the page's language, and
    its links made again for each page showing it. An article is listed on five to eight pages
    (home, month, day, outlet, tags): rendered on each, its items were ~1.1 of the ~2.8 CPU-s of a
    cold build's list pages at 10 000 articles. The item sees e, lead, first, lang, config and url
    (no page path: it is the same on every page, but for where its links go)."""

    def __init__(self):
        self._made: dict[tuple, tuple | None] = {}

    def clear(self) -> None:
        """Let the items go (when the lists are made: ~0.1 GB at 100 000 articles)."""
        self._made.clear()

    def items(self, env: jinja2.Environment, config: SiteConfig, lang: str, url, base: tuple, entries,
              leads=None, firsts=None) -> Markup:
        """A list's items, one after another (leads, firsts: each entry's, or None for all). `url`: the
        page's, from `base` (its root and folder, as chrome() takes them)."""
        hrefs, out = _Hrefs(*base), []
        for e, lead, first in zip(entries, leads or repeat(None), firsts or repeat(None)):
            key = (e.path, lead, first, lang)
            if key not in self._made:
                self._made[key] = _marked(env, config, lang, e, lead, first)
            made = self._made[key]
            if made is None:  # (the mark is in the article's own text: made on each page)
                out.append(_item(env, config, lang, url, e, lead, first))
                continue
            pieces, targets = made
            out.append(pieces[0])
            for target, piece in zip(targets, pieces[1:]):
                out += (hrefs.of(target), piece)
        return Markup("".join(out))


class _Hrefs:
    """A page's links (PageMaker.render's url) escaped as an attribute holds them, for list items:
    a link from a list's folder to an article outside it is the folder's depth of '..' and the
    article's address, its address made safe once a build (_safe_href). (Each item's links went
    through url() - a miss of _relative's cache for almost every one: the tag pages are ~4 000
    folders - and escape(): ~0.4 CPU-s of a cold build's ~5 000 list pages at 10 000 articles.)"""

    __slots__ = ("_root", "_folder", "_top", "_up")

    def __init__(self, root: str | None, folder: str):
        self._root = str(escape(root)) if root is not None else None
        self._folder = folder
        self._top, self._up = _outside(folder)

    def of(self, target: str) -> str:
        """escape(url(target)), url the page's."""
        if self._root is not None:
            return self._root + _safe_href(target)
        if not self._folder or target.partition("/")[0] != self._top:  # (_relative's answer then)
            return self._up + _safe_href(target)
        return str(escape(_relative(self._folder, target)))


def _link_shape(base: tuple, url, targets: list[str]) -> tuple:
    """What url() (a page's, from `base`: the root a page served anywhere links from, and its folder)
    gives for each of these targets, told without asking it for most: a target whose first folder is
    not the base folder's is reached by the folder's depth of '..' and the target (_relative), so the
    depth stands for all of those, and only the others are asked."""
    root, folder = base
    top, up = _outside(folder)
    return root, top, up, tuple(url(t) for t in targets if root is not None or t.partition("/")[0] == top)


@functools.lru_cache(maxsize=1 << 16)
def _safe_href(target: str) -> str:
    """A site path as a link's attribute holds it: url_path, then escaped (each of escape and url_path
    works on characters one at a time, so a prefix without what they change can go before it)."""
    return str(escape(url_path(target)))


def _item(env: jinja2.Environment, config: SiteConfig, lang: str, url, e: Entry, lead, first) -> str:
    return env.get_template("_entry.html").render(e=e, lead=lead, first=first, lang=lang, config=config, url=url)


def _marked(env: jinja2.Environment, config: SiteConfig, lang: str, e: Entry, lead, first) -> tuple | None:
    """An item cut where its links go, and their targets in order; None if the mark is in its text."""
    targets: list[str] = []

    def mark(target: str) -> Markup:
        targets.append(target)
        return Markup(_LINK_MARK)

    pieces = _item(env, config, lang, mark, e, lead, first).split(_LINK_MARK)
    return (pieces, targets) if len(pieces) == len(targets) + 1 else None


class Renderer:
    """Turns the Site into pages; each page gets `url(target)` relative to itself."""

    def __init__(self, site: Site, config: SiteConfig, layouts: Layouts, assets: Assets, related,
                 memo, body_store, showing: frozenset[str] | None = None, progress: Progress | None = None,
                 failures: tuple = (), search: bool = True, pictures=None, last_shape=None):
        self.site, self.config, self.assets = site, config, assets
        self.search = search  # whether the site has its search index (the search page says so when not)
        self.pictures = pictures  # media.show.Pictures: the stored pictures (None: show every image where it is)
        # Raw files ingest could not make articles of, and the pages left out: the problems page.
        self.failures = failures
        self.problem_count = len(failures) + len(site.problems)
        self.progress = progress or Progress.off()  # phases of making the pages, on a terminal
        self.related = related  # same_story's answer: may still be in the making, so looked up late
        self.memo = memo  # a memo.Memo: pages whose inputs did not change come from the last site
        self.body_store = body_store  # a bodies.BodyStore: bodies kept from the last build that rendered every article
        # When an edit kept the site's shape (every list the same articles in the same order; see
        # shape.py): the paths of the edited articles; a list page showing none of them - nor another
        # version of one, whose first title it shows (first_titles) - is kept.
        self.showing = showing
        self._listed_changed = showing if showing is None else showing.union(
            v.path for path in showing for v in site.versions.get(path, ()))
        # The shape.Last the last build recorded (a command-line build whose page keys hold): after an
        # edit that kept the shape, or when the site only grew, article pages none of whose inputs
        # changed are kept (see articles_to_key).
        self.last_shape = last_shape
        # Article bodies as HTML by article path, taken from the body store or made ahead (parallel.py).
        self.bodies: dict[str, str] = {}
        self.words = words(config.language)  # the site's own words in its headings
        self.outlet_of = {g.name: g for g in site.outlets}
        self.tag_pages = tuple(g for g in site.tags if len(g.entries) >= TAG_PAGE_ARTICLES)
        members_of(site)  # (the index pages' keys spell every group by its members)
        self.maker = PageMaker(config, layouts, assets, pictures,
                               {g.name: f"outlets/{g.slug}/index.html" for g in site.outlets},
                               {g.name: f"tags/{g.slug}/index.html" for g in self.tag_pages}, self.problem_count)
        self._linked: dict[str, Linked] = {}  # (one per article: a page's neighbours are compared by identity)
        self._diffs: dict[tuple, list] = {}  # (each article's versions' diffs, by their paths and digests)
        self._to_key: tuple = ()  # (articles_to_key's answer, once worked out: in a tuple of one)
        self.items = Items()  # (the list items made so far: each page that shows one makes its links)

    def page(self, template: str, path: str, lang: str | None = None, anywhere: bool = False,
             **context) -> tuple[str, bytes | Placed]:
        """One page: bytes, or Placed.KEPT (the last site's file) when nothing it is made of changed.
        `anywhere`: a page hosts serve at any path (the 404 page), see PageMaker.render."""
        old = self.memo.reuse(path, self.memo.key(template, path, lang, anywhere, context))
        if old:
            return path, old
        return self.maker.render(template, path, lang, dict(context, site=self.site, feed_body=self.feed_body),
                                 anywhere, self.items)

    def outlet_path(self, name: str) -> str:
        return self.maker.outlet_path(name)

    def tag_path(self, name: str) -> str | None:
        return self.maker.tag_path(name)

    def reused_article(self, entry: Entry) -> tuple[str, Placed] | None:
        """The last site's page for this article if neither it nor what it shows changed."""
        key = self.memo.key(ARTICLE_LAYOUT, entry.path, entry, self.related.get(entry.path, NO_LINKS), self._pictures_of(entry),
                            self.neighbours(entry), self.site.versions.get(entry.path, ()),
                            self.outlet_path(entry.outlet), [self.tag_path(t) for t in entry.tags])
        old = self.memo.reuse(entry.path, key)
        return (entry.path, old) if old else None

    def neighbours(self, entry: Entry) -> tuple:
        """(newer, older) in the whole archive, then (newer, older) from the same outlet: None at an end."""
        if entry.path not in self._place_of:  # an earlier version: in no list, beside no other article
            return (None, None, None, None)
        both = []
        for entries, places in ((self.site.entries, self._place_of),
                                (self.outlet_of[entry.outlet].entries, self._outlet_places)):
            n = places[entry.path]
            both += [entries[n - 1] if n > 0 else None, entries[n + 1] if n + 1 < len(entries) else None]
        return tuple(both)

    def body_html(self, entry: Entry, link=None) -> str:
        """An article's text as HTML (see PageMaker.body_html), from the bodies made already if there."""
        return self.maker.body_html(entry, link, self.bodies.get(entry.path))

    def feed_body(self, entry: Entry) -> str:
        """An article's text as HTML for a full-content feed (pictures at absolute addresses where
        the site has a base URL)."""
        base = self.config.base_url
        return self.body_html(entry, (lambda target: base + url_path(target)) if base else None)

    def _pictures_of(self, entry: Entry) -> tuple:
        """(An archive without stored pictures never reads the body for it: every article page is
        keyed after a full render, and each body read from its page costs ~25 µs and its memory.)"""
        return self.pictures.of(entry.body_md) if self.pictures is not None and self.pictures.images else ()

    def render_article(self, entry: Entry, body: str | None = None) -> tuple[str, bytes]:
        """An article's page (`body`: its HTML, when made already)."""
        return self.maker.article(entry, body or self.bodies.get(entry.path), self.shows(entry))

    def shows(self, entry: Entry) -> Shows:
        """What an article's page shows of other articles (waits for same story)."""
        links, versions = self.related.get(entry.path, NO_LINKS), self.site.versions.get(entry.path, ())
        return Shows(Links(tuple(map(self._linked_to, links.same)), tuple(map(self._linked_to, links.coverage))),
                     tuple(map(self._linked_to, self.neighbours(entry))), versions, self._version_diffs(versions))

    def _version_diffs(self, versions: tuple[Entry, ...]) -> list:
        """version_diffs, once for each article's versions: every version's page shows them all (an
        article of five versions compared ten pairs on each of its five pages)."""
        if not versions:
            return []
        key = tuple((v.path, v.digest) for v in versions)
        if key not in self._diffs:
            self._diffs[key] = version_diffs(versions)
        return self._diffs[key]

    def _linked_to(self, entry: Entry | None) -> Linked | None:
        if entry is None:
            return None
        linked = self._linked.get(entry.path)
        if linked is None:
            linked = self._linked[entry.path] = Linked.of(entry)
        return linked

    def listing(self, template: str, folder: str, entries: tuple[Entry, ...], front: dict | None = None,
                **context):
        """A paginated list, newest first: folder/index.html shows the newest articles and
        folder/page/N/index.html the older ones, page_size a page, numbered from the oldest (page 1
        holds the oldest). The first page takes what does not fill a numbered page (page_size to
        twice that less one), so new articles change the first page (and add a number when they fill
        one) and leave the others as they were: numbered from the newest, a day's articles moved every
        one of the ~2 000 home pages of 100 000 articles, and each outlet's and tag's, to be made again.
        `front`: what only the first page shows (a page's key is its context: the archive's size or a
        month's calendar given to every page would change them all again). Undated articles, which
        sort last, follow page 1 on pages of their own (page/undated-K/, `UNDATED_PAGE` K), so one
        more of them does not move every dated page either."""
        size = self.config.page_size
        dated = _dated(entries)
        # (a list that fits the first page is one page, however many of it are undated)
        head, tail = (entries[:dated], entries[dated:]) if dated and len(entries) >= 2 * size else (entries, ())
        older = max(0, len(head) // size - 1)
        pages = [(0, f"{folder}index.html", head[:len(head) - older * size])]
        # (page n's stretch sliced by both ends: slicing it from the list's end first copied the rest
        # of the list for every page - quadratic, 0.6 s for the ~2 000 home pages of 100 000 articles)
        pages += [(n, f"{folder}page/{n}/index.html", head[len(head) - n * size:len(head) - (n - 1) * size])
                  for n in range(older, 0, -1)]
        pages += [(UNDATED_PAGE.format(k), f"{folder}page/undated-{k}/index.html", tail[(k - 1) * size:k * size])
                  for k in range(1, -(-len(tail) // size) + 1)]
        for i, (number, path, shown) in enumerate(pages):
            yield self.kept(path, shown) or self.page(
                template, path, entries=shown, page_number=number,
                prev_page=pages[i - 1][1] if i else None, next_page=pages[i + 1][1] if i + 1 < len(pages) else None,
                numbered=numbered_pages(pages, i), leads=self.leads(shown), first_titles=self.first_titles(shown),
                **((front or {}) if i == 0 else {}),
                **context)

    def first_titles(self, entries: tuple[Entry, ...]) -> tuple:
        """Each entry's first title - its earliest version's, where that differs from its own - as
        (title, language), or None: a list shows it, so it is part of the key (read from the site by
        the list's layout, it was not, and a list kept the title an article was first given before
        that version came, or before it was edited)."""
        versions, out = self.site.versions, []
        for e in entries:
            first = versions[e.path][0] if e.path in versions else e
            out.append((first.title, first.lang) if first.title != e.title else None)
        return tuple(out)

    def leads(self, entries: tuple[Entry, ...]) -> tuple:
        """Each entry's stored lead picture, or None (a list shows it as a thumbnail; part of the key)."""
        if self.pictures is None or not self.pictures.images:
            return tuple(None for _ in entries)
        return tuple(self.pictures.lead(e.body_md)[1] for e in entries)

    def articles_to_key(self) -> frozenset[str] | None:
        """After an edit that kept the site's shape, or when the site only grew, the article pages
        that must be keyed (shape.to_key: the others are kept as they are) - the latest versions' and
        the earlier ones'; None when every one must. Waits for same story; worked out once."""
        if not self._to_key:
            self._to_key = (self._articles_to_key(),)
        return self._to_key[0]

    def _articles_to_key(self) -> frozenset[str] | None:
        last = self.last_shape
        if last is None:
            return None
        if self.showing is not None:
            return shape.to_key(self.site, self.showing, self.related, last, self._places)
        growth = last.grown(self.site, shape.pictures_digest(self.pictures), self.group_pages())
        if growth is None:
            return None
        return shape.to_key(self.site, growth.added, self.related, last, self._places, growth)

    def group_pages(self) -> dict:
        """Each outlet's and tag's page by name (a tag without pages: None), as an article links them."""
        return {"outlets": {g.name: self.outlet_path(g.name) for g in self.site.outlets},
                "tags": {g.name: self.tag_path(g.name) for g in self.site.tags}}

    def kept_as_was(self, path: str) -> tuple[str, Placed] | None:
        """A page as the last build left it, without keying it: an article page articles_to_key left
        out, or a list page kept (see kept)."""
        old = self.memo.kept(path)
        return (path, old) if old else None

    def kept(self, path: str, shown: tuple[Entry, ...]) -> tuple[str, Placed] | None:
        """After an edit that kept the site's shape, a page showing none of the edited articles (and
        nothing else that changed) as the last build left it, without keying it. (Every list shows
        the site's own entries: they are told by identity, which does not read them - their paths,
        read from 100 000 entries spread over a large heap for ~1 000 000 places in lists, were
        ~0.2 s of an edit.)"""
        if self._listed_changed is None or not self._changed_marks.isdisjoint(map(id, shown)):
            return None
        return self.kept_as_was(path)

    @functools.cached_property
    def _changed_marks(self) -> frozenset[int]:
        """The id() of each of the site's listed entries whose path is in _listed_changed (earlier
        versions are in no list)."""
        entries, place_of = self.site.entries, self._place_of
        return frozenset(id(entries[place_of[path]]) for path in self._listed_changed if path in place_of)

    def places_ahead(self) -> None:
        """The articles' places (_places), which keying after an edit needs and same story does not,
        made while the build waits for same story (~0.09 s of an edit at 100 000 articles, after it)."""
        self._places  # noqa: B018 - (made and kept: cached properties)

    @property
    def _places(self) -> tuple[dict[str, int], dict[str, int]]:
        """Each listed article's place in the site's order and in its outlet's, by path (shape.to_key
        finds the edited articles' neighbours by them)."""
        return self._place_of, self._outlet_places

    @functools.cached_property
    def _place_of(self) -> dict[str, int]:
        """Each listed article's place in the site's order, by path (made in C: a dict comprehension
        over 100 000 entries was ~0.2 s of an edit)."""
        return dict(zip(map(path_of, self.site.entries), count()))

    @functools.cached_property
    def _outlet_places(self) -> dict[str, int]:
        """Each listed article's place in its outlet's list, by path."""
        places: dict[str, int] = {}
        for g in self.site.outlets:
            places.update(zip(map(path_of, g.entries), count()))
        return places


# Versions up to this many are compared every two with each other; more, each with the next and the
# first with the latest (the pairs grow with the square).
ALL_PAIRS_UP_TO = 5


def version_diffs(versions: tuple[Entry, ...]) -> list[tuple[int, int, list[str]]]:
    """(older's number, newer's number, changed sentences as HTML) for any two versions (see
    ALL_PAIRS_UP_TO), each with the title's change first; numbers count from 1, oldest first."""
    from .diff import changes

    n = len(versions)
    if n <= ALL_PAIRS_UP_TO:
        pairs = [(i, j) for j in range(1, n) for i in range(j)]
    else:
        pairs = [(i, i + 1) for i in range(n - 1)] + [(0, n - 1)]
    out = []
    for i, j in pairs:
        older, newer = versions[i], versions[j]
        found = changes(older.title, newer.title) if older.title != newer.title else []
        found += changes(plain_text(older.body_md, captions=True), plain_text(newer.body_md, captions=True))
        out.append((i + 1, j + 1, found))
    return out


# How a list's pages of undated articles are named in its pager and title (see Renderer.listing).
UNDATED_PAGE = "無日期 Undated {}"
# Pages numbered on each side of the current one in a list's pager (the first and last always are).
PAGER_REACH = 2


def _dated(entries: tuple[Entry, ...]) -> int:
    """How many of a list's articles are dated. Every list of the site is in the site's order (newest
    first, undated last): its undated ones are at its end (counting from there, not testing every
    article's date: ~0.7 s of the list pages at 100 000 articles, whose lists hold ~700 000 places)."""
    dated = len(entries)
    while dated and instant(entries[dated - 1].date) == float("-inf"):
        dated -= 1
    return dated


def numbered_pages(pages: list[tuple[int | str, str, tuple]], current: int) -> list[tuple[int | str, str] | None]:
    """A pager's items, newest first: (number, path) for the first page (number 0: the newest
    articles), the last (page 1, or the last of the undated) and those near the current one (its
    place in `pages`); None where pages are left out (shown as an ellipsis). A list of one page has
    no pager: []."""
    if len(pages) < 2:
        return []
    # (the pages near the current one only, not every page of the list for each: quadratic for
    # the ~2 000 home pages of 100 000 articles, 0.6 s)
    near = range(max(0, current - PAGER_REACH), min(len(pages), current + PAGER_REACH + 1))
    out: list[tuple[int | str, str] | None] = []
    last = -1
    for i in sorted({0, *near, len(pages) - 1}):
        if last >= 0 and i > last + 1:
            out.append(None)
        out.append(pages[i][:2])
        last = i
    return out


def groups_by_year(months: tuple[Group, ...]) -> list[tuple[str, list[Group]]]:
    years: dict[str, list[Group]] = {}
    for g in months:
        years.setdefault(g.name[:4], []).append(g)
    return sorted(years.items(), reverse=True)
