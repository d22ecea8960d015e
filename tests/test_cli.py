"""The command line as a finished tool: usage errors are one line and exit 2, I/O errors one line
naming the path, --root before or after the command, `init` makes an archive and never overwrites;
the preview server answers like a host (the site's 404 page with status 404 at any depth, a folder
redirected to its slash, no folder listings, no symlinks followed, bad paths refused)."""
import http.client
import http.server
import os
import subprocess
import sys
import threading
import tomllib

import pytest
import yaml

from newsarchive.config import settings
from newsarchive.serve.server import Channel, make_handler

from .conftest import SEEDS, copy_tree, run_cli

USAGE = [
    (("--root", "{missing}", "build"), "no such folder"),
    (("--root", "{file}", "check"), "not a folder"),
    (("--root", "{missing}"), "no such folder"),
    (("serve", "--port", "99999"), "port must be from 0 to 65535"),
    (("serve", "--port", "http"), "port must be a number"),
    (("build", "--base-url", "ftp://example.org/"), "base URL must be an absolute http:// or https:// URL"),
    (("build", "--base-url", "example.org"), "base URL must be an absolute http:// or https:// URL"),
    (("build", "--frobnicate"), "unrecognized arguments: --frobnicate"),
    (("frobnicate",), "invalid choice: 'frobnicate'"),
]


@pytest.mark.parametrize("args,why", USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_usage_errors_are_one_line_and_exit_2(tmp_path, args, why):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    args = [a.format(missing=tmp_path / "missing", file=tmp_path / "a-file") for a in args]
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2 and why in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("newsarchive: ") and not result.stdout
    assert not (tmp_path / "missing").exists()  # a missing root is never made by a command that needs one


def test_root_before_or_after_the_command(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    after = run_cli("check", "--root", str(root), cwd=tmp_path)
    before = run_cli("--root", str(root), "check", cwd=tmp_path)
    assert after.returncode == before.returncode == 0 and after.stdout == before.stdout == "check: 0 problem(s)\n"


def test_an_io_error_is_one_line_naming_the_path(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    assert run_cli("--root", str(root), "build").returncode == 0
    target = tmp_path / "no" / "such" / "dir" / "x.zip"
    result = run_cli("--root", str(root), "pack", "--output", str(target))
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and str(target) + ":" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_argument_has_help():
    import argparse

    from newsarchive.cli import _parser

    parser = _parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert sorted(commands) == ["build", "check", "ingest", "init", "pack", "serve"]
    for name, command in [("newsarchive", parser), *commands.items()]:
        for action in command._actions:
            if not isinstance(action, argparse._SubParsersAction):
                assert action.help, f"{name} {action.dest} has no help"
    assert run_cli("--version").stdout.startswith("newsarchive ")


# A build in a process of its own, run by `entry` ("run": the console command; "main": as tests call
# it): what it prints, and whether the state it gathered was freed before the process ended.
EXIT_PROBE = """
import atexit, os, sys, weakref
from newsarchive import cli
from newsarchive.builder import state
made = state.BuildState.__init__
def watched(self, *args, **kwargs):
    made(self, *args, **kwargs)
    weakref.finalize(self, print, "state freed", flush=True).atexit = False
state.BuildState.__init__ = watched
atexit.register(print, "exit handler ran")
sys.argv = ["newsarchive", "--root", sys.argv[1], "build", "--no-search"]
if os.environ["ENTRY"] == "main":
    sys.exit(cli.main())
cli.run()
"""


@pytest.mark.parametrize("entry", ["run", "main"])
def test_the_command_ends_without_freeing_what_the_build_gathered(seed_root, tmp_path, entry):
    """The console command (cli.run) ends the process with the build's state still held - freeing it
    object by object was ~0.4 s of a build at 100 000 articles - yet after what an exit does: output
    flushed, exit handlers run, the exit status the command's. main(), as tests call it, frees."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    (root / "content" / "2020" / "09").mkdir(parents=True, exist_ok=True)
    (root / "content" / "2020" / "09" / "broken.md").write_text("---\ntitle: [\n---\nx\n", encoding="utf-8")
    for status, line in ((1, "left out of the site"), (0, "built")):
        done = subprocess.run([sys.executable, "-c", EXIT_PROBE, str(root)], capture_output=True,
                              text=True, timeout=300, env={**os.environ, "ENTRY": entry})
        assert done.returncode == status and line in (done.stdout + done.stderr).lower(), done.stderr
        assert done.stdout.rstrip().endswith("exit handler ran"), done.stdout
        assert ("state freed" in done.stdout) == (entry == "main"), done.stdout
        (root / "content" / "2020" / "09" / "broken.md").unlink(missing_ok=True)


def test_init_makes_an_archive_that_builds_and_never_overwrites(tmp_path):
    folder = tmp_path / "new"
    result = run_cli("init", str(folder), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    made = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    assert made == [".github", ".github/workflows", ".github/workflows/pages.yml", ".gitignore", "README.md",
                    "content", "netlify.toml", "newsarchive.toml", "sources"]
    netlify = tomllib.loads((folder / "netlify.toml").read_text(encoding="utf-8"))
    assert netlify["build"]["command"].endswith('&& newsarchive --base-url "$URL/"')
    assert netlify["plugins"][0]["inputs"]["paths"] == [".newsarchive-cache"]
    flow = yaml.safe_load((folder / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    runs = [s.get("run", "") for s in flow["jobs"]["build"]["steps"]]
    assert any(r.startswith('newsarchive --base-url "${{ steps.pages.outputs.base_url }}/"') for r in runs)
    config = (folder / "newsarchive.toml").read_text(encoding="utf-8")
    for name, _default, meaning in settings():
        assert f"# {name} = " in config and meaning in config
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    again = run_cli("init", str(folder), cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr and again.stderr.count("\n") == 1
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    for seed in sorted(SEEDS.glob("*")):
        (folder / "sources" / seed.name).write_bytes(seed.read_bytes())
    main = run_cli(cwd=folder)  # the main job, in the archive's folder
    assert main.returncode == 0, main.stderr
    assert (folder / "site" / "index.html").is_file() and len(list((folder / "content").rglob("*.md"))) == 5


@pytest.fixture
def preview(seed_root, tmp_path):
    """The preview server's handler over a built seed site, on a free port: (site, request)."""
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    assert run_cli("--root", str(root), "build", "--no-search").returncode == 0
    site = root / "site"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(site, Channel(), threading.Lock()))
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def request(path: str, method: str = "GET"):
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()

    yield site, request
    server.shutdown()
    server.server_close()


def test_preview_answers_missing_pages_with_the_sites_404_at_any_depth(preview):
    site, request = preview
    page = (site / "404.html").read_bytes()
    for path in ("/missing.html", "/a/missing.html", "/a/b/c/missing.html"):
        status, _headers, body = request(path)
        assert status == 404 and b'<base href="/">' in body  # its relative links resolve from the root
        assert body.replace(b'<head><base href="/">', b"<head>", 1).startswith(page.split(b"</body>")[0])
    assert request("/missing.html", "HEAD")[0] == 404


def test_preview_redirects_folders_and_never_lists_them(preview):
    site, request = preview
    status, headers, _body = request("/outlets?x=1")
    assert status == 301 and headers["Location"] == "/outlets/?x=1"
    for folder in ("/", "/outlets/"):
        status, headers, body = request(folder)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8" and b"<html" in body
    status, _headers, body = request("/assets/")  # a folder without index.html
    assert status == 404 and b"Directory listing" not in body


def test_preview_follows_no_symlink_and_refuses_bad_paths(preview, tmp_path):
    site, request = preview
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the site", encoding="utf-8")
    os.symlink(secret, site / "planted.txt")
    os.symlink(tmp_path, site / "planted-folder")
    assert request("/planted.txt")[0] == 404 and request("/planted-folder/secret.txt")[0] == 404
    assert request("/x%00y")[0] in (400, 404)
    assert request("/" + "a" * 5000)[0] in (400, 404)
    assert request("/../../etc/passwd")[0] == 404


def test_preview_survives_a_flood_of_half_sent_requests(seed_root, tmp_path, monkeypatch, capfd):
    """Silent connections are closed after the idle time and never hold more than the connection cap;
    the server then answers as before, with no traceback."""
    import socket
    import time

    from newsarchive.serve import server as preview_server

    monkeypatch.setattr(preview_server, "IDLE_SECONDS", 1)
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    assert run_cli("--root", str(root), "build", "--no-search").returncode == 0
    server = preview_server._Server(("127.0.0.1", 0), make_handler(root / "site", Channel(), threading.Lock()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        flood = []
        for _ in range(preview_server.MAX_CONNECTIONS + 40):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /index.html HTTP/1.1\r\nHost: x")  # never finished
            flood.append(s)
        time.sleep(2.5)  # the idle time passes
        assert threading.active_count() < preview_server.MAX_CONNECTIONS
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/index.html")
        assert conn.getresponse().status == 200
        for s in flood:
            s.close()
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capfd.readouterr().err


BLAS_PROBE = """
import sys
from newsarchive import cli
def probe(argv=None, kept=None):
    import numpy  # (loaded as the build loads it: after run() began)
    from threadpoolctl import threadpool_info
    print(sorted({pool["num_threads"] for pool in threadpool_info() if pool["internal_api"] == "openblas"}))
    return 0
cli.main = probe
cli.run()
"""


@pytest.mark.parametrize("set_by_user", [None, "2"])
def test_the_command_runs_numpy_on_one_blas_thread_per_process(set_by_user):
    """OpenBLAS starts a thread for each core in every process that loads numpy, each spinning after
    every product on cores the build's own processes already fill: the command starts its processes
    with one (cli._LIBRARY_THREADS). A count the user set is kept."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if set_by_user:
        env["OPENBLAS_NUM_THREADS"] = set_by_user
    done = subprocess.run([sys.executable, "-c", BLAS_PROBE], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"[{set_by_user or 1}]", done.stdout
