"""Atom feeds, the sitemap and robots.txt: the absolute-URL outputs (they use config.base_url; without
one, feeds link relatively, the sitemap lists nothing and robots.txt names no sitemap)."""
from __future__ import annotations

import json


def atom_date(date: str | None) -> str:
    if not date:
        return "1970-01-01T00:00:00Z"
    return date if "T" in date else f"{date}T00:00:00Z"


def atom(r, entries, path: str, alternate: str, title: str):
    entries = entries[: r.config.feed_size]
    updated = max((atom_date(e.date) for e in entries), default=atom_date(None))
    return r.page("feed.xml", path, entries=entries, self_path=path, alternate=alternate, title=title,
                  updated=updated)


def sitemap(r):
    locations = ["index.html"] + [e.path for e in r.site.entries]
    return r.kept("sitemap.xml", ()) or r.page("sitemap.xml", "sitemap.xml", locations=locations)


def web_manifest(r):
    """The web app manifest: the site's name, where it starts, its icon (paths relative to the manifest)."""
    data = {"name": r.config.title, "short_name": r.config.title, "description": r.config.description,
            "lang": r.config.language, "start_url": "index.html", "scope": "./", "display": "browser",
            "background_color": "#fbfaf7", "theme_color": "#9b1c1c",
            "icons": [{"src": r.assets.paths["favicon.svg"], "sizes": "any", "type": "image/svg+xml"}]}
    return "manifest.webmanifest", json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def robots(r):
    sitemap_line = f"Sitemap: {r.config.base_url}sitemap.xml\n" if r.config.base_url else ""
    return "robots.txt", f"User-agent: *\nAllow: /\n{sitemap_line}".encode()
