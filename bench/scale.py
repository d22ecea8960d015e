"""What the benchmarks share: the scale month (../shared/scale, real raw articles) copied and
ingested into an archive, and the same content as a minimal Hugo site (the peer they are timed
against). Imported by the scripts beside it (`python bench/NAME.py` puts bench/ on the path)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCALE = REPO.parent / "shared" / "scale"

# The peer builds the same kinds of pages as newsarchive: articles, home, one list per outlet
# and per tag (50 to a page), feeds and a sitemap (Hugo has no month archives).
HUGO_CONFIG = """baseURL = "http://localhost:1313/"
title = "bench"
disableKinds = ["robotsTXT"]
[taxonomies]
tag = "tags"
outlet = "outlet"
[pagination]
pagerSize = 50
[markup.goldmark.renderer]
unsafe = true
"""
# Articles and home only (what earlier runs of the benchmarks compared against).
HUGO_CONFIG_ARTICLES_ONLY = """baseURL = "http://localhost:1313/"
title = "bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = true
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": "<!DOCTYPE html><html lang=\"{{ .Params.lang | default \"zh\" }}\"><head><meta charset=\"utf-8\">"
                            "<title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>",
    "_default/single.html": "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.outlet }} "
                            "{{ .Date }}</p>{{ .Content }}</article>{{ end }}",
    "_default/list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href=\"{{ "
                          ".RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}",
    "index.html": "{{ define \"main\" }}<ul>{{ range first 50 .Site.RegularPages }}<li><a href=\"{{ .RelPermalink }}\">"
                  "{{ .Title }}</a></li>{{ end }}</ul>{{ end }}",
}



def raw_files(limit: int = 0) -> list[Path]:
    """The scale month's raw files, in a stable order (the first `limit` only, when given)."""
    files = sorted(p for p in SCALE.rglob("*.md") if p.name != "SOURCES.md")
    return files[:limit] if limit else files


def copy_raw(files: list[Path], folder: Path) -> None:
    """The raw files into folder, keeping their paths below SCALE."""
    for f in files:
        target = folder / f.relative_to(SCALE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)


def ingest(tmp: Path, limit: int = 0) -> Path:
    """An archive under tmp with the scale month ingested (not timed); its root."""
    root, incoming = tmp / "archive", tmp / "incoming"
    copy_raw(raw_files(limit), incoming)
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "ingest", str(incoming)],
                   capture_output=True)
    return root


def hugo_site(tmp: Path, content: Path, config: str = HUGO_CONFIG, name: str = "hugo") -> Path:
    site = tmp / name
    (site / "layouts").mkdir(parents=True)
    (site / "hugo.toml").write_text(config)
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / name).write_text(text)
    shutil.copytree(content, site / "content")
    return site


def pad(root: Path, articles: int) -> int:
    """Grow an ingested archive to `articles` content pages with renamed copies of its own pages (each
    copy's title marked), for a size the month alone does not reach. Returns the count."""
    pages = sorted((root / "content").rglob("*.md"))
    count, n = len(pages), 0
    while count < articles:
        source = pages[n % len(pages)]
        copy = source.with_name(f"{source.stem}-copy{n // len(pages) + 1}.md")
        text = source.read_text(encoding="utf-8")
        copy.write_text(text.replace('title: "', f'title: "[copy {n // len(pages) + 1}] ', 1), encoding="utf-8")
        count, n = count + 1, n + 1
    return count
