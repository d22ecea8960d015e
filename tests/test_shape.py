"""An edit that keeps the site's shape: a command-line build keys only the pages it can have changed
(builder/shape.py), and the site is byte for byte the one keying every page gives, and a clean build's."""
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from newsarchive.builder import shape
from newsarchive.builder.outcome import Built
from newsarchive.builder.render import Renderer

from .conftest import build


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _clean(root: Path, where: Path) -> dict[str, bytes]:
    shutil.copytree(root, where, ignore=shutil.ignore_patterns("site", ".newsarchive-cache"))
    build(where, search=False)
    return _files(where / "site")


@pytest.fixture
def grown(corpus_run, tmp_path):
    root = tmp_path / "a"
    shutil.copytree(corpus_run[0] / "content", root / "content")
    build(root, search=False)
    return root


def _answer(root: Path, language: str) -> dict[str, tuple[list[str], list[str]]]:
    """A language's stored same-story answer: path -> (same-story paths, related-coverage paths)."""
    from newsarchive.builder import packed

    _key, saved = packed.read_any(root / ".newsarchive-cache" / "related" / f"{language}.arrays")
    paths = bytes(saved["paths"]).decode("utf-8").split("\0")
    lists = [saved[name].tolist() for name in ("rows", "same_at", "same", "cover_at", "cover")]
    rows, same_at, same, cover_at, cover = lists
    return {paths[r]: ([paths[j] for j in same[same_at[k]:same_at[k + 1]]],
                       [paths[j] for j in cover[cover_at[k]:cover_at[k + 1]]]) for k, r in enumerate(rows)}


def _linked(root: Path) -> tuple[str, set[str]]:
    """An article that other articles link as the same story, and those that link it (the stored answer)."""
    answer = _answer(root, "zh")
    by = {}
    for path, (same, coverage) in answer.items():
        for other in same + coverage:
            by.setdefault(other, set()).add(path)
    target = max(sorted(by), key=lambda p: len(by[p]))
    return target, by[target]


def _content(root: Path, article: str) -> Path:
    return root / "content" / (article.removeprefix("articles/").removesuffix(".html") + ".md")


def _edit_title(page: Path, mark: str) -> None:
    page.write_text(page.read_text(encoding="utf-8").replace('title: "', f'title: "{mark} ', 1), encoding="utf-8")


def _spy(monkeypatch, owner=shape, name: str = "to_key") -> list:
    """Each answer of owner.name (shape.to_key by default) in the builds that follow."""
    seen = []
    real = getattr(owner, name)

    def spy(*args):
        seen.append(real(*args))
        return seen[-1]

    monkeypatch.setattr(owner, name, spy)
    return seen


def test_a_title_edit_keys_its_page_its_neighbours_and_its_links_only(grown, tmp_path, monkeypatch):
    target, linking = _linked(grown)
    articles = [p.relative_to(grown / "site").as_posix() for p in (grown / "site" / "articles").rglob("*.html")]
    inode = {p: (grown / "site" / p).stat().st_ino for p in articles}
    feeds = {p: p.stat().st_ino for p in (grown / "site").rglob("feed.xml")}
    seen, keyed_pages = _spy(monkeypatch), []
    real_page = Renderer.page
    monkeypatch.setattr(Renderer, "page", lambda r, template, path, *a, **k: (
        keyed_pages.append(path), real_page(r, template, path, *a, **k))[1])
    _edit_title(_content(grown, target), "EDITED")
    assert isinstance(build(grown, search=False), Built)
    during_edit = list(keyed_pages)  # (the clean build's below not among them)
    assert _files(grown / "site") == _clean(grown, tmp_path / "clean")
    # a feed that shows the edited article is made again; every other one is the last build's file,
    # not even keyed
    showing = {p for p in feeds if "EDITED" in p.read_text(encoding="utf-8")}
    assert showing and len(showing) < len(feeds)
    assert all(p.stat().st_ino != feeds[p] for p in showing) and all(
        p.stat().st_ino == feeds[p] for p in set(feeds) - showing)
    assert {grown / "site" / p for p in during_edit if p.endswith("feed.xml")} == showing
    assert len(seen) == 1 and seen[0] is not None, "the edit kept the shape: only some article pages keyed"
    keyed = seen[0]
    assert target in keyed and linking <= keyed
    assert len(keyed) < 0.25 * len(articles), (len(keyed), len(articles))
    # a page not keyed is the last build's file itself (kept, not rendered)
    assert all((grown / "site" / p).stat().st_ino == inode[p] for p in articles if p not in keyed)
    # its neighbours in the archive's list (newer, older) name it by its title: keyed, made again
    page = grown / "site" / target
    links = re.findall(r'rel="(?:prev|next)" href="([^"]+)"', page.read_text(encoding="utf-8"))
    neighbours = {(page.parent / unquote(href)).resolve().relative_to((grown / "site").resolve()).as_posix()
                  for href in links}
    assert neighbours and neighbours <= keyed
    assert all("EDITED" in (grown / "site" / p).read_text(encoding="utf-8") for p in neighbours)


def test_edits_built_by_the_shape_equal_edits_built_by_keying_every_page(grown, tmp_path, monkeypatch):
    """The same edits on two copies, one building with the recorded shape and one without it (every
    page keyed): the sites are the same after each; a change of shape takes the slow way."""
    other = tmp_path / "b"
    shutil.copytree(grown, other)
    seen = _spy(monkeypatch)
    target, linking = _linked(grown)
    neighbour = sorted(linking)[0]
    steps = [
        lambda root: _edit_title(_content(root, target), "ONE"),
        # the linking article gets the target's text: its same-story links change with it
        lambda root: _content(root, neighbour).write_text(
            _content(root, neighbour).read_text(encoding="utf-8") + "\n\n"
            + _content(root, target).read_text(encoding="utf-8").split("---", 2)[2], encoding="utf-8"),
        lambda root: _edit_title(_content(root, target), "TWO"),
        # a date moved: the lists change order, not a shape the last build recorded
        lambda root: _content(root, target).write_text(re.sub(
            r'^date: "[^"]*"', 'date: "2001-01-01"', _content(root, target).read_text(encoding="utf-8"),
            count=1, flags=re.M), encoding="utf-8"),
    ]
    fast = []
    for n, step in enumerate(steps):
        step(grown)
        step(other)
        build(grown, search=False)
        fast.append(bool(seen) and seen.pop() is not None)  # (the copy without a shape never asks)
        (other / ".newsarchive-cache" / shape.SHAPE).unlink(missing_ok=True)
        build(other, search=False)
        assert _files(grown / "site") == _files(other / "site"), f"step {n}"
    assert fast == [True, True, True, False]
    assert _files(grown / "site") == _clean(grown, tmp_path / "clean")


def test_a_stored_answer_written_since_the_last_build_keys_its_language(grown, tmp_path, monkeypatch):
    """A same-story answer file not the one the last build used (a build that failed after storing
    it) cannot vouch for the links on the pages: every article of its language is keyed, though no
    article of that language changed (the edit is in another)."""
    answer = grown / ".newsarchive-cache" / "related" / "en.arrays"
    data = answer.read_bytes()
    english = set(_answer(grown, "en"))
    assert english, "the corpus has English articles with links"
    answer.unlink()
    answer.write_bytes(data)  # the same answer, another file
    seen = _spy(monkeypatch)
    target, _ = _linked(grown)  # (a Chinese article)
    _edit_title(_content(grown, target), "EDITED")
    build(grown, search=False)
    assert seen[0] is not None and english <= seen[0]
    assert _files(grown / "site") == _clean(grown, tmp_path / "clean")


def test_the_shape_is_dropped_with_the_page_keys(grown):
    """A shape on disk describes the site the recorded keys describe: gone when they are."""
    from newsarchive import archive as arc
    from newsarchive.builder import memo

    tenant = grown / ".newsarchive-cache" / shape.SHAPE
    assert tenant.is_file()
    memo.Memo(arc.Archive(grown), "any key").drop_saved()
    assert not tenant.exists() and not (grown / ".newsarchive-cache" / memo.MANIFEST).exists()


def test_a_page_changed_in_site_by_hand_is_made_again_beside_an_edit(grown, tmp_path, monkeypatch):
    """Pages kept without keying are still checked against their recorded files (their stats taken
    while same story runs): one deleted and one edited by hand in site/ are made again."""
    target, linking = _linked(grown)
    seen = _spy(monkeypatch)
    far = [p for p in sorted((grown / "site" / "articles").rglob("*.html"))
           if p.relative_to(grown / "site").as_posix() not in linking | {target}]
    far[0].unlink()
    far[-1].write_text(far[-1].read_text(encoding="utf-8").replace("<h1", "<h1 data-x", 1), encoding="utf-8")
    _edit_title(_content(grown, target), "EDITED")
    build(grown, search=False)
    assert seen[0] is not None and far[0].relative_to(grown / "site").as_posix() not in seen[0]
    assert _files(grown / "site") == _clean(grown, tmp_path / "clean")


@pytest.mark.parametrize("damage", ["not json", "digests", "stat", "positions", "places", "offsets"])
def test_a_shape_damaged_by_hand_is_no_shape(grown, tmp_path, damage):
    """shape.json edited or broken by hand: the build keys what it must (every page, or every article
    of the language) and the site is a clean build's - never an error."""
    tenant = grown / ".newsarchive-cache" / shape.SHAPE
    saved = json.loads(tenant.read_text(encoding="utf-8"))
    zh = saved["data"]["links"]["related/zh.arrays"]
    if damage == "not json":
        tenant.write_text("{", encoding="utf-8")
    else:
        if damage == "digests":
            saved["data"]["digests"] = ["a list"]
        elif damage == "stat":
            zh["stat"] = "yesterday"
        elif damage == "positions":
            zh["positions"] = [[1, 2], "x"]
        elif damage == "places":  # articles the group does not have
            zh["positions"][0] = [10 ** 6 for _ in zh["positions"][0]]
        else:  # offsets that do not run through the lists
            zh["positions"][1] = zh["positions"][1][:1]
        tenant.write_text(json.dumps(saved), encoding="utf-8")
    target, _ = _linked(grown)
    _edit_title(_content(grown, target), "EDITED")
    assert isinstance(build(grown, search=False), Built)
    assert _files(grown / "site") == _clean(grown, tmp_path / "clean")


def _add_copies(root: Path) -> tuple[list[str], str]:
    """Three pages added beside corpus pages (their dates, so they fall among the others in every
    list; one copies the only article of a tag, which then gets its pages): their article paths and
    that tag's article's path."""
    from newsarchive.archive import Archive
    from newsarchive.builder.collect import collect

    site = collect(Archive(root))
    lone = next(g for g in site.tags if len(g.entries) == 1 and "/" not in g.name and '"' not in g.name)
    chosen = [site.entries[len(site.entries) // 3], site.entries[-2], site.entries[len(site.entries) // 2]]
    chosen[2] = next(e for e in site.entries[len(site.entries) // 2:] if abs(_day(e) - _day(lone.entries[0])) > 30)
    added = []
    for n, e in enumerate(chosen):
        page = root / e.content_file
        copy = page.with_name(f"added-{n}-{page.name}")
        text = page.read_text(encoding="utf-8").replace('title: "', f'title: "Added {n} ', 1)
        if n == 2:  # (far in time and text from the tag's article: only the tag's pages tie them)
            text = re.sub(r'^tags:\n(  - .*\n)*', "", text, count=1, flags=re.M)
            text = text.replace("\nsource:", f'\ntags:\n  - "{lone.name}"\nsource:', 1)
        copy.write_text(text, encoding="utf-8")
        added.append(e.path.rsplit("/", 1)[0] + "/" + copy.stem + ".html")
    return added, lone.entries[0].path


def _day(e) -> int:
    from datetime import date

    return date.fromisoformat(e.date[:10]).toordinal() if e.date else 0


def test_articles_added_key_their_pages_their_neighbours_and_their_links_only(grown, tmp_path, monkeypatch):
    """The site grew (three articles added among the others, none changed): only the added pages,
    their neighbours, the pages whose same-story links changed and the articles of a tag that got
    its pages are keyed; every other article page is the last build's file; the site is the one
    keying every page gives, and a clean build's."""
    other = tmp_path / "b"
    shutil.copytree(grown, other)
    articles = [p.relative_to(grown / "site").as_posix() for p in (grown / "site" / "articles").rglob("*.html")]
    inode = {p: (grown / "site" / p).stat().st_ino for p in articles}
    growth, seen = _spy(monkeypatch, shape.Last, "grown"), _spy(monkeypatch)
    added, lone = _add_copies(grown)
    assert _add_copies(other)[0] == added
    assert isinstance(build(grown, search=False), Built)
    assert growth and growth[-1] is not None and growth[-1].added == frozenset(added)
    keyed = seen[-1]
    assert set(added) | {lone} <= keyed
    assert len(keyed) < 0.25 * len(articles), (len(keyed), len(articles))
    assert all((grown / "site" / p).stat().st_ino == inode[p] for p in articles if p not in keyed)
    (other / ".newsarchive-cache" / shape.SHAPE).unlink()
    build(other, search=False)
    assert _files(grown / "site") == _files(other / "site")
    assert _files(grown / "site") == _clean(grown, tmp_path / "clean")


def test_a_site_that_lost_or_changed_an_article_while_growing_keys_every_page(grown, tmp_path, monkeypatch):
    """Articles added beside one removed, or beside one edited: not a growth (Last.grown is None), the
    build keys what it must, and the site is a clean build's."""
    growth = _spy(monkeypatch, shape.Last, "grown")
    _add_copies(grown)
    pages = sorted((grown / "content").rglob("*.md"))
    pages[0].unlink()
    build(grown, search=False)
    assert growth == [None]
    assert _files(grown / "site") == _clean(grown, tmp_path / "clean")
    shutil.rmtree(tmp_path / "clean")
    for p in (grown / "content").rglob("added-*.md"):
        p.rename(p.with_name(p.name.replace("added-", "again-")))
    _edit_title(pages[5], "EDITED")
    build(grown, search=False)
    assert growth[-1] is None
    assert _files(grown / "site") == _clean(grown, tmp_path / "clean")


def test_an_edit_keys_only_the_earlier_versions_it_can_have_changed(grown, tmp_path, monkeypatch):
    """An earlier version's page (in no list) after an edit that kept the shape: keyed and made again
    when shape.to_key names it - a version of the edited article - else the last build's file, not
    even keyed; the site is a clean build's."""
    from newsarchive import archive as arc
    from newsarchive.builder import collect

    pages = sorted((grown / "content").rglob("*.md"))
    for page in (pages[0], pages[-1]):  # (each given a later capture: a copy naming its raw file)
        text = page.read_text(encoding="utf-8")
        raw = re.search(r'^  file: "(.*)"$', text, flags=re.M).group(1)
        later = text.replace('title: "', 'title: "LATER ', 1).replace(
            f'  file: "{raw}"', f'  file: "{raw}"\n  version_of: "{raw}"', 1)
        page.with_name(f"{page.stem}-later.md").write_text(later, encoding="utf-8")
    assert isinstance(build(grown, search=False), Built)
    site = collect.collect(arc.Archive(grown))
    assert len(site.earlier) == 2
    edited_group, other = site.earlier
    latest = next(e for e in site.versions[edited_group.path] if e not in site.earlier)
    inode = (grown / "site" / other.path).stat().st_ino
    keyed, seen = [], _spy(monkeypatch)
    real = Renderer.reused_article
    monkeypatch.setattr(Renderer, "reused_article", lambda r, e: keyed.append(e.path) or real(r, e))
    _edit_title(grown / latest.content_file, "EDITED")
    assert isinstance(build(grown, search=False), Built)
    assert seen and seen[0] is not None and edited_group.path in seen[0] and other.path not in seen[0]
    assert edited_group.path in keyed and other.path not in keyed
    assert (grown / "site" / other.path).stat().st_ino == inode
    assert "EDITED" in (grown / "site" / edited_group.path).read_text(encoding="utf-8")
    assert _files(grown / "site") == _clean(grown, tmp_path / "clean")


def test_a_list_shows_an_articles_first_title_as_its_versions_come_and_change(grown, tmp_path, monkeypatch):
    """A list shows an article's first title (its earliest version's, where that differs): a version
    coming with another title, or the earliest version's title edited (an edit that keeps the shape,
    of a page no list shows), makes the lists showing the article again - its first title is part of
    their keys. Each time the site is a clean build's."""
    page = sorted((grown / "content").rglob("*.md"))[0]
    text = page.read_text(encoding="utf-8")
    raw = re.search(r'^  file: "(.*)"$', text, flags=re.M).group(1)
    # a version of the same capture time, ordered first by its page's name: the earliest
    earliest = page.with_name(f"0-{page.stem}.md")
    earliest.write_text(text.replace('title: "', 'title: "FIRST ', 1).replace(
        f'  file: "{raw}"', f'  file: "{raw}"\n  version_of: "{raw}"', 1), encoding="utf-8")
    assert isinstance(build(grown, search=False), Built)
    lists = [p for p in (grown / "site").rglob("index.html")
             if "First titled: <span" in p.read_text(encoding="utf-8") and "FIRST " in p.read_text(encoding="utf-8")]
    assert lists
    assert _files(grown / "site") == _clean(grown, tmp_path / "clean1")
    seen = _spy(monkeypatch)
    _edit_title(earliest, "EDITED")
    assert isinstance(build(grown, search=False), Built)
    assert seen and seen[0] is not None  # (the shape kept)
    assert all("EDITED FIRST " in p.read_text(encoding="utf-8") for p in lists)
    assert _files(grown / "site") == _clean(grown, tmp_path / "clean2")
