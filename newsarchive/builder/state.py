"""What a long-lived process keeps between its builds: one explicit object, no module globals.

serve builds again and again in one process: re-reading every content page's front matter, and the
same-story answers from the cache, was most of its hot pass. A build given the BuildState of the
last one takes what it can from it (each piece checked before it is used); a command-line build
starts from an empty one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..archive import Listing


@dataclass
class BuildState:
    gathered: object = None
    """collect.Gathered: each content page as last parsed (checked by its digest before reuse), the
    pages left out, and the site assembled from them."""
    related: dict[Path, tuple[tuple[int, int], dict]] = field(default_factory=dict)
    """Same-story answers read from the cache store, by file, with the file's (mtime, size) when read."""
    parsed_files: dict | None = None
    """The parsed-page cache's files as this process's ingest just decoded them (the main job: see
    parsed.ParsedPages.loaded), for the build's collect, which takes them - and lets them go with its
    cache object: kept here through the build, their rows would cost memory beside the entries."""
    content_listing: Listing = field(default_factory=Listing)
    """What the last listing of content/ in this process hands the next (archive.Listing)."""
    kept_ahead: object = None
    """gathered.Kept with the last build's rows read ahead, while content/ was walked aside
    (collect.read_ahead): for this build's collect, which takes it; the build lets it go either way."""
    memo_ahead: tuple | None = None
    """The page memo's file read ahead at the same time (memo.read_ahead): for this build's memo."""
