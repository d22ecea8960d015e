"""The committed deploy configs, run as they are: an archive holding an empty export stub and a file
that cannot be an article still publishes its site, with the problem listed on it and in the log."""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib

import yaml

from .test_fresh_clone import _copy_tracked

from .conftest import REPO

BASE = "https://archive.example.org/news/"
STUB = b'---\ntitle: ""\ndate: ""\nauthor: ""\nurl: "https://web.archive.org/web/2021/https://www.hkcnews.com/a/1"\n---\n\n'


def _deploy_commands() -> dict[str, list[str]]:
    """Each deploy's shell commands as committed (the tool's own install step left out: it is installed)."""
    netlify = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))["build"]["command"]
    flow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    pages = [step["run"] for step in flow["jobs"]["build"]["steps"] if "run" in step]
    keep = lambda part: not part.strip().startswith("python -m pip install")  # noqa: E731
    return {"netlify": [" && ".join(p for p in netlify.split("&&") if keep(p)).replace("$URL/", BASE)],
            "pages": [re.sub(r"\$\{\{ steps\.pages\.outputs\.base_url \}\}/", BASE, p) for p in pages if keep(p)]}


def test_deploys_publish_with_a_stub_and_a_broken_file(tmp_path):
    for name, commands in _deploy_commands().items():
        repo = tmp_path / name / "newsarchive"
        _copy_tracked(repo)
        (repo / "sources" / "export-stub.md").write_bytes(STUB)
        (repo / "sources" / "broken.bin").write_bytes(bytes(range(256)) * 16)
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        for command in commands:
            words = shlex.split(command)
            assert words[:2] == ["python", "build.py"], command
            result = subprocess.run([sys.executable, *words[1:]], cwd=repo, env=env, capture_output=True, text=True,
                                    timeout=600)
            assert result.returncode == 0, (name, command, result.stderr[-2000:])
            assert "sources/broken.bin: binary data" in result.stderr and "Traceback" not in result.stderr
            assert "export-stub.md: skipped: an empty stub" in result.stderr
        site = repo / "site"
        assert (site / "index.html").is_file() and len(list((site / "articles").rglob("*.html"))) == 5
        problems = (site / "problems" / "index.html").read_text(encoding="utf-8")
        assert "sources/broken.bin" in problems and "export-stub" not in problems  # a stub is no failure
        assert BASE in (site / "feed.xml").read_text(encoding="utf-8")
        shutil.rmtree(tmp_path / name)


def test_strict_fails_only_for_a_failure_not_seen_before(seed_root, tmp_path):
    from newsarchive import archive as arc
    from newsarchive import failures

    from .conftest import copy_tree, run_cli

    root = tmp_path / "a"
    copy_tree(seed_root, root)
    (root / "sources" / "broken.bin").write_bytes(bytes(range(256)) * 16)
    first = run_cli("--root", str(root), "--strict", "--no-search")
    assert first.returncode == 1 and "1 of them new" in first.stderr and (root / "site" / "index.html").is_file()
    record = failures.load(arc.Archive(root))
    assert [(f.key, f.reason) for f in record] == [("sources/broken.bin", "binary data, not text (NUL bytes)")]
    again = run_cli("--root", str(root), "--strict", "--no-search")  # known now: told, listed, not fatal
    assert again.returncode == 0 and "sources/broken.bin: binary data" in again.stderr and "0 of them new" in again.stderr
    assert failures.load(arc.Archive(root)) == record  # first seen kept
    assert run_cli("--root", str(root), "ingest").returncode == 1  # for scripts, ingest still says it failed
    (root / "sources" / "broken.bin").unlink()
    assert run_cli("--root", str(root), "--strict", "--no-search").returncode == 0
    assert failures.load(arc.Archive(root)) == () and not (root / "site" / "problems").exists()
