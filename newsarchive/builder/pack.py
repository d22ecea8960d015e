"""`pack`: the built site as one zip for offline reading. Links are relative, so the unzipped folder
works from disk; search's index is classic scripts, which file:// allows, and the zip adds the texts
its excerpts are cut from there (`extra`: kept in the cache, not deployed - see builder/search)."""
from __future__ import annotations

import zipfile
from pathlib import Path

# Folder name inside the zip: unzipping gives one folder, not a spill of files.
FOLDER = "news-archive"
# A fixed timestamp for every entry: the same site gives the same zip, byte for byte.
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def pack(site: Path, output: Path, extra: list[tuple[str, Path]] = ()) -> Path:
    tmp = output.with_name(output.name + ".part")
    if not output.parent.is_dir():  # named as the user named it, not by its temporary name
        raise FileNotFoundError(2, "no such folder to write the zip in", str(output))
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        files = [(p.relative_to(site).as_posix(), p) for p in site.rglob("*") if p.is_file()]
        for name, path in sorted(files + list(extra)):
            info = zipfile.ZipInfo(f"{FOLDER}/{name}", FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    tmp.replace(output)
    return output
