"""Publishing: netlify.toml and the GitHub Pages workflow agree with the CLI and the README; `pack`
gives a zip that works when unzipped and opened from disk."""
import shlex
import tomllib
import zipfile
from pathlib import Path

import yaml

from newsarchive import archive as arc
from newsarchive import check
from newsarchive.cli import _parser

from .browser import browser
from .conftest import REPO, copy_tree, run_cli
from .site_checks import netlify_headers


def _cli_calls(command: str) -> list[list[str]]:
    """Each `python build.py ...` in a shell command line, as argv after build.py."""
    calls = []
    for part in command.split("&&"):
        words = shlex.split(part.replace("$URL", "https://example.netlify.app"))
        if words[:2] == ["python", "build.py"]:
            calls.append(words[2:])
    return calls


def test_netlify_builds_with_the_cli_and_publishes_site():
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    assert config["build"]["publish"] == "site"
    assert config["build"]["environment"]["PYTHON_VERSION"].startswith("3.")
    calls = _cli_calls(config["build"]["command"])
    assert calls == [["--base-url", "https://example.netlify.app/"]]  # the main job: ingest, then build
    for argv in calls:
        args = _parser().parse_args(argv)  # exits (fails the test) on a usage error
        assert args.command is None and args.base_url == "https://example.netlify.app/" and not args.strict
    headers = {h["for"]: h["values"] for h in config["headers"]}
    assert "/*" not in headers  # it would override site/_headers, which the build writes
    assert "immutable" in headers["/assets/*"]["Cache-Control"]
    assert any(r["to"] == "/404.html" and r["status"] == 404 for r in config["redirects"])
    cache = next(p for p in config["plugins"] if p["package"] == "netlify-plugin-cache")
    assert cache["inputs"]["paths"] == [".newsarchive-cache"]  # deploys stay incremental


def test_pages_workflow_builds_the_project_site_and_deploys_site():
    flow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = flow["jobs"]["build"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    calls = [c for r in runs for c in _cli_calls(r)]
    assert calls == [["--base-url", "${{ steps.pages.outputs.base_url }}/"]]  # the main job: ingest, then build
    pages = next(s for s in steps if str(s.get("uses", "")).startswith("actions/configure-pages"))
    assert pages["id"] == "pages"  # the base URL Pages gives: user or project site, or a custom domain
    cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache"))
    assert cache["with"]["path"] == ".newsarchive-cache" and "hashFiles(" in cache["with"]["key"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"
    assert any(str(s.get("uses", "")).startswith("actions/deploy-pages") for s in flow["jobs"]["deploy"]["steps"])


def test_readme_names_the_same_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for section in ("## Preview", "## Publish to Netlify", "## Publish to GitHub Pages", "## Read offline"):
        assert section in readme
    assert "python build.py pack" in readme and "netlify.toml" in readme and "pages.yml" in readme


def _installs(commands: list[str]) -> list[str]:
    """The pip commands among shell command lines, in order (each `&&` part its own)."""
    parts = [part.strip() for command in commands for part in command.split("&&")]
    return [part for part in parts if part.startswith("python -m pip install")]


def test_every_install_brings_pip_up_to_date_first():
    """Python 3.11's own pip (23.2) stops with an internal error on two of our dependencies'
    spellings of one lxml extra (jusText's `html_clean`, readability-lxml's `html-clean`): the
    README's set-up lines and every deploy config upgrade pip before installing the tool."""
    readme = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    setups = [line.strip() for line in readme[2:4]]
    assert all(line.startswith("python -m pip install") for line in setups), setups
    configs = [REPO / "netlify.toml", REPO / "newsarchive" / "defaults" / "init" / "netlify.toml"]
    flows = [REPO / ".github" / "workflows" / "pages.yml", REPO / "newsarchive" / "defaults" / "init" / "pages.yml"]
    runs = [[tomllib.loads(c.read_text(encoding="utf-8"))["build"]["command"]] for c in configs]
    runs += [[s["run"] for s in yaml.safe_load(f.read_text(encoding="utf-8"))["jobs"]["build"]["steps"] if "run" in s]
             for f in flows]
    for commands in [[line] for line in setups] + runs:
        installs = _installs(commands)
        assert len(installs) == 2 and installs[0] == "python -m pip install -U pip", commands


def test_pack_opens_from_disk(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    assert run_cli("--root", str(root), "build").returncode == 0
    result = run_cli("--root", str(root), "pack")
    assert result.returncode == 0, result.stderr
    unzipped = tmp_path / "reader"
    with zipfile.ZipFile(root / "site.zip") as zf:
        zf.extractall(unzipped)
    site = unzipped / "news-archive"
    assert (site / "index.html").is_file()
    # The offline reader gets the search index and the texts its excerpts are cut from (which the
    # deployed site does not carry).
    assert not (root / "site" / "search" / "text").exists()
    assert list((site / "search" / "text").rglob("*.js")) and list((site / "search" / "ix").glob("*.js"))
    assert check.link_problems(_as_root(site)) == []
    with browser() as b:
        page = b.new_page()
        page.goto((site / "index.html").as_uri())
        page.locator(".entry-title").first.click()
        page.wait_for_selector("article h1")
        page.goto((site / "search" / "index.html").as_uri() + "?q=%E5%85%8B%E6%8B%89%E5%A4%AB%E7%89%B9")
        page.wait_for_selector("#search-results .entry")
        assert page.locator("#search-results .entry").count() == 5


def _as_root(site: Path) -> arc.Archive:
    """An Archive whose site/ is the unzipped folder (check reads ROOT/site)."""
    link = site.parent / "root"
    link.mkdir(exist_ok=True)
    target = link / "site"
    if not target.exists():
        target.symlink_to(site, target_is_directory=True)
    return arc.Archive(link)


def test_the_build_writes_the_security_headers_and_the_picture_policy_follows_the_config(seed_root, tmp_path):
    """site/_headers: nothing runs but the site's own scripts; pictures from elsewhere are allowed
    until `media.local_only` says every picture is stored."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    assert run_cli("--root", str(root), "build", "--no-search").returncode == 0
    headers = netlify_headers(root / "site")["/*"]
    csp = headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "'unsafe-inline'" not in csp and "'wasm-unsafe-eval'" not in csp
    assert "img-src 'self' data: https:;" in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and "Referrer-Policy" in headers
    (root / "newsarchive.toml").write_text("[media]\nlocal_only = true\n", encoding="utf-8")
    assert run_cli("--root", str(root), "build", "--no-search").returncode == 0
    assert "img-src 'self' data:;" in netlify_headers(root / "site")["/*"]["Content-Security-Policy"]
