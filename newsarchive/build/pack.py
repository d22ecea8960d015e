"""`pack`: the built site as one zip for offline reading. Links are relative, so the unzipped folder
works from disk; search uses the script-tag index, which file:// allows."""
from __future__ import annotations

import zipfile
from pathlib import Path

# Folder name inside the zip: unzipping gives one folder, not a spill of files.
FOLDER = "news-archive"
# A fixed timestamp for every entry: the same site gives the same zip, byte for byte.
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def pack(site: Path, output: Path) -> Path:
    tmp = output.with_name(output.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{FOLDER}/{path.relative_to(site).as_posix()}", FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    tmp.replace(output)
    return output
