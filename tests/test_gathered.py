"""The gathered entries kept between builds (builder/gathered.py): a build in a new process takes
each settled content folder whose pages are as recorded from the last build's rows - no page read,
no parsed-page cache decoded - and reads the rest as collect does; whatever changed, it gathers
exactly what reading every page gathers."""
import dataclasses
import marshal
import os
import re
import shutil
import time
from pathlib import Path

from newsarchive import archive as arc
from newsarchive import cache, parsed
from newsarchive.builder import collect as gather
from newsarchive.builder import fingerprint, gathered
from newsarchive.builder.state import BuildState

from .conftest import SETTLED_AGO_S, copy_tree


def _settle(root: Path) -> None:
    """Every content folder's time set back (a folder is recorded only once settled)."""
    past = time.time() - SETTLED_AGO_S
    for folder in [root / "content", *(p for p in (root / "content").rglob("*") if p.is_dir())]:
        os.utime(folder, (past, past), follow_symlinks=False)


def _collect(root: Path) -> tuple[gather.Site, BuildState]:
    """collect() as a build in a new process runs it (the fingerprint's stats handed on)."""
    archive, state, stats = arc.Archive(root), BuildState(), {}
    fingerprint.fingerprint(archive, {}, stats)
    state.content_listing.stats = stats
    return gather.collect(archive, state), state


def _view(site: gather.Site) -> tuple:
    """Everything the site holds, pages' bodies included (Entry equality leaves them to the digest),
    named by paths inside the archive."""
    def entry(e):
        return (tuple((f.name, getattr(e, f.name)) for f in dataclasses.fields(e) if f.name != "body"), e.body.text)

    def groups(found):
        return [(g.name, g.slug, [e.path for e in g.entries]) for g in found]

    return ([entry(e) for e in site.entries], [entry(e) for e in site.earlier],
            {k: [e.path for e in v] for k, v in site.versions.items()},
            groups(site.outlets), groups(site.tags), groups(site.months), site.problems)


def _every_page_read(root: Path) -> tuple:
    """What collect() gathers from content/ alone (no cache of any kind), as _view gives it."""
    other = root.parent / f"{root.name}-fresh"
    shutil.rmtree(other, ignore_errors=True)
    copy_tree(root / "content", other / "content")
    return _view(gather.collect(arc.Archive(other)))


def _decoded(monkeypatch) -> list[str]:
    """The content folders whose parsed-page cache files are decoded from now on."""
    decoded: list[str] = []
    real = parsed.ParsedPages._folder

    def counting(self, folder):
        if folder not in self._folders:
            decoded.append(folder)
        return real(self, folder)

    monkeypatch.setattr(parsed.ParsedPages, "_folder", counting)
    return decoded


def _kept_copy(seed_root: Path, tmp_path: Path) -> Path:
    """The seed archive copied, its folders settled and gathered once (kept for the next collect)."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    _settle(root)
    _collect(root)
    return root


def _a_page(root: Path) -> Path:
    return sorted((root / "content").rglob("*.md"))[0]


def _retitled(page: Path, title: str) -> str:
    text = page.read_text(encoding="utf-8")
    start = text.index("\ntitle:") + 1
    return text[:start] + f'title: "{title}"' + text[text.index("\n", start):]


def test_a_new_process_takes_the_kept_folders_and_reads_what_changed(seed_root, tmp_path, monkeypatch):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    _settle(root)
    first, _ = _collect(root)  # (every page listed: the settled folders kept)
    kept = gathered.Kept(arc.Archive(root).cache)
    folders = {p.relative_to(root).as_posix() for p in [root / "content", *(root / "content").rglob("*")] if p.is_dir()}
    assert set(kept.folders) == folders and _view(first) == _every_page_read(root)

    decoded = _decoded(monkeypatch)
    again, state = _collect(root)
    assert decoded == [] and _view(again) == _view(first)  # nothing decoded, nothing read
    assert isinstance(state.gathered.entries, gather._ByPath)

    page = _a_page(root)  # edited in place: its folder's time as it was, the page's signature new
    folder = page.parent.relative_to(root).as_posix()
    page.write_text(_retitled(page, "Edited in place"), encoding="utf-8")
    edited, _ = _collect(root)
    # (the folder amended: the page read, the others its rows, the folder's parsed-page file not decoded)
    assert decoded == [] and gathered.Kept(arc.Archive(root).cache).folders[folder].stale == 1
    assert "Edited in place" in [e.title for e in edited.entries] and _view(edited) == _every_page_read(root)

    decoded.clear()  # (the fresh copy _every_page_read gathers decodes its own)
    beside = page.with_name(".tmp-edit")  # written beside and renamed in (as ingest and many editors do):
    beside.write_text(_retitled(page, "Edited by rename"), encoding="utf-8")  # the folder's time changes
    os.replace(beside, page)
    renamed, _ = _collect(root)
    assert decoded == [] and _view(renamed) == _every_page_read(root)
    assert gathered.Kept(arc.Archive(root).cache).folders[folder].stale == 2


def test_a_folder_amended_past_its_bound_is_read_whole_and_its_parsed_file_written_again(seed_root, tmp_path,
                                                                                        monkeypatch):
    root = _kept_copy(seed_root, tmp_path)
    monkeypatch.setattr(gather, "STALE_UP_TO", 2)
    decoded = _decoded(monkeypatch)
    page = _a_page(root)
    folder = page.parent.relative_to(root).as_posix()
    for n in (1, 2):
        decoded.clear()  # (the fresh copy _every_page_read gathers decodes its own)
        page.write_text(_retitled(page, f"Edit {n}"), encoding="utf-8")
        site, _ = _collect(root)
        assert decoded == [] and gathered.Kept(arc.Archive(root).cache).folders[folder].stale == n
        assert _view(site) == _every_page_read(root)
        # (the parsed-page file still holds the page as it was: it is not taken for the page as it is)
        assert parsed.ParsedPages(arc.Archive(root).cache).get(folder, page.name, page.stat(), page) is None
    decoded.clear()
    page.write_text(_retitled(page, "Edit 3"), encoding="utf-8")
    site, _ = _collect(root)
    assert decoded == [folder] and gathered.Kept(arc.Archive(root).cache).folders[folder].stale == 0
    assert _view(site) == _every_page_read(root)
    recorded = parsed.ParsedPages(arc.Archive(root).cache).get(folder, page.name, page.stat(), page)
    assert recorded is not None and recorded[2]["title"] == "Edit 3"


def test_a_page_touched_in_an_amended_folder_is_its_row_not_parsed_again(seed_root, tmp_path, monkeypatch):
    root = _kept_copy(seed_root, tmp_path)
    first, _ = _collect(root)
    page = _a_page(root)
    page.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")  # (its signature new, its text not)
    parses = []
    real = gather._parsed_text
    monkeypatch.setattr(gather, "_parsed_text", lambda *a: parses.append(a) or real(*a))
    again, _ = _collect(root)
    assert parses == [] and _view(again) == _view(first) == _every_page_read(root)
    entry = next(e for e in again.entries if e.content_file == page.relative_to(root).as_posix())
    assert entry.body.recorded == parsed.signature(page.stat())  # (its body read from the page as it is now)


def test_pages_added_removed_or_made_links_and_a_damaged_file_gather_what_reading_every_page_does(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    _settle(root)
    _collect(root)
    pages = sorted((root / "content").rglob("*.md"))
    added = [pages[0].parent / "added-copy.md", root / "content" / "2031" / "01" / "added-in-a-new-folder.md"]
    for n, page in enumerate(added):
        page.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(pages[1 + n], page)
        site, _ = _collect(root)
        assert _view(site) == _every_page_read(root)
        assert page.relative_to(root).as_posix() in [e.content_file for e in site.entries]
    pages[2].unlink()
    site, _ = _collect(root)
    assert _view(site) == _every_page_read(root)

    _settle(root)
    _collect(root)  # (the folders recorded again as they are now)
    store = root / ".newsarchive-cache" / gathered.FOLDER
    victim = max((p for p in store.iterdir() if p.name != gathered.INDEX), key=lambda p: p.stat().st_size)
    data = victim.read_bytes()
    digest = re.findall(rb"[0-9a-f]{32}", data)[-1]  # a page's digest in it changed: the file still loads,
    victim.write_bytes(data.replace(digest, digest[::-1]))  # but fails its check, and its folder is read
    site, _ = _collect(root)
    assert _view(site) == _every_page_read(root)

    _settle(root)
    _collect(root)
    target = pages[3]
    target.unlink()
    target.symlink_to(pages[0])  # a page made a link: refused and named, as a listing of every page does
    site, state = _collect(root)
    assert [why for _, why in site.problems] == [arc.SYMLINK] and isinstance(state.gathered.entries, dict)
    assert _view(site)[:6] == _every_page_read(root)[:6]


def test_serve_takes_the_kept_entries_on_and_edits_them(seed_root, tmp_path):
    """serve's hot pass starts from what its first build gathered: kept entries by their Paths."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    _settle(root)
    _collect(root)
    _, state = _collect(root)
    page = _a_page(root)
    page.write_text(_retitled(page, "Edited while serving"), encoding="utf-8")
    site, same_shape = gather.collect_changed(arc.Archive(root), {page}, state)
    assert same_shape and _view(site) == _every_page_read(root)


def _assembled(monkeypatch) -> list[int]:
    """How many articles each _assemble from now on was given (the site sorted and grouped anew)."""
    calls: list[int] = []
    real = gather._assemble

    def counting(found, problems):
        found = list(found)
        calls.append(len(found))
        return real(found, problems)

    monkeypatch.setattr(gather, "_assemble", counting)
    return calls


def test_an_edit_that_moves_no_article_takes_the_kept_order(seed_root, tmp_path, monkeypatch):
    """The site's order is kept with the folders: an edit that leaves every article where it was (its
    path, date, outlet, tags and versions) takes it, the edited entry in its place - retagged as the
    site spells its tags, with a digest that says so - and gathers what reading every page does; an
    edit of a tag, a date or a page added assembles the site again."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    page = next(p for p in sorted((root / "content").rglob("*.md")) if "\ntags:\n" in p.read_text(encoding="utf-8"))
    text = page.read_text(encoding="utf-8")
    tag = text.split("\ntags:\n", 1)[1].split("\n", 1)[0].strip().removeprefix("- ").strip('"')
    spaced = f"{tag[:2]} {tag[2:]}"  # (one tag in two spellings: the site spells it one way)
    page.write_text(text.replace("\ntags:\n", f'\ntags:\n  - "{spaced}"\n', 1), encoding="utf-8")
    _settle(root)
    _collect(root)
    _collect(root)
    assembled = _assembled(monkeypatch)
    page.write_text(_retitled(page, "Edited, in its place"), encoding="utf-8")
    site, _ = _collect(root)
    edited = next(e for e in site.entries + site.earlier if e.title == "Edited, in its place")
    assert assembled == [] and (spaced in edited.tags) != (tag in edited.tags)  # (retagged: one spelling)
    assert _view(site) == _every_page_read(root)
    for n in range(2):  # written beside and renamed in, twice in a row: its folder changed just now
        assembled.clear()  # (_every_page_read assembles its own)
        beside = page.with_name(".tmp-edit")
        beside.write_text(_retitled(page, f"Edited by rename {n}"), encoding="utf-8")
        os.replace(beside, page)
        site, _ = _collect(root)
        assert assembled == [] and _view(site) == _every_page_read(root)

    for change in (lambda t: t.replace(f'  - "{spaced}"\n', ""),                      # a tag
                   lambda t: t.replace("\ndate: \"2020", "\ndate: \"2019", 1),         # a date
                   None):                                                              # a page added
        if change is None:
            shutil.copy(page, page.with_name("a-copy.md"))
        else:
            page.write_text(change(page.read_text(encoding="utf-8")), encoding="utf-8")
        assembled.clear()
        site, _ = _collect(root)
        assert assembled and _view(site) == _every_page_read(root), change


def test_a_gathered_folder_made_a_symlink_is_neither_read_nor_written_through(seed_root, tmp_path):
    root, outside = tmp_path / "a", tmp_path / "outside"
    copy_tree(seed_root, root)
    _collect(root)
    store = root / ".newsarchive-cache" / gathered.FOLDER
    shutil.copytree(store, outside)  # (valid kept files, there)
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    shutil.rmtree(store)
    store.symlink_to(outside, target_is_directory=True)
    page = _a_page(root)
    page.write_text(_retitled(page, "Edited with the link there"), encoding="utf-8")
    site, state = _collect(root)
    assert isinstance(state.gathered.entries, dict)  # (nothing taken through the link)
    assert _view(site) == _every_page_read(root)
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before
    assert not store.is_symlink() and (store / gathered.INDEX).is_file()


def _held(e) -> bool:
    """Whether an entry still holds its folder's provenance undecoded."""
    return getattr(e, gather._HELD) is not None


def test_kept_entries_decode_their_provenance_when_first_asked(seed_root, tmp_path):
    """An entry made of a kept row holds its folder's provenance and summaries undecoded until it is
    asked for its source, cleaning or summary; then it has what reading the page gives. It pickles
    (to a worker) with its own, never its folder's; held fields written by hand to what _kept never
    writes (the file's check made again) give empty mappings and no summary, not a failure."""
    import marshal
    import pickle

    from newsarchive import cache

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    _settle(root)
    _collect(root)
    site, _ = _collect(root)
    read = {e.path: e for e in gather.collect(arc.Archive(root)).entries}
    held = [e for e in site.entries if _held(e)]
    assert held and len(held) == len(site.entries)
    first = held[0]
    assert (first.cleaning, first.source) == (read[first.path].cleaning, read[first.path].source)
    assert not _held(first) and all(_held(e) for e in held[1:])
    assert held[4].summary == read[held[4].path].summary and not _held(held[4])
    assert any(e.summary for e in read.values()) and all(e.summary == read[e.path].summary for e in site.entries)
    site, _ = _collect(root)  # (fresh entries, every one held again)
    held = list(site.entries)
    assert all(_held(e) for e in held)
    other = held[1]
    again = pickle.loads(pickle.dumps(other))
    assert not _held(again) and again.source == read[other.path].source
    assert len(pickle.dumps(held[2])) < len(pickle.dumps(read[held[2].path])) + 200
    retagged = gather._retagged(held[3], ("another spelling",))  # (as the site spells a tag: still held)
    assert _held(retagged) and retagged.tags == ("another spelling",)
    assert retagged.digest != held[3].digest and retagged.source == read[held[3].path].source
    assert dataclasses.replace(retagged, digest=held[3].digest, tags=held[3].tags) == held[3]

    store = root / ".newsarchive-cache" / gathered.FOLDER
    for victim in (p for p in store.iterdir() if p.name not in (gathered.INDEX, gathered.SITE)):
        rows, _ = marshal.loads(cache.read_checked(victim))
        cache.write_checked(victim, marshal.dumps([rows, marshal.dumps(["not a triple"])]))
    site, _ = _collect(root)
    assert all(e.source == {} and e.cleaning == {} and e.summary is None for e in site.entries)


def test_a_site_reassembled_from_the_kept_order_has_the_placement_working_it_out_gives(seed_root, tmp_path):
    root = _kept_copy(seed_root, tmp_path)
    again, _ = _collect(root)
    assert "placement" in again.__dict__  # (taken with the kept order, not worked out)
    assert again.placement == gather.Site.placement.func(again)
    page = _a_page(root)  # the language changed in place: the same order, another placement
    text = page.read_text(encoding="utf-8")
    lang = re.search(r'^lang: "([^"]*)"', text, re.M).group(1)
    page.write_text(text.replace(f'lang: "{lang}"', f'lang: "{"en" if lang != "en" else "fr"}"', 1), encoding="utf-8")
    edited, _ = _collect(root)
    assert edited.placement == gather.Site.placement.func(edited) != again.placement
    assert _view(edited) == _every_page_read(root)
    later, _ = _collect(root)  # (and the order kept again carries the new placement)
    assert "placement" in later.__dict__ and later.placement == edited.placement


def test_an_edit_that_keeps_the_order_leaves_its_file_and_another_file_is_not_taken_for_it(seed_root, tmp_path):
    root = _kept_copy(seed_root, tmp_path)
    site_file = root / ".newsarchive-cache" / gathered.FOLDER / gathered.SITE
    was = site_file.stat()
    page = _a_page(root)
    page.write_text(_retitled(page, "Edited, in its place"), encoding="utf-8")
    edited, _ = _collect(root)  # (the order taken as it was: its file not written again)
    assert "placement" in edited.__dict__ and _view(edited) == _every_page_read(root)
    assert (site_file.stat().st_ino, site_file.stat().st_mtime_ns) == (was.st_ino, was.st_mtime_ns)
    again, _ = _collect(root)  # (and still the order the index names)
    assert "placement" in again.__dict__

    other = gathered.Kept(arc.Archive(root).cache)  # a file of another order, checked and whole:
    order = other.assembled()  # not the one the index names, so not taken
    cache.write_checked(site_file, marshal.dumps({**order, "latest": order["latest"] - 1}))
    assert gathered.Kept(arc.Archive(root).cache).assembled() is None
    site, _ = _collect(root)  # (assembled anew, and its order written again)
    assert _view(site) == _every_page_read(root)
    assert gathered.Kept(arc.Archive(root).cache).assembled() == order
