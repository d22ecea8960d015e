"""packed.py: same story's stored arrays come back as they were, for their key only, and a damaged
file is None, never an error."""
import json
import random

import numpy as np

from newsarchive.builder import packed


def _arrays():
    rng = np.random.default_rng(7)
    return {
        "ids": np.array([b"0123456789abcdef", b"fedcba9876543210", b"x"], dtype="S16"),
        "background": rng.random(5).astype(np.float32),
        "pair_of": np.array([0, 0, 3, 4], dtype=np.int32),
        "sig_key": np.array([2 ** 40, -1, 7], dtype=np.int64),
        "grid": rng.random((3, 4)),
        "flags": np.array([True, False, True]),
        "empty": np.zeros(0, np.int32),
    }


def test_arrays_come_back_as_they_were_and_stay_writable(tmp_path):
    path = tmp_path / "day.arrays"
    path.write_bytes(packed.pack("key-1", _arrays()))
    back = packed.read(path, "key-1")
    assert list(back) == list(_arrays())
    for name, array in _arrays().items():
        assert back[name].dtype == array.dtype and back[name].shape == array.shape
        assert np.array_equal(back[name], array), name
    back["background"][0] = 5.0  # (np.load's arrays are writable: so are these)
    assert packed.key_of(path) == "key-1"


def test_every_array_starts_aligned():
    data = packed.pack("k", {"odd": np.array([b"abc"], dtype="S3"), "wide": np.arange(3, dtype=np.float64)})
    back = packed.unpack(bytearray(data), "k")
    offset = back["wide"].ctypes.data - back["odd"].ctypes.data
    assert offset % packed.ALIGN == 0 and back["wide"].flags.aligned


def test_another_key_or_no_file_is_none(tmp_path):
    path = tmp_path / "day.arrays"
    path.write_bytes(packed.pack("key-1", _arrays()))
    assert packed.read(path, "key-2") is None
    assert packed.read(tmp_path / "missing.arrays", "key-1") is None
    assert packed.key_of(tmp_path / "missing.arrays") is None
    assert packed.read(tmp_path, "key-1") is None  # (a folder where the file was)


def _header_swapped(data: bytes, header: dict) -> bytes:
    start = len(packed.MAGIC) + 4
    end = start + int.from_bytes(data[len(packed.MAGIC):start], "little")
    text = json.dumps(header).encode()
    return packed.MAGIC + len(text).to_bytes(4, "little") + text + data[end:]


def test_a_header_asking_for_what_is_not_there_is_damaged():
    data = packed.pack("k", {"a": np.arange(4, dtype=np.int32)})
    for arrays in ([["a", "|O", [4]]],           # objects: unpickling would run code
                   [["a", "<i4", [400]]],        # more than the file holds
                   [["a", "<i4", [-1, -4]]],     # a shape that is no count
                   [["a", "V8", [1]]],           # a structured (void) dtype
                   [["a", "no such type", [4]]],
                   [["a", "<i4"]], "not a list", [7]):
        assert packed.unpack(bytearray(_header_swapped(data, {"key": "k", "arrays": arrays})), "k") is None, arrays
    assert packed.unpack(bytearray(_header_swapped(data, ["k"])), "k") is None


def test_any_truncation_or_changed_byte_is_damaged_never_an_error():
    data = packed.pack("key", _arrays())
    for cut in range(len(data)):
        assert packed.unpack(bytearray(data[:cut]), "key") is None
    rng = random.Random(3)
    for _ in range(2000):
        spoiled, at = bytearray(data), rng.randrange(len(data))
        spoiled[at] = (spoiled[at] + rng.randrange(1, 256)) % 256
        found = packed.unpack(spoiled, "key")
        # (a changed space of the header's padding, or a header that is still the same JSON, may read as before)
        assert found is None or all(np.array_equal(found[n], a) for n, a in _arrays().items()), at
