"""The last build's site shape, kept on disk, so a command-line build after an edit keys only the
pages an edit can have changed (serve's hot pass does the same within one process, from the site it
keeps in memory).

A site's *shape* is everything a page may show of other articles besides their text: which articles
there are, in which order, in which language, under which date, outlet and tags, which are versions
of which, and the stored pictures. When the shape is the last build's (and the site key too: the memo
has keys), a list page that shows none of the articles whose digest changed is the last build's
page - the memo's `kept` - without spelling its key; so is an article page whose own article, its
neighbours in the two lists it links along, its versions and its same-story links (the same
articles, none of them changed) are all the last build's. At 100 000 articles keying every page was
~9 s of a build in which one title changed.

    .newsarchive-cache/shape.json   {"shape": digest, "digests": "d1\nd2...", "links": {language: arrays}}

Written after the page keys (Memo.save) and dropped with them (Memo.drop_saved): a shape on disk
always describes the site the recorded keys describe.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .collect import Site

# The tenant's file in the cache store (one per site folder, see Archive.site_tenant).
SHAPE = "shape.json"
# Its format (a different one is no shape at all).
VERSION = "2"


def of(site: Site, pictures) -> str:
    """One digest of the site's shape (see the module docstring); `pictures`: media.show.Pictures or None."""
    h = hashlib.sha256()
    for e in site.entries:
        h.update(f"{e.path}\0{e.lang}\0{e.date}\0{e.outlet}\0{e.tags!r}\n".encode("utf-8", "surrogatepass"))
    h.update(b"\1")
    for e in site.earlier:
        h.update(f"{e.path}\0{e.lang}\0{e.outlet}\0{e.tags!r}\n".encode("utf-8", "surrogatepass"))
    h.update(b"\1")
    for path in sorted(site.versions):
        h.update(f"{path}\0{[v.path for v in site.versions[path]]!r}\n".encode("utf-8", "surrogatepass"))
    for groups in (site.outlets, site.tags, site.months):
        h.update(b"\1" + repr([(g.name, g.slug, len(g.entries)) for g in groups]).encode("utf-8", "surrogatepass"))
    images = sorted(pictures.images.items()) if pictures is not None else []
    h.update(b"\1" + repr(images).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


@dataclass(frozen=True)
class Last:
    """The shape the last build recorded, its articles' digests and its same-story answers as positions."""

    shape: str
    digests: str  # each article page's digest, one a line, in the shape's order (site.entries, then site.earlier)
    links: dict

    def edited(self, site: Site, shape: str) -> frozenset[str] | None:
        """The article pages whose digest changed when the site kept its shape, else None."""
        pages = (*site.entries, *site.earlier)
        digests = self.digests.split("\n")
        if shape != self.shape or len(digests) != len(pages):
            return None
        return frozenset(e.path for e, digest in zip(pages, digests) if digest != e.digest)


def load(store, name: str) -> Last | None:
    """The recorded shape; None when there is none or it is not as save() writes it (damaged by hand)."""
    saved = store.load(name, VERSION)
    if not (isinstance(saved, dict) and isinstance(saved.get("shape"), str)
            and isinstance(saved.get("digests"), str) and isinstance(saved.get("links"), dict)
            and all(_recorded(v) for v in saved["links"].values())):
        return None
    return Last(saved["shape"], saved["digests"], saved["links"])


def _recorded(value) -> bool:
    """Whether one language's record has the shape SameStory.record() gives it."""
    if not (isinstance(value, dict) and value.keys() == {"stat", "positions"}):
        return False
    stat, positions = value["stat"], value["positions"]
    return (stat is None or (isinstance(stat, list) and len(stat) == 3 and all(type(n) is int for n in stat))) and (
        positions is None or (isinstance(positions, list) and len(positions) == 5 and all(
            isinstance(a, list) and all(type(n) is int and n >= 0 for n in a) for a in positions)))


def save(store, name: str, site: Site, shape: str, links: dict) -> None:
    """Recorded after the page keys; `links`: SameStory.record()."""
    digests = "\n".join(e.digest for e in (*site.entries, *site.earlier))
    store.save(name, VERSION, {"shape": shape, "digests": digests, "links": links}, plain=True)


def to_key(site: Site, edited: frozenset[str], related, last: Last) -> frozenset[str]:
    """The article pages that must be keyed after an edit that kept the site's shape: the edited
    ones, their neighbours in the archive's list and their outlet's (each links the other by its
    title), every version of an edited article, and the pages whose same-story links changed or show
    an edited article. The rest are the last build's pages (Renderer.kept)."""
    out = set(edited)
    for entries in (site.entries, *(g.entries for g in site.outlets)):
        for n, e in enumerate(entries):
            if e.path in edited:
                out.update(x.path for x in entries[max(n - 1, 0):n + 2])
    for path in edited:
        out.update(v.path for v in site.versions.get(path, ()))
    out |= related.changed_since(last.links, edited)
    return frozenset(out)
