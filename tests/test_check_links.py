"""`check`'s internal links: each link of each page of site/ resolves to a file inside site/ (a
folder by its index.html), whichever page names it and however it is spelled; root-absolute links,
links to nowhere and links through a symlink out of site/ are each named on the page that has them.
(At 100 000 articles the site holds millions of internal links to ~130 000 files: each target is
looked up once - see check.link_problems.)"""
from pathlib import Path

from newsarchive import archive as arc
from newsarchive import check


def _page(path: Path, *links: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<!DOCTYPE html><html><head><link rel=stylesheet href=\"%s\"></head><body>%s</body></html>"
                    % (links[0], "".join(f'<a href="{link}">x</a>' for link in links[1:])), encoding="utf-8")


def test_links_are_checked_page_by_page_each_target_alike(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside.html"
    site = root / "site"
    outside.write_text("not the site's", encoding="utf-8")
    _page(site / "index.html", "assets/a.css", "tags/x/", "tags/x", "tags/empty/", "articles/2020/01/%E6%96%B0.html",
          "missing.html", "/rooted.html", "#top", "mailto:a@example.org", "data:text/plain,x", "https://example.org/",
          "escape.html", "?q=1")
    (site / "assets").mkdir()
    (site / "assets" / "a.css").write_text("", encoding="utf-8")
    _page(site / "tags" / "x" / "index.html", "../../assets/a.css", "../../index.html", "../../missing.html",
          "../../articles/2020/01/新.html#part", "../../../outside.html")
    (site / "tags" / "empty").mkdir()
    _page(site / "articles" / "2020" / "01" / "新.html", "../../../assets/a.css", "../../../escape.html",
          "../../../tags/x/index.html?q=2", "../../../tags/empty/")
    (site / "escape.html").symlink_to(outside)
    problems = check.link_problems(arc.Archive(root))
    # (pages in path order, each page's links in its order)
    assert problems == [
        ("site/articles/2020/01/新.html", "broken internal link: ../../../escape.html"),
        ("site/articles/2020/01/新.html", "broken internal link: ../../../tags/empty/"),
        ("site/index.html", "broken internal link: tags/empty/"),
        ("site/index.html", "broken internal link: missing.html"),
        ("site/index.html", "root-absolute internal link: /rooted.html"),
        ("site/index.html", "broken internal link: escape.html"),
        ("site/tags/x/index.html", "broken internal link: ../../missing.html"),
        ("site/tags/x/index.html", "broken internal link: ../../../outside.html"),
    ]
