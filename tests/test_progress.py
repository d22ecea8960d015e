"""Progress on a terminal: a long ingest and build show their phases as bars on stderr, and the
notices met on the way are printed on lines of their own, never through a bar; --quiet shows none."""
import fcntl
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios

from .conftest import REPO, SEEDS


def _on_a_terminal(*args: str) -> str:
    """What the CLI writes to a pseudo-terminal (stdout and stderr both), until it exits."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows, 100 columns
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), *args], stdin=slave, stdout=slave, stderr=slave,
                            close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed: the process is gone
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=600) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def _lines(screen: str) -> list[str]:
    """The screen's lines as last drawn (a bar redraws its line with a carriage return)."""
    return [re.split(r"\r", line)[-1] for line in screen.replace("\r\n", "\n").split("\n")]


def test_ingest_and_build_show_their_phases_and_notices_stay_off_the_bars(tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    for n in range(12):  # 60 raw files: each seed twelve times, so 55 of them are duplicates (notices)
        for seed in sorted(SEEDS.iterdir()):
            shutil.copy(seed, incoming / f"{n:02d}-{seed.name}")
    root = tmp_path / "archive"
    screen = _on_a_terminal("--root", str(root), "ingest", str(incoming))
    assert "ingesting" in screen and "60/60" in screen
    notices = [line for line in _lines(screen) if "duplicate of" in line]
    assert len(notices) == 55 and all(line.startswith("sources/incoming/") for line in notices), notices[:3]
    for n in range(11):  # 60 content pages for the build
        for page in sorted((root / "content").rglob("*.md"))[:5]:
            shutil.copy(page, page.with_name(f"copy{n:02d}-{page.name}"))
    screen = _on_a_terminal("--root", str(root), "build")
    for phase in ("reading", "list pages", "same story", "article pages", "search index"):
        assert phase in screen, (phase, screen[-2000:])
    assert any(line.startswith("built 60 articles") for line in _lines(screen))
    quiet = _on_a_terminal("--root", str(root), "build", "--quiet", "--base-url", "https://example.org/")
    assert quiet == ""
