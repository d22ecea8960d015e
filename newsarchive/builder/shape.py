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

When the site only *grew* - articles added (a day's files), none changed or removed, the pictures
the same - the lists change (their counts and pages) but an article page still shows only its own
article, its neighbours, versions, same-story links and its outlet's and tags' pages: one whose
neighbours are none of the added articles, whose versions and links are the last build's, and whose
outlet and tags have the pages they had is kept too (Last.grown). At 100 000 articles keying every
article page was ~4.5 s of adding 300 raw files.

    .newsarchive-cache/shape.json   {"shape": digest, "digests": "d1\nd2...", "links": {language: arrays},
                                     "entries": how many digests are site.entries', "pictures": digest,
                                     "groups": {"outlets": {name: page}, "tags": {name: page or null}}}

Written after the page keys (Memo.save) and dropped with them (Memo.drop_saved): a shape on disk
always describes the site the recorded keys describe.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import NamedTuple

from .collect import Site

# The tenant's file in the cache store (one per site folder, see Archive.site_tenant).
SHAPE = "shape.json"
# Its format (a different one is no shape at all).
VERSION = "4"


def of(site: Site, pictures) -> str:
    """One digest of the site's shape (see the module docstring): its placement (Site.placement) and
    its pictures (`pictures`: media.show.Pictures or None)."""
    return hashlib.sha256(f"{site.placement}\1{pictures_digest(pictures)}".encode()).hexdigest()


def pictures_digest(pictures) -> str:
    """One digest of the stored pictures (media.show.Pictures or None): what an article's images show."""
    images = sorted(pictures.images.items()) if pictures is not None else []
    return hashlib.sha256(repr(images).encode("utf-8", "surrogatepass")).hexdigest()


class Growth(NamedTuple):
    """The site grew since the last build (Last.grown): the added articles' pages, and the outlets and
    tags whose pages moved (a new name sorting before one of the same slug, a tag reaching its pages)."""
    added: frozenset[str]
    regrouped: frozenset[str]


@dataclass(frozen=True)
class Last:
    """The shape the last build recorded, its articles' digests and its same-story answers as positions."""

    shape: str
    digests: str  # each article page's digest, one a line, in the shape's order (site.entries, then site.earlier)
    links: dict
    entries: int = -1  # how many of the digests are site.entries'
    pictures: str = ""  # pictures_digest
    groups: dict = field(default_factory=dict)  # {"outlets": {name: page}, "tags": {name: page or None}}

    def edited(self, site: Site, shape: str) -> frozenset[str] | None:
        """The article pages whose digest changed when the site kept its shape, else None."""
        pages = (*site.entries, *site.earlier)
        digests = self.digests.split("\n")
        if shape != self.shape or len(digests) != len(pages):
            return None
        return frozenset(e.path for e, digest in zip(pages, digests) if digest != e.digest)

    def grown(self, site: Site, pictures: str, groups: dict) -> Growth | None:
        """The articles added, when the site only gained articles since the last build (every
        recorded one there still, unchanged, in the same order and the same list - the latest or
        an earlier version - and the same pictures), else None; `groups` as save() records them."""
        digests = self.digests.split("\n")
        if pictures != self.pictures or not 0 <= self.entries <= len(digests) or set(groups) != set(self.groups):
            return None
        known = set(digests)
        added: list[str] = []
        for pages, before in ((site.entries, digests[:self.entries]), (site.earlier, digests[self.entries:])):
            kept = [e.digest for e in pages if e.digest in known]
            if kept != before:
                return None
            added += [e.path for e in pages if e.digest not in known]
        if not added:
            return None
        regrouped = {name for kind, now in groups.items() for name in now.keys() | self.groups[kind].keys()
                     if now.get(name) != self.groups[kind].get(name)}
        return Growth(frozenset(added), frozenset(regrouped))


def load(store, name: str) -> Last | None:
    """The recorded shape; None when there is none or it is not as save() writes it (damaged by hand)."""
    saved = store.load(name, VERSION)
    if not (isinstance(saved, dict) and isinstance(saved.get("shape"), str)
            and isinstance(saved.get("digests"), str) and isinstance(saved.get("links"), dict)
            and all(_recorded(v) for v in saved["links"].values())):
        return None
    grows = (type(saved.get("entries")) is int and isinstance(saved.get("pictures"), str)
             and _groups_recorded(saved.get("groups")))
    if not grows:  # (still a shape for an edit: Last.grown then finds nothing to go by)
        return Last(saved["shape"], saved["digests"], saved["links"])
    return Last(saved["shape"], saved["digests"], saved["links"], saved["entries"], saved["pictures"], saved["groups"])


def _groups_recorded(value) -> bool:
    """Whether `groups` has the shape save() gives it."""
    return (isinstance(value, dict) and value.keys() == {"outlets", "tags"} and all(
        isinstance(pages, dict) and all(page is None or isinstance(page, str) for page in pages.values())
        for pages in value.values()))


def _recorded(value) -> bool:
    """Whether one language's record has the shape SameStory.record() gives it."""
    if not (isinstance(value, dict) and value.keys() == {"stat", "positions"}):
        return False
    stat, positions = value["stat"], value["positions"]
    return (stat is None or (isinstance(stat, list) and len(stat) == 3 and all(type(n) is int for n in stat))) and (
        positions is None or (isinstance(positions, list) and len(positions) == 5 and all(
            isinstance(a, list) and all(type(n) is int and n >= 0 for n in a) for a in positions)))


def save(store, name: str, site: Site, shape: str, links: dict, pictures: str, groups: dict) -> None:
    """Recorded after the page keys; `links`: SameStory.record(); `pictures`: pictures_digest;
    `groups`: each outlet's and tag's page by name (Renderer.group_pages)."""
    digests = "\n".join(e.digest for e in (*site.entries, *site.earlier))
    store.save(name, VERSION, {"shape": shape, "digests": digests, "links": links, "entries": len(site.entries),
                               "pictures": pictures, "groups": groups}, plain=True)


def to_key(site: Site, edited: frozenset[str], related, last: Last, places: tuple[dict, dict],
           growth: Growth | None = None) -> frozenset[str]:
    """The article pages that must be keyed after an edit that kept the site's shape (`edited`: the
    pages whose digest changed), or after the site grew (`growth`; `edited` its added pages): those,
    their neighbours in the archive's list and their outlet's (each links the other by its title),
    every version of one of them, the pages whose same-story links changed or show one of them, and
    the articles of an outlet or tag whose pages moved. The rest are the last build's pages
    (Renderer.kept_as_was). `places`: each listed article's place in the site's list and in its
    outlet's, by path (the Renderer's; finding the edited ones by a pass over the 100 000 entries and
    their outlet's was ~0.15 s of an edit)."""
    out = set(edited)
    in_site, in_outlet = places
    outlet_of = {g.name: g for g in site.outlets}
    for path in in_site.keys() & edited:  # (an earlier version is in no list)
        n = in_site[path]
        for entries, k in ((site.entries, n), (outlet_of[site.entries[n].outlet].entries, in_outlet[path])):
            out.update(x.path for x in entries[max(k - 1, 0):k + 2])
    for path in edited:  # (site.versions names each version's group under every version's path)
        out.update(v.path for v in site.versions.get(path, ()))
    out |= related.changed_since(last.links, edited, growth.added if growth is not None else frozenset())
    if growth is not None and growth.regrouped:
        out.update(e.path for e in (*site.entries, *site.earlier)
                   if e.outlet in growth.regrouped or any(t in growth.regrouped for t in e.tags))
    return frozenset(out)
