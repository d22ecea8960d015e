"""The parts every page shows alike (render.PageMaker.chrome): made once for links that come out the
same from the page's folder, each is what rendering it there would give - for the default layouts
and for an archive's own, which may use a link otherwise than as text."""
from __future__ import annotations

import pytest
from markupsafe import Markup

from newsarchive.builder import render
from newsarchive.builder.render import PageMaker, load_assets, read_layouts, url_path
from newsarchive.config import SiteConfig

from .conftest import DEFAULTS

# An archive's own header that tells folders apart by what their links come out as, and links into
# the folder it is made in.
OWN_HEADER = """<a href="{{ 'index.html'|url }}">home</a>
{% if 'tags/index.html'|url == '../index.html' %}<b>in a tag</b>{% endif %}
{% set up = 'index.html'|url %}{{ up|length }} {{ up.count('..') }}
<a href="{{ 'tags/a/index.html'|url }}">a</a> <link href="{{ 'style.css'|asset }}">
{% if 'archive/2020/09/index.html'|url == 'index.html' %}<i>this month</i>{% endif %}"""

# Folders a build writes pages in: the root, lists one to three deep, sharing a first folder or not.
FOLDERS = ["", "tags", "tags/a", "tags/b", "outlets/x", "outlets/y", "archive/2020/09", "archive/2020/10",
           "archive/2021/09", "page/2", "tags/a/page/2", "articles/2020/09", "search"]


def _maker(layout_dirs) -> PageMaker:
    return PageMaker(SiteConfig(), read_layouts(layout_dirs), load_assets([DEFAULTS / "static"]), None, {}, {}, 0)


def _page_url(root: str | None, folder: str):
    return lambda target: root + url_path(target) if root is not None else render._relative(folder, target)


@pytest.mark.parametrize("own", [False, True])
@pytest.mark.parametrize("root", [None, "/sub/"])
def test_each_part_is_the_one_rendered_in_its_folder(tmp_path, own, root):
    if own:
        (tmp_path / "layouts").mkdir()
        (tmp_path / "layouts" / "_header.html").write_text(OWN_HEADER, encoding="utf-8")
    maker = _maker([tmp_path / "layouts", DEFAULTS / "layouts"])
    env = render.environment(maker.layouts)
    for folder in FOLDERS + FOLDERS[::-1]:  # (each folder again, after the others)
        url = _page_url(root, folder)
        for layout in ("_head.html", "_header.html", "_footer.html"):
            expected = env.get_template(layout).render(config=maker.config, problems=0, url=url,
                                                       asset=lambda name: url(maker.assets.paths[name]))
            part = maker.chrome(env, (root, folder), url, layout)
            assert isinstance(part, Markup) and str(part) == expected, (folder, layout)
    if own and root is None:  # (the header tells a tag's folder and this month's apart from the others)
        assert "<b>in a tag</b>" in maker.chrome(env, (None, "tags/a"), _page_url(None, "tags/a"), "_header.html")
        assert "<i>this month</i>" in maker.chrome(env, (None, "archive/2020/09"), _page_url(None, "archive/2020/09"),
                                                   "_header.html")
    # the parts made once for several folders: fewer than one for each folder
    assert len(maker._chrome_shapes) < 3 * len(FOLDERS)
