"""Golden: the seeds ingested into a fresh root equal the committed expected pages, byte for byte.

To accept an intended change: ingest the seeds into an empty root and copy its content/ to tests/golden/content.
"""
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden" / "content"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


def test_seed_pages_equal_golden(seed_root):
    got, want = _files(seed_root / "content"), _files(GOLDEN)
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name].decode("utf-8") == want[name].decode("utf-8"), name


def test_bundled_archive_is_the_golden_archive():
    repo_content = Path(__file__).resolve().parent.parent / "content"
    assert _files(repo_content) == _files(GOLDEN)
