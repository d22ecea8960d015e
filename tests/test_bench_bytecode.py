"""The benches run our commands as an installed copy runs: the package's bytecode compiled (into a
cache folder of the bench's own, nothing written into the checkout), even where the machine sets
PYTHONDONTWRITEBYTECODE - which had every timed process compile the package from source again."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"


def _scale():
    spec = importlib.util.spec_from_file_location("bench_scale_bytecode", BENCH / "scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_our_commands_read_the_packages_bytecode_from_the_benchs_own_cache(tmp_path):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    before = sorted((REPO / "newsarchive").rglob("__pycache__"))
    _scale().as_installed(tmp_path, env)
    prefix = tmp_path / "pycache"
    sources = sorted((REPO / "newsarchive").rglob("*.py"))
    compiled = {p for p in prefix.rglob("*.pyc")}
    tag = sys.implementation.cache_tag
    missing = [s for s in sources if prefix / str(s.parent).lstrip("/") / f"{s.stem}.{tag}.pyc" not in compiled]
    assert sources and not missing
    # A child of the bench imports the build's modules from that bytecode, none from its source.
    shown = subprocess.run([sys.executable, "-v", "-c", "import newsarchive.builder.make"], env=env, cwd=REPO,
                           capture_output=True, text=True, check=True).stderr
    loaded = [line for line in shown.splitlines() if line.startswith("# code object from") and "/newsarchive/" in line]
    assert len(loaded) > 20
    assert all(str(prefix) in line and line.rstrip("'").endswith(".pyc") for line in loaded), loaded[:3]
    assert sorted((REPO / "newsarchive").rglob("__pycache__")) == before  # (nothing written into the checkout)
