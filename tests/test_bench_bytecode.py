"""The benches time our commands as an installed copy runs: the package's bytecode compiled where
Python reads it, even where the machine sets PYTHONDONTWRITEBYTECODE (which had every timed process
compile the package from source again) - and nothing else compiled from source either."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _scale():
    spec = importlib.util.spec_from_file_location("bench_scale_bytecode", REPO / "bench" / "scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_build_process_compiles_nothing_from_source_after_the_bench_compiled_the_package():
    _scale().as_installed()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    shown = subprocess.run([sys.executable, "-v", "-c", "import newsarchive.builder.make, newsarchive.builder.parallel"],
                           env=env, cwd=REPO, capture_output=True, text=True, check=True).stderr
    loaded = [line.removeprefix("# code object from ").strip("'") for line in shown.splitlines()
              if line.startswith("# code object from")]
    ours = [path for path in loaded if path.startswith(str(REPO / "newsarchive"))]
    assert len(ours) > 20  # (the build's modules, from this checkout)
    assert all(path.endswith(".pyc") for path in loaded), [p for p in loaded if not p.endswith(".pyc")][:5]
