"""Issue 13: the archive keeps its pictures. Against a picture server on 127.0.0.1 started here
(tests/media_server.py; no outside network): images fetched once, stored by SHA-256, shared; shown
from the site and from the unzipped pack with no request leaving the page's folder; a second run
fetches nothing; a killed run leaves no partial file; check catches a flipped byte; every hostile
answer is recorded and none is fatal."""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from newsarchive import archive as arc
from newsarchive.media import addresses, store

from .conftest import CORPUS, REPO, SEEDS, require, run_cli
from .media_server import PictureServer

# Feed posts of the corpus taken (the ones with pictures among the first of them).
FEED_POSTS = 30


def _config(root, allow: str = "127.0.0.1", **media) -> None:
    lines = ["[media]", f'allow_hosts = ["{allow}"]'] + [f"{k} = {json.dumps(v)}" for k, v in media.items()]
    (root / "newsarchive.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _slice(tmp_path, server) -> tuple:
    """The seeds and feed posts of the corpus, their pictures' addresses moved to the local server
    (`https://host/path` -> `http://127.0.0.1:PORT/img/host/path`)."""
    require(CORPUS, "the sample corpus (../shared/corpus)")
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    posts = sorted((CORPUS / "jekyll-feed").iterdir())[:FEED_POSTS] + sorted(SEEDS.iterdir())
    for post in posts:
        text = post.read_text(encoding="utf-8")
        (incoming / post.name).write_text(server.moved_here(text), encoding="utf-8")
    root = tmp_path / "a"
    root.mkdir()
    _config(root)
    return root, incoming


def _wanted(root) -> set[str]:
    from newsarchive.media.run import wanted
    return {u for u in wanted(arc.Archive(root), 0) if u.startswith("http://127.0.0.1")}


@pytest.fixture
def server():
    with PictureServer() as s:
        yield s


@pytest.fixture
def fetched(tmp_path, server):
    root, incoming = _slice(tmp_path, server)
    result = run_cli("--root", str(root), "ingest", "--fetch-media", str(incoming))
    return root, incoming, result


def test_every_picture_is_stored_once_and_a_second_run_fetches_nothing(fetched, server):
    root, incoming, result = fetched
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    wanted = _wanted(root)
    assert len(wanted) >= 20, "the slice must show pictures"
    manifest = store.load(arc.Archive(root))
    # (an address the rewrite above missed names a host this machine cannot reach: a recorded failure)
    assert wanted <= set(manifest.images) and not [u for u in manifest.failures if u.startswith(server.url("/"))]
    files = store.stored_files(arc.Archive(root))
    digests = {s.sha256 for s in manifest.images.values()}
    assert len(files) == len(digests) < len(wanted)  # shared pictures stored once
    for path in files:
        assert arc.sha256(path.read_bytes()) == path.stem
    assert f"media fetched {len(digests)}, reused {len(wanted) - len(digests)}, failed {len(manifest.failures)}" in result.stdout
    requests = sum(server.counts.values())
    again = run_cli("--root", str(root), "ingest", "--fetch-media", str(incoming))
    assert again.returncode == 0 and "media fetched 0," in again.stdout
    assert sum(server.counts.values()) == requests  # nothing asked of the server
    assert run_cli("--root", str(root), "check").returncode == 0


def test_check_catches_a_flipped_byte_and_a_missing_picture(fetched):
    root, _incoming, _result = fetched
    first, second = store.stored_files(arc.Archive(root))[:2]
    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 0x01
    first.write_bytes(bytes(data))
    second.unlink()
    result = run_cli("--root", str(root), "check")
    assert result.returncode == 1
    assert f"sources/media/{first.parent.name}/{first.name}: picture modified (SHA-256 mismatch)" in result.stderr
    assert f"sources/media/{second.parent.name}/{second.name}: picture missing" in result.stderr


def test_the_site_and_the_pack_show_the_pictures_offline(fetched, tmp_path):
    """Every stored picture is in site/ (and the zip); each article page shows its pictures from the
    page's own folder tree, with their sizes; JSON-LD and Open Graph name the local copy."""
    from .browser import browser

    root, _incoming, _result = fetched
    assert run_cli("--root", str(root), "build", "--base-url", "https://example.org/a/").returncode == 0
    pages = [p for p in (root / "site" / "articles").rglob("*.html") if "127.0.0.1" not in p.read_text(encoding="utf-8")
             and "/media/" in p.read_text(encoding="utf-8")]
    assert len(pages) >= 5
    html = pages[0].read_text(encoding="utf-8")
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert ld["image"].startswith("https://example.org/a/media/")
    assert f'<meta property="og:image" content="{ld["image"]}">' in html
    assert re.search(r'<img [^>]*src="(\.\./)+media/[0-9a-f]{2}/[0-9a-f]{64}\.jpg"[^>]* width="\d+" height="\d+"', html)
    home = (root / "site" / "index.html").read_text(encoding="utf-8")  # lists show the lead picture, small
    assert re.search(r'<img class="thumb" src="media/[0-9a-f]{2}/[0-9a-f]{64}\.jpg" alt="" loading="lazy" '
                     r'decoding="async" width="\d+" height="\d+">', home)
    assert run_cli("--root", str(root), "pack", "--output", str(tmp_path / "site.zip")).returncode == 0
    with zipfile.ZipFile(tmp_path / "site.zip") as zf:
        zf.extractall(tmp_path / "unpacked")
    unpacked = next((tmp_path / "unpacked").iterdir())
    with browser() as b:
        for site in (root / "site", unpacked):
            for page_path in (site / pages[0].relative_to(root / "site"), site / pages[-1].relative_to(root / "site")):
                _shows_every_picture_locally(b, site, page_path)


def _shows_every_picture_locally(b, site, page_path) -> None:
    context = b.new_context()
    outside = []
    context.route("**/*", lambda route: (route.continue_() if route.request.url.startswith(site.as_uri())
                                         else (outside.append(route.request.url), route.abort())))
    page = context.new_page()
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")
    page.evaluate("() => Promise.all([...document.images].map(i => (i.loading = 'eager', i.decode().catch(() => 0))))")
    sizes = page.evaluate("() => [...document.querySelectorAll('article img')].map(i => [i.src, i.naturalWidth])")
    context.close()
    assert sizes and all(width > 0 for _src, width in sizes), sizes
    assert outside == [], outside


HOSTILE = {
    "/missing.jpg": "HTTP 404", "/always-500.jpg": "HTTP 500", "/drip.jpg": "too slow", "/loop.jpg": "redirects",
    "/huge.jpg": "bytes declared", "/huge-undeclared.jpg": "more than", "/bomb.png": "pixels",
    "/page-as-jpeg.jpg": "an HTML page", "/script.svg": "SVG", "/to-loopback.jpg": "not a public address",
}


def test_hostile_answers_are_recorded_and_none_is_fatal(tmp_path):
    """Served as `localhost` (the one host allowed): each hostile answer is a recorded failure with its
    reason, the good pictures beside them are stored, a 500 then a success is stored on retry, and a
    redirect to 127.0.0.1 (an address no one allowed) is refused."""
    with PictureServer(host="localhost") as server:
        root = tmp_path / "a"
        root.mkdir()
        _config(root, allow="localhost", timeout=3, retries=1, max_bytes=5_000_000)
        paths = [*HOSTILE, "/flaky.jpg", "/img/good-1.jpg", "/png/good-2.png"]
        body = "\n\n".join(f"第{n}張圖。\n\n![]({server.url(path)})" for n, path in enumerate(paths))
        incoming = tmp_path / "in"
        incoming.mkdir()
        (incoming / "post.md").write_text(f"---\ntitle: 圖片測試\ndate: 2021-01-02\n---\n\n{body}\n", encoding="utf-8")
        started = time.monotonic()
        result = run_cli("--root", str(root), "ingest", "--fetch-media", str(incoming))
        took = time.monotonic() - started
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    manifest = store.load(arc.Archive(root))
    for path, reason in HOSTILE.items():
        failure = manifest.failures[addresses.normal(server.url(path))]
        assert reason in failure.reason, (path, failure)
        assert f"picture not fetched: {server.url(path)}" in result.stderr
    assert {addresses.normal(server.url(p)) for p in ("/flaky.jpg", "/img/good-1.jpg", "/png/good-2.png")} == set(manifest.images)
    assert server.counts["/flaky.jpg"] == 2 and server.counts["/img/inside.jpg"] == 0
    assert "media fetched 3, reused 0, failed 10" in result.stdout
    assert took < 60  # the drip and the huge bodies are cut off, not waited out
    assert not [p for p in (root / "sources" / "media").rglob("*") if p.is_file() and p.name.startswith(".tmp-")]
    assert run_cli("--root", str(root), "build").returncode == 0


def test_a_run_killed_mid_download_leaves_no_partial_file_and_the_next_completes(tmp_path):
    with PictureServer() as server:
        root = tmp_path / "a"
        root.mkdir()
        _config(root, timeout=20, workers=2)
        paths = [f"/img/p{n}.jpg" for n in range(6)] + ["/drip.jpg"] * 1
        body = "\n\n".join(f"第{n}張。\n\n![]({server.url(path)})" for n, path in enumerate(paths))
        incoming = tmp_path / "in"
        incoming.mkdir()
        (incoming / "post.md").write_text(f"---\ntitle: 中斷測試\ndate: 2021-01-02\n---\n\n{body}\n", encoding="utf-8")
        proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "ingest", "--fetch-media",
                                 str(incoming)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while server.counts["/drip.jpg"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the drip is being read
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        media = root / "sources" / "media"
        for path in media.rglob("*") if media.is_dir() else []:
            if path.is_file() and path.name != "manifest.json":
                if not path.name.startswith(".tmp-"):
                    assert arc.sha256(path.read_bytes()) == path.stem  # never a half picture under its name
        _config(root, timeout=2, retries=0)
        result = run_cli("--root", str(root), "ingest", "--fetch-media")
    assert result.returncode == 0
    assert not [p for p in media.rglob("*") if p.name.startswith(".tmp-")]
    manifest = store.load(arc.Archive(root))
    assert {addresses.normal(server.url(p)) for p in paths[:6]} <= set(manifest.images)
    assert len(store.stored_files(arc.Archive(root))) == len({s.sha256 for s in manifest.images.values()})


def test_an_image_offering_several_sizes_keeps_the_largest(tmp_path):
    """srcset (w or x descriptors, commas inside a URL), a lazy data-srcset, <picture> sources."""
    html = ('<html><head><title>多尺寸圖片測試</title></head><body><article><h1>多尺寸圖片測試</h1>'
            '<p>第一段正文，內容足夠長，讓這一頁被當作文章。第一段正文，內容足夠長。</p>'
            '<figure><img src="https://img.example/a-450.jpg" srcset="https://img.example/a-450.jpg 450w, '
            'https://img.example/a-1200.jpg 1200w, https://img.example/a-900.jpg 900w" alt="一"></figure>'
            '<figure><img src="https://img.example/b.jpg" srcset="https://img.example/b,x1.jpg 1x, '
            'https://img.example/b,x2.jpg 2x" alt="二"></figure>'
            '<figure><picture><source srcset="https://img.example/c-big.webp 1600w, https://img.example/c-small.webp 400w">'
            '<img src="https://img.example/c.jpg" alt="三"></picture></figure>'
            '<p>第二段正文也在這裡，內容完整保留，讓這一頁被當作文章來讀。</p></article></body></html>')
    root = tmp_path / "a"
    (root / "in").mkdir(parents=True)
    (root / "in" / "page.html").write_text(html, encoding="utf-8")
    assert run_cli("--root", str(root), "ingest", str(root / "in")).returncode == 0
    body = next((root / "content").rglob("*.md")).read_text(encoding="utf-8")
    assert addresses.images_in(body) == ["https://img.example/a-1200.jpg", "https://img.example/b,x2.jpg",
                                         "https://img.example/c-big.webp"]


def test_an_address_is_made_normal_as_markdown_it_encodes_it_and_the_first_picture_is_the_first_found():
    """addresses.normal leaves an address mdurl would leave as it is without encoding it: on any
    mix of safe characters, escapes (whole, cut short, not hex), characters mdurl encodes, entities
    and lone surrogates, it gives what mdurl.encode gives; first_image is images_in's first."""
    import html as html_module
    import random

    import mdurl

    pieces = ["a", "Z", "9", "%41", "%e4%b8%ad", "%4", "%zz", "%", "中", " ", "&amp;", "&#37;", "/", "?", "#",
              "[", "]", "|", "^", "`", "{", "\\", '"', "<", "\ud800", "\U0001F600", "-", "_", "~", "'", "\t", "\x7f"]
    rnd = random.Random(15)
    for _ in range(20_000):
        url = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        assert addresses.normal(url) == mdurl.encode(html_module.unescape(url.strip())), repr(url)
    body = ('![一](https://img.example/%E5%9C%96.jpg)\n\n<figure><img src="https://img.example/a b.jpg"></figure>\n\n'
            '![二](/local.jpg) ![三](https://img.example/%E5%9C%96.jpg) ![四](http://img.example/中.png)')
    assert addresses.images_in(body) == ["https://img.example/%E5%9C%96.jpg", "http://img.example/%E4%B8%AD.png",
                                         "https://img.example/a%20b.jpg"]
    assert addresses.first_image(body) == "https://img.example/%E5%9C%96.jpg"
    assert addresses.first_image("![a](/x.jpg) no pictures to fetch") is None
