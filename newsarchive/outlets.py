"""Which outlet published an article, and whether its source's label names a person instead.

The table of known hosts and publishing platforms is data (data/outlets.toml); the order the signals
are tried in is written once, in `choose` (the data file's header says it in words: keep them together).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import urls

DATA = Path(__file__).parent / "data" / "outlets.toml"
# A page's name for itself that is an address or a host, not a name ("http://www.tmz.com").
_ADDRESS = re.compile(r"^(?:https?://|www\.)|^[\w-]+(?:\.[\w-]+)+/?$", re.I)


@dataclass(frozen=True)
class Table:
    hosts: dict[str, str]
    platforms: dict[str, str]


@lru_cache(maxsize=1)
def table() -> Table:
    """The known hosts (read once per process: they are the package's data)."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return Table(data.get("hosts", {}), data.get("platforms", {}))


def _lookup(host: str, names: dict[str, str]) -> str | None:
    """The name of the longest listed host that is `host` or a parent domain of it."""
    parts = host.lower().split(".")
    for i in range(len(parts) - 1):
        name = names.get(".".join(parts[i:]))
        if name:
            return name
    return None


def known(host: str) -> str | None:
    return _lookup(host, table().hosts) if host else None


def platform(host: str) -> str | None:
    return _lookup(host, table().platforms) if host else None


def site_name(name: str | None) -> str | None:
    """A page's name for itself, if it is a name (not an address or a bare host)."""
    name = re.sub(r"\s+", " ", name or "").strip()
    return name if name and not _ADDRESS.match(name) else None


@dataclass(frozen=True)
class Choice:
    outlet: str
    person: str | None = None
    """A source's label that names the writer, not the outlet (a blog on a platform)."""


def choose(rule_name: str | None, label: str | None, site: str | None, url: str | None) -> Choice:
    """The outlet, from the strongest signal: the outlet rule; on a publishing platform the platform's
    (the label, else the blog's name, then names the writer); the source's label (the RSS bot's `author`);
    the known host; the page's name for itself; the host."""
    host = urls.host(url)
    site = site_name(site)
    if rule_name:
        return Choice(rule_name)
    on_platform = platform(host)
    if on_platform:  # a blog there: the platform publishes, the label (else the blog's name) is its writer's
        return Choice(on_platform, person=label or site)
    return Choice(label or known(host) or site or host or "unknown")
