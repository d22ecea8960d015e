"""Same story's weighed vectors kept between builds, one file a day: an article's TF-IDF vector
depends on its own text and the table only (terms.Table.weigh works row by row), so a build that
compares a day's neighbourhood again weighs the articles it has no vector for - an edit's own
article, a day's new files - not the ~4 500 articles around them, whose ledes were read from their
page files and counted again (~2 s of the comparing process after one title edited at 100 000
articles).

    related/<language>/v<day>-<key>.arrays   packed.py: ids (S16, sorted), indptr, indices, data

`day` is the article's bucket name (windows.buckets: its UTC day, or UNDATED), `key` a hash of the
table's key (which names the code and the table's articles): a new table makes every vector anew,
and a file under another key is left for windows' clean-up. A row is the vector weigh() gave,
copied as it is (float32 values, columns in order), so the comparison reads the same numbers as
when it weighs them itself: the answers are a clean build's to the bit.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from . import packed

# A file's name: PREFIX and the day, then the start of the key (packed.file_name).
PREFIX = "v"


def key_of(table_key: str) -> str:
    """What the kept vectors hold for: the table (its key names the code and the base's articles)."""
    return hashlib.sha256(f"vectors\0{table_key}".encode()).hexdigest()


def file_name(day: str, key: str) -> str:
    return packed.file_name(f"{PREFIX}{day}", key)


class Kept:
    """The kept vectors of some articles (`ids`, each of the day `days` names) in `folder` (None:
    nothing kept), for a table of `width` terms; none read unless `read` (a new table's)."""

    def __init__(self, folder: Path | None, key: str, ids: np.ndarray, days: list[str], width: int,
                 read: bool = True):
        self.folder, self.key, self.ids, self.width = folder, key, ids, width
        self.of_day: dict[str, np.ndarray] = {}  # day -> its articles (places in ids)
        for n, day in enumerate(days):
            self.of_day.setdefault(day, []).append(n)
        self.of_day = {day: np.array(places, np.int64) for day, places in self.of_day.items()}
        self._files: dict[str, tuple] = {}  # day -> its kept rows (CSR) and their ids (sorted)
        self.rows = np.full(len(ids), -1, np.int64)  # each article's row in its day's file (-1: none)
        for day, places in self.of_day.items() if folder is not None and read else ():
            found = self._read(day)
            if found is not None:
                self._files[day] = found
                at = np.searchsorted(found[1], ids[places]).clip(0, max(len(found[1]) - 1, 0))
                hit = found[1][at] == ids[places] if len(found[1]) else np.zeros(len(places), bool)
                self.rows[places[hit]] = at[hit]

    def _read(self, day: str) -> tuple | None:
        from scipy.sparse import csr_matrix

        saved = packed.read(self.folder / file_name(day, self.key), self.key)
        try:
            if saved is not None and len(saved["indptr"]) == len(saved["ids"]) + 1:
                return csr_matrix((saved["data"], saved["indices"], saved["indptr"]),
                                  shape=(len(saved["ids"]), self.width)), saved["ids"]
        except (KeyError, ValueError, TypeError):  # (not as _write() writes it: nothing kept that day)
            pass
        return None

    def missing(self) -> np.ndarray:
        """The articles (places in ids) with no kept vector: to be weighed."""
        return np.flatnonzero(self.rows < 0)

    def merged(self, fresh):
        """Every article's vector, in the order of ids: the kept ones, and `fresh` (CSR) for the
        missing() ones, in that order."""
        from scipy.sparse import vstack

        missing = self.missing()
        if len(missing) == len(self.ids):
            return fresh
        parts, order, at = [], np.empty(len(self.ids), np.int64), 0
        for day, (matrix, _) in self._files.items():
            places = self.of_day[day]
            places = places[self.rows[places] >= 0]
            parts.append(matrix[self.rows[places]])
            order[places] = np.arange(at, at + len(places))
            at += len(places)
        parts.append(fresh)
        order[missing] = np.arange(at, at + len(missing))
        return vstack(parts, format="csr")[order]

    def save(self, vectors, every_id: np.ndarray, every_day: list[str]) -> None:
        """The days that gained a vector (`vectors`, in the order of ids) written again, with the rows
        kept for that day's other articles still there (`every_id`, `every_day`: all the language's
        articles now and their days)."""
        from scipy.sparse import vstack

        gained = {day for day, places in self.of_day.items() if (self.rows[places] < 0).any()}
        if self.folder is None or not gained:
            return
        present: dict[str, set] = {}
        if gained & self._files.keys():
            for one, day in zip(every_id.tolist(), every_day):
                present.setdefault(day, set()).add(one)
        for day in gained:
            places = self.of_day[day]
            rows, ids = [vectors[places]], [self.ids[places]]
            kept = self._files.get(day)
            if kept is not None:  # (the rows of this day's articles not asked for now)
                asked = set(ids[0].tolist())
                others = [r for r, one in enumerate(kept[1].tolist()) if one not in asked and one in present[day]]
                rows.append(kept[0][others])
                ids.append(kept[1][others])
            _write(self.folder / file_name(day, self.key), self.key, vstack(rows, format="csr"), np.concatenate(ids))


def _write(path: Path, key: str, matrix, ids: np.ndarray) -> None:
    """A day's rows, sorted by id."""
    order = np.argsort(ids, kind="stable")
    matrix = matrix[order]
    packed.write(path, key, {"ids": ids[order], "indptr": matrix.indptr.astype(np.int64),
                             "indices": matrix.indices, "data": matrix.data})
