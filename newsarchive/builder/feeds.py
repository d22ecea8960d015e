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
    return r.kept(path, entries) or r.page("feed.xml", path, entries=entries, self_path=path, alternate=alternate,
                                           title=title, updated=updated)


def sitemap(r):
    """Every article (its date as <lastmod>) and the first page of every list (its newest article's).
    Kept, when it is, before its ~100 000 locations are listed (~0.09 s of an edit at 100 000 articles)."""
    kept = r.kept("sitemap.xml", ())
    if kept:
        return kept
    site = r.site

    def newest(entries) -> str:
        return next((e.date[:10] for e in entries if e.date), "")

    latest = newest(site.entries)
    lists = [(index, latest) for index in ("index.html", "archive/index.html", "outlets/index.html", "tags/index.html")]
    lists += [(f"archive/{g.name[:4]}/{g.name[5:]}/index.html", newest(g.entries)) for g in site.months]
    lists += [(f"outlets/{g.slug}/index.html", newest(g.entries)) for g in site.outlets]
    lists += [(f"tags/{g.slug}/index.html", newest(g.entries)) for g in r.tag_pages]
    locations = lists + [(e.path, (e.date or "")[:10]) for e in site.entries]
    return r.page("sitemap.xml", "sitemap.xml", locations=locations)


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


# The site's security policy: nothing runs but its own scripts.
# Pictures may come from elsewhere (https:) until an archive stores them all (media.local_only).
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{remote}; "
        "font-src 'self'; connect-src 'self'; media-src https:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'")


def netlify_headers(r):
    """`_headers`: the security headers Netlify sends with every page (netlify.toml would override
    them, so it sets none for /*). Other hosts ignore the file."""
    csp = _CSP.format(remote="" if r.config.media.local_only else " https:")
    lines = ["/*", f"  Content-Security-Policy: {csp}", "  X-Content-Type-Options: nosniff",
             "  Referrer-Policy: strict-origin-when-cross-origin", "  X-Frame-Options: DENY", ""]
    return "_headers", "\n".join(lines).encode()
