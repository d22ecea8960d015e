"""A curator's hand edits are never replaced: whatever was edited (a front-matter value, inside a
quoted title, a removed key, a body line, whitespace only, an earlier version restored, the page
made unreadable), the next ingest keeps the page byte for byte, says so on stderr and counts it in
the summary line - whether the memo is there or gone, and when a rule change makes ingest convert
every raw file again.

"Edited by hand" means the page's bytes differ from what ingest last wrote (remembered by digest in
the cache), or, without that memory, from the checksum ingest wrote into the page.
"""
from __future__ import annotations

import hashlib
import re
import shutil

import pytest

from newsarchive import page

from .conftest import copy_tree, run_cli, run_cli_without_file_powers

# A rule file of the archive's own that matches nothing: a rule change makes every raw file be converted again.
NEW_RULE = 'name = "本地規則"\n\n[match]\nhosts = ["example.invalid"]\n'


def _front_value(text: str) -> str:
    return text.replace('outlet: "', 'outlet: "（策展人改）', 1)


def _quoted_title(text: str) -> str:
    """Inside the title's quotes, together with a body line."""
    edited = re.sub(r'^title: "', 'title: "【更正】', text, count=1, flags=re.M)
    return edited.replace("\n---\n\n", "\n---\n\n策展人補上的一句。\n\n", 1)


def _removed_key(text: str) -> str:
    return re.sub(r"^summary: .*\n", "", text, count=1, flags=re.M)


def _body_line(text: str) -> str:
    lines = text.split("\n")
    last = max(i for i, line in enumerate(lines) if line.strip())
    lines[last] = lines[last][: len(lines[last]) // 2]
    return "\n".join(lines)


def _whitespace_only(text: str) -> str:
    return text.rstrip("\n") + "  \n\n"


def _line_endings(text: str) -> str:
    """What an editor on Windows does when it saves: every line ending CRLF."""
    return text.replace("\n", "\r\n")


def _earlier_version(text: str) -> str:
    """A version with a valid checksum of its own (as an older ingest wrote it, restored from git)
    that is not what ingest last wrote."""
    older = text.replace("\n---\n\n", "\n---\n\n舊版的一段。\n\n", 1)
    stripped = re.sub(r'^  checksum: .*\n', "", older, count=1, flags=re.M)
    digest = hashlib.sha256(stripped.encode("utf-8")).hexdigest()
    return re.sub(r'^(  checksum: )".*"$', rf'\1"{digest}"', older, count=1, flags=re.M)


EDITS = {"front-matter value": _front_value, "quoted title": _quoted_title, "removed key": _removed_key,
         "body line": _body_line, "whitespace only": _whitespace_only,
         "line endings": _line_endings}


def _archive(seed_root, tmp_path):
    root = tmp_path / "a"
    copy_tree(seed_root, root)
    assert run_cli("--root", str(root), "ingest").returncode == 0  # the memo remembers every page
    return root, sorted((root / "content").rglob("*.md"))[0]


def _force_conversion(root, how: str) -> None:
    if how == "memo gone":
        shutil.rmtree(root / ".newsarchive-cache")
    elif how == "rules changed":
        (root / "rules").mkdir(exist_ok=True)
        (root / "rules" / "local.toml").write_text(NEW_RULE, encoding="utf-8")


def _assert_kept(root, page_path, edited: bytes, result) -> None:
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert page_path.read_bytes() == edited
    shown = page_path.relative_to(root).as_posix()
    assert f"{shown}: edited by hand since ingest; kept as it is" in result.stderr
    assert "kept hand edits 1," in result.stdout


@pytest.mark.parametrize("how", ["memo kept", "memo gone", "rules changed"])
@pytest.mark.parametrize("kind", sorted(EDITS))
def test_every_kind_of_edit_is_kept_byte_for_byte(seed_root, tmp_path, kind, how):
    root, page_path = _archive(seed_root, tmp_path)
    text = page_path.read_text(encoding="utf-8")
    edited = EDITS[kind](text)
    assert edited != text
    page_path.write_bytes(edited.encode("utf-8"))
    _force_conversion(root, how)
    _assert_kept(root, page_path, edited.encode("utf-8"), run_cli("--root", str(root), "ingest"))
    built = run_cli("--root", str(root), "build")  # and the site publishes the edited page
    assert built.returncode == 0 and "left out" not in built.stderr, built.stderr
    again = run_cli("--root", str(root), "ingest")  # and on every run after
    _assert_kept(root, page_path, edited.encode("utf-8"), again)


@pytest.mark.parametrize("how", ["memo kept", "rules changed"])
def test_an_earlier_version_restored_is_kept(seed_root, tmp_path, how):
    """Its own checksum is valid, but it is not what ingest last wrote: the remembered digest tells."""
    root, page_path = _archive(seed_root, tmp_path)
    edited = _earlier_version(page_path.read_text(encoding="utf-8"))
    assert page.verify(edited) is True
    page_path.write_bytes(edited.encode("utf-8"))
    _force_conversion(root, how)
    _assert_kept(root, page_path, edited.encode("utf-8"), run_cli("--root", str(root), "ingest"))


@pytest.mark.parametrize("how", ["memo kept", "memo gone", "rules changed"])
def test_an_unreadable_page_is_never_replaced(seed_root, tmp_path, how):
    """Edited, then made unreadable (mode 000): kept as it is, its mode too, and named."""
    root, page_path = _archive(seed_root, tmp_path)
    edited = _body_line(page_path.read_text(encoding="utf-8")).encode("utf-8")
    page_path.write_bytes(edited)
    page_path.chmod(0)
    _force_conversion(root, how)
    result = run_cli_without_file_powers("--root", str(root), "ingest")
    page_path.chmod(0o644)
    assert page_path.read_bytes() == edited
    shown = page_path.relative_to(root).as_posix()
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert f"{shown}: content page unreadable" in result.stderr and "kept hand edits 1," in result.stdout
    assert len(list((root / "content").rglob("*.md"))) == 5  # no second page for the same raw file
