"""Named numpy arrays kept as one file under the key they hold for (same story's stored first stage
and answers).

    pack(key, arrays) -> bytes             unpack(data, key) -> {name: array} | None
    write(path, key, arrays)               read(path, key) -> {name: array} | None
    read_any(path) -> (key, {name: array}) | None   (whatever key it holds)
    key_of(path) -> str | None             (the key alone, the arrays not read)
    file_name(stem, key) -> str            (a kept file's name: the stem, the key's start, SUFFIX)

The file: MAGIC, the header's length (4 bytes, little-endian), a JSON header (the key; each array's
name, dtype and shape; a CRC-32 of those and of what follows, as a zip member has one) and the
arrays' bytes one after another, each starting at a multiple of ALIGN.

Written by hand rather than as numpy's .npz: opening an .npz's zip and then each member costs about
half a millisecond a file, which was 1.05 s of an edit at 100 000 articles, where the comparing
process reads its 1 830 stored days; here a file is one read and a view per array. Like .npz without
pickle, nothing in it runs: only plain dtypes (KINDS) are taken, and a file that does not add up is
damaged (None), never an error.
"""
from __future__ import annotations

import json
import math
import os
import zlib

import numpy as np

from ..cache import replace_file

MAGIC = b"newsarchive-arrays 1\n"
# A kept file's name ends in this ...
SUFFIX = "arrays"
# ... after the first this many characters of the key it holds its arrays for (see file_name).
KEY_IN_NAME = 16
# Each array's bytes start at a multiple of this (the largest item size stored: views stay aligned).
ALIGN = 8
# dtype kinds a file may hold: bool, signed and unsigned integers, floats, bytes.
KINDS = frozenset("biufS")
_LENGTH = 4


def file_name(stem: str, key: str) -> str:
    """A kept file's name, with the start of its key: whether it is stored under a key is a name in
    one listing of its folder, not a file opened (the whole key inside is checked when it is read)."""
    return f"{stem}-{key[:KEY_IN_NAME]}.{SUFFIX}"


def pack(key: str, arrays: dict[str, np.ndarray]) -> bytes:
    """The file's bytes for these arrays under `key`."""
    arrays = {name: np.ascontiguousarray(a) for name, a in arrays.items()}
    body, at = [], 0
    for a in arrays.values():
        body += [b"\0" * (-at % ALIGN), a.tobytes()]
        at += -at % ALIGN + a.nbytes
    body = b"".join(body)
    listed = [[name, a.dtype.str, list(a.shape)] for name, a in arrays.items()]
    header = json.dumps({"key": key, "arrays": listed, "crc": _crc(listed, body)}).encode()
    # (JSON may end in spaces: padded so that the body starts aligned)
    header += b" " * (-(len(MAGIC) + _LENGTH + len(header)) % ALIGN)
    return MAGIC + len(header).to_bytes(_LENGTH, "little") + header + body


def _crc(listed, body) -> int:
    """The CRC-32 of the arrays' listing (names, dtypes, shapes) and their bytes."""
    return zlib.crc32(body, zlib.crc32(json.dumps(listed).encode()))


def _header(data) -> tuple[dict, int] | None:
    """(the header, where the arrays start), or None when data does not start as a file of ours."""
    start = len(MAGIC) + _LENGTH
    if bytes(data[:len(MAGIC)]) != MAGIC or len(data) < start:
        return None
    end = start + int.from_bytes(data[len(MAGIC):start], "little")
    try:
        header = json.loads(bytes(data[start:end]))
    except ValueError:  # (UnicodeDecodeError and JSONDecodeError are ValueErrors)
        return None
    return (header, end) if isinstance(header, dict) and len(data) >= end else None


def unpack(data: bytearray, key: str) -> dict[str, np.ndarray] | None:
    """The arrays of a file's bytes (views of `data`: a bytearray keeps them writable, as np.load's
    are), when it holds them for `key`; None when it holds another key's or does not add up."""
    found = _header(data)
    if found is None or found[0].get("key") != key:
        return None
    return _arrays(data, *found)


def _arrays(data: bytearray, header: dict, start: int) -> dict[str, np.ndarray] | None:
    """unpack() of a file whose header (beginning its arrays at `start`) was read, whatever its key."""
    if header.get("crc") != _crc(header.get("arrays"), memoryview(data)[start:]):
        return None
    out, at = {}, 0
    try:
        for name, dtype, shape in header["arrays"]:
            dtype, shape = np.dtype(dtype), tuple(int(n) for n in shape)
            count = math.prod(shape)  # (np.prod, for a few numbers, was a third of reading ahead 1 830 files)
            at += -at % ALIGN
            if dtype.kind not in KINDS or count < 0 or start + at + count * dtype.itemsize > len(data):
                return None
            out[str(name)] = np.frombuffer(data, dtype, count, start + at).reshape(shape)
            at += count * dtype.itemsize
    except (KeyError, TypeError, ValueError):
        return None
    return out


def write(path, key: str, arrays: dict[str, np.ndarray]) -> None:
    """The arrays stored at path under `key`, replacing the file whole. A cache that cannot be written
    costs the next run its speed, nothing else: no error."""
    try:
        replace_file(path, pack(key, arrays))
    except OSError:
        pass


def read(path, key: str) -> dict[str, np.ndarray] | None:
    """The arrays stored at path for this key; None when there are none, for another key, or damaged."""
    data = _bytes(path)
    return unpack(data, key) if data is not None else None


def read_any(path) -> tuple[str, dict[str, np.ndarray]] | None:
    """(the key, the arrays) of a stored file, whatever key it holds; None when there is none or it
    is damaged."""
    data = _bytes(path)
    found = _header(data) if data is not None else None
    arrays = _arrays(data, *found) if found is not None else None
    return (found[0].get("key"), arrays) if arrays is not None else None


def _bytes(path) -> bytearray | None:
    try:
        with open(path, "rb") as f:
            data = bytearray(os.fstat(f.fileno()).st_size)
            if f.readinto(data) != len(data):
                return None
    except OSError:
        return None
    return data


class ReadAhead:
    """Files read and checked before they are asked for, whatever key they hold; read() as the
    module's read() gives them (same story's process reads its stored days while the build gathers
    the site: ~0.35 s of an edit at 100 000 articles, after it). A file asked for that was not read
    ahead is read then."""

    def __init__(self, paths):
        self._found: dict[str, tuple[str, dict]] = {}
        for path in paths:
            found = read_any(path)
            if found is not None:
                self._found[os.fspath(path)] = found

    def read(self, path, key: str) -> dict[str, np.ndarray] | None:
        found = self._found.pop(os.fspath(path), None)
        if found is None:
            return read(path, key)
        return found[1] if found[0] == key else None


def key_of(path) -> str | None:
    """The key a stored file holds its arrays for (its header alone read), None when unreadable."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(MAGIC) + _LENGTH)
            if len(head) < len(MAGIC) + _LENGTH:
                return None
            found = _header(head + f.read(int.from_bytes(head[len(MAGIC):], "little")))
    except OSError:
        return None
    return found[0].get("key") if found is not None else None
