"""Thin entry point: `python build.py [--root DIR] [COMMAND] ...` (see README)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsarchive.cli import run  # noqa: E402

if __name__ == "__main__":
    run()
