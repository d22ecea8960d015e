"""The layouts as jinja2 compiled them, kept between processes: every build, and each worker a large one
starts, compiled each layout it used from its source again (~0.06 s for the default layouts, in the
building process of every edit, on its way to the list pages).

    .newsarchive-cache/layouts/<code>/<bucket key>.bin   check, bc_magic, the layout's checksum, its code

jinja2's own FileSystemBytecodeCache reads its files with pickle, unchecked; these are read as the
build's other tenants are (cache.read_checked: a file damaged since it was written is none) and hold
no pickle. The compiled code depends on the layout's source (jinja2's checksum of it, in the file),
on jinja2 and Python (bc_magic and the bytecode's own magic number, in the file) and on the build's
code (the environment's options and layout_code's code generator): a folder per state of that code
(cache.code_key), the others removed when this one is first written to. Loading a file runs no code;
what it holds runs as the layout it was compiled from would - the archive's own layouts are code the
build runs in any case.
"""
from __future__ import annotations

import importlib.util
import marshal
import re
import shutil
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, bc_magic

from ..cache import CacheStore, code_key, own_folder, read_checked, write_checked

# The tenant's folder in the cache store.
FOLDER = "layouts"
SUFFIX = ".bin"
# What a file starts with (after its check): jinja2's bytecode format and Python's.
_MAGIC = bc_magic + importlib.util.MAGIC_NUMBER
# How long a layout's checksum (jinja2's: sha1 in hex) is in the file.
_CHECKSUM_CHARS = 40
# A code state's folder is named by the start of its key (cache.code_key, in hex): only folders
# named so are another state's, to be removed.
_CODE_CHARS = 32
_CODE_NAME = re.compile(f"[0-9a-f]{{{_CODE_CHARS}}}")


class CompiledLayouts(jinja2.BytecodeCache):
    """jinja2's bytecode cache in `folder` (one state of the build's code: see the module)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._tidied = False  # (the other states' folders removed, once per process)

    def load_bytecode(self, bucket: Bucket) -> None:
        data = read_checked(self._file(bucket))
        if data is None or len(bucket.checksum) != _CHECKSUM_CHARS:
            return
        head = len(_MAGIC) + _CHECKSUM_CHARS
        if bytes(data[:len(_MAGIC)]) != _MAGIC or bytes(data[len(_MAGIC):head]) != bucket.checksum.encode():
            return
        try:
            bucket.code = marshal.loads(data[head:])
        except (EOFError, ValueError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is None or len(bucket.checksum) != _CHECKSUM_CHARS:
            return
        data = _MAGIC + bucket.checksum.encode() + marshal.dumps(bucket.code)
        try:  # (a cache that cannot be written costs the next run its speed, nothing else)
            self._own_folder()
            write_checked(self._file(bucket), data)
        except OSError:
            pass

    def _file(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}{SUFFIX}"

    def _own_folder(self) -> None:
        if not self._tidied:
            own_folder(self.folder.parent)
            own_folder(self.folder)
            for other in self.folder.parent.iterdir():  # (only folders named as folder() names them)
                if other.name != self.folder.name and _CODE_NAME.fullmatch(other.name) and other.is_dir() \
                        and not other.is_symlink():
                    shutil.rmtree(other, ignore_errors=True)  # (as the store removes its folders)
            self._tidied = True


def folder(store: CacheStore) -> Path:
    """The compiled layouts' folder in a cache store, for the build's code as it is (cache.code_key)."""
    return store.path(FOLDER) / code_key("build")[:_CODE_CHARS]
