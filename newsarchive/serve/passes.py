"""The builds serve runs, each answering as serve expects (see server.serve): None when it built,
False when nothing changed, LeftOut when some content pages were left out, a message when it failed.

- quick: the whole site, keeping the last search index and same-story links;
- hot: only the pages an edit of content pages touches, replaced in place (build.hot); HOT_DECLINED
  when that is not enough and a quick build must run;
- catch-up: the full build, in a child process (`python -m newsarchive.serve.passes ROOT`) so that
  the next edit can stop it at once - SIGKILL, which the build is made to survive - and have the
  CPU to itself. The child prints its answer as one line.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .server import HOT_DECLINED, LeftOut

# The catch-up child's one line of answer: a prefix, then the detail.
_BUILT, _LEFT_OUT, _FAILED, _UNCHANGED = "built", "left out:", "failed:", "unchanged"


def run_build(root: Path, quick: bool = False):
    import jinja2

    from ..build import build
    from ..build.search.pagefind import PagefindError
    from ..cli import _layout_error
    from ..model import InputError

    try:
        report = build(root, quick=quick)
    except jinja2.TemplateError as exc:
        return _layout_error(exc)
    except (InputError, PagefindError) as exc:
        return str(exc)
    if report.skipped:
        return False
    if report.problems:
        return LeftOut("; ".join(f"{p}: {r}" for p, r in report.problems))
    return None


def run_hot(root: Path, changed: set[Path], lock):
    import jinja2

    from ..build import hot
    from ..cli import _layout_error

    try:
        report = hot(root, changed, lock)
    except jinja2.TemplateError as exc:
        return _layout_error(exc)
    if report is None:
        return HOT_DECLINED
    return False if report.skipped else None


def start_catch_up(root: Path) -> subprocess.Popen:
    from ..build.parallel import die_with_parent

    return subprocess.Popen([sys.executable, "-m", __name__, str(root)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, preexec_fn=die_with_parent)


def catch_up_answer(proc: subprocess.Popen, root: Path):
    """Wait for the catch-up child; its answer, or None when it was stopped (killed) or said nothing.
    After a build, the new same-story answers are read in while serve is idle (the hot pass uses them)."""
    out, _ = proc.communicate()
    line = out.strip().splitlines()[-1] if out.strip() else ""
    if proc.returncode != 0 or not line:
        return None
    if line == _BUILT:
        from ..build import cache, related

        related.preload(root / cache.CACHE_DIR / "related")
    if line.startswith(_LEFT_OUT):
        return LeftOut(line[len(_LEFT_OUT):].strip())
    if line.startswith(_FAILED):
        return line[len(_FAILED):].strip()
    return False if line == _UNCHANGED else None


def _child(root: Path) -> int:
    outcome = run_build(root, quick=False)
    if isinstance(outcome, LeftOut):
        print(f"{_LEFT_OUT} {outcome.message}")
    elif isinstance(outcome, str):
        print(f"{_FAILED} {' '.join(outcome.splitlines())}")
    else:
        print(_UNCHANGED if outcome is False else _BUILT)
    return 0


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1])))
