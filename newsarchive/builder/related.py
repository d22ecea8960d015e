"""Same story, other outlets - and related coverage at other times - found by text similarity.

Texts are folded to one script (so Traditional and Simplified reports meet), turned into
CJK character bigrams and Latin words, weighted by TF-IDF (numpy, scipy.sparse) and compared by
cosine. Same story means the same event: only articles within WINDOW_DAYS of each other are
compared (the work grows with the archive times the window, not its square). A pair is the same
story when its similarity is at least MIN_SIMILARITY (SAME_OUTLET_SIMILARITY for two reports of one
outlet) *and* stands out CONTRAST times above what each article shares with its ordinary neighbours
of that time (its BACKGROUND_RANK-th most similar article in its window): articles on one beat all
share vocabulary, same-event reports share much more than that.

Related coverage - the same people or topic at any time (a later video call of the same two
diplomats) - is a second, shorter list: articles sharing an article's rarest weighty terms,
scored through an inverted index of those terms (see _coverage).
"""
from __future__ import annotations

import bisect
import hashlib
import os
import multiprocessing
import threading
from collections.abc import Mapping
from itertools import chain, count, repeat
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .. import forked
from ..cache import CacheStore
from . import packed, terms, vectors, windows
from .distinct import distinct
from .links import Links
from .collect import Entry, digest_of, instant, path_of
from .state import BuildState

# Cosine similarity below which two articles are never the same story ...
MIN_SIMILARITY = 0.3
# ... and below which two articles of one outlet are not: an outlet's reports share its house
# phrases and beat, so its follow-ups on other events come close (labelled pairs, bench/same_story.py).
SAME_OUTLET_SIMILARITY = 0.5
# In a group of fewer than terms.MIN_DF_FROM articles the weights know little of what is common (a
# term in every one of five articles still weighs half a rare one's), so similarities run low: the
# threshold there, between what the seed archive measures for its four reports of one lunch (0.149-0.23)
# and for the later video call (0.10-0.13). (windows.CANDIDATE_FLOOR keeps every pair above it.)
SMALL_GROUP_SIMILARITY = windows.CANDIDATE_FLOOR
# How far above an article's background a same-story neighbour must stand.
CONTRAST = 2.0
# At most this many same-story links on one page.
MAX_SAME = 8
# Same story: articles more than this many days apart are never compared (an event's reports come
# within days; `same_story_days` in newsarchive.toml changes it).
WINDOW_DAYS = 3
# Related coverage: at most this many links on one page, each sharing at least MIN_SHARED_TERMS of
# the article's signature terms (windows.SIGNATURE_TERMS), for a score (the sum of the shared terms'
# weight products, of unit-length TF-IDF vectors) of at least MIN_COVERAGE.
MAX_COVERAGE = 5
MIN_SHARED_TERMS = 3
MIN_COVERAGE = 0.02
# From this many articles to compare, the comparison runs in a process of its own, beside rendering.
BACKGROUND_FROM = 200
# Signature rows scored at once (memory: rows x their partners).
COVERAGE_ROWS = 2048
# What the comparison depends on besides the articles: this code (its thresholds included), its words,
# the lede's length (defined beside the parsed Body that carries a lede).
_SOURCE = "".join(Path(m.__file__).read_text(encoding="utf-8") for m in (terms, windows)) \
    + Path(__file__).read_text(encoding="utf-8") + terms.FUNCTION_WORDS + f"\0{windows.LEDE_CHARS}"


def same_story(entries: tuple[Entry, ...], store: CacheStore | None = None, stale_ok: bool = False,
               state: BuildState | None = None, window_days: int = WINDOW_DAYS,
               comparer: "Comparer | None" = None) -> "SameStory":
    """For each article path, its Links: the other articles that report the same event (most similar
    first) and its related coverage.

    Articles are compared within their language (Chinese in either script is one language):
    lexical similarity cannot see one story told in two languages, and a lone English page
    among Chinese ones would otherwise have no background to stand out from.
    With a store, a language whose articles are all unchanged (same content pages, same
    code, same window) reuses the last answer: a layout edit does not redo the comparison. With
    stale_ok (serve's quick pass), the last answer is used even if articles changed since.

    The answer is a mapping that may still be in the making: a large comparison runs in a process of
    its own while the build renders the pages that do not show same-story links - `comparer`'s, when
    the build started one (it is closed when there is no such comparison to hand it).
    """
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.lang.split("-")[0], []).append(e)
    known: dict[str, Links] = {}
    # (named with or without a store: by None without one, each language took the last one's place)
    todo: dict[str, tuple[Entry, ...]] = {}
    state = state or BuildState()
    for language, members in sorted(groups.items()):
        name = answer_name(language)
        saved = _load(store, name, tuple(members), window_days, stale_ok, state) if store is not None else None
        if saved is None:
            todo[name] = tuple(members)
        else:
            known.update(saved)
    return SameStory(known, todo, store, window_days, groups={answer_name(language): tuple(members)
                                                              for language, members in groups.items()},
                     comparer=comparer)


class SameStory(Mapping):
    """Article path -> its Links (articles with none are left out). Comparisons still to do run in a
    process of their own (a Comparer: spawned, or forked before the site was read) when they are
    large (BACKGROUND_FROM articles); the first lookup waits for them."""

    def __init__(self, known: dict[str, Links], todo: dict[str, tuple[Entry, ...]],
                 store: CacheStore | None, window_days: int = WINDOW_DAYS, groups: dict | None = None,
                 comparer: "Comparer | None" = None):
        self._known, self._todo, self._store, self._window = known, todo, store, window_days
        self._groups = groups or {}  # stored answer's name -> its language's members, every language
        self._positions: dict[str, list] = {}  # the same for the languages compared: _as_positions, as lists
        self._where: dict[str, tuple[str, int]] = {}  # article path -> its language and row in those positions
        self._job = None
        self._stored_ok = True  # (False when the comparing process ended before it stored its answer)
        if sum(map(len, todo.values())) >= BACKGROUND_FROM and forked.cores() > 1:
            # Handed its sheets (pickled): all it needs, in a process spawned or forked before this
            # one read the site (Comparer). A child forked here copied the pages of this process it
            # read (1.9-2.0 GB at the peak of a build at 100 000 articles) - and even one handed only
            # the sheets copied 0.5 GB: its own allocations landed in this process's half-used heap
            # pages.
            sheets = {name: _sheet(members, window_days, store, name, read=False) for name, members in todo.items()}
            self._job = (comparer or Comparer()).hand(sheets, store)
        elif comparer is not None:
            comparer.close()

    def _answer(self) -> None:
        """The comparison finished (waited for), its answer kept as positions (see _as_positions):
        Links are made when a page asks for them (making all of them was ~0.8 s at 100 000 articles,
        after the wait, on an edit whose pages but a few were kept)."""
        if self._todo:
            self._finish()
            self._todo = {}

    def answered(self) -> bool:
        """Whether a lookup would not wait for the comparing process: none runs, or it has sent its
        answer. (A comparison made here, in this process, counts as answered: nothing to wait for.)"""
        return not self._todo or self._job is None or self._job[1].poll()

    def _finish(self) -> None:
        paths = None
        if self._job is not None:
            child, receive = self._job
            try:
                paths = receive.recv()
            except (EOFError, OSError):  # the child died: compare here (as when it sends None, see
                paths = None             # _compare_in_child)
            if paths is None:
                child.join()
                self._job = None
        if paths is None:
            paths = _compare_all({name: _sheet(members, self._window, self._store, name)
                                  for name, members in self._todo.items()}, self._store)
        for cache, members in self._todo.items():
            positions = self._positions[cache] = [a.tolist() for a in paths[cache]]
            self._where.update(zip(map(path_of, map(members.__getitem__, positions[0])),
                                   zip(repeat(cache), count())))

    def _links(self, path: str) -> Links:
        cache, k = self._where[path]
        return _links_at(self._positions[cache], k, self._groups[cache])

    def _stored(self) -> bool:
        """Waits for the comparing process to store what it sent (or end): whether it did."""
        if self._job is None:
            return self._stored_ok
        child, receive = self._job
        try:
            done = receive.recv() == STORED
        except (EOFError, OSError):
            done = False
        child.join()
        receive.close()
        self._job = None
        self._stored_ok = done
        return done

    def record(self, last: dict | None = None, stored: bool = True) -> dict[str, dict]:
        """What the next build compares its answer with (shape.py): each language's stored answer
        file as it is now (size, time, inode) and its answer as positions in its members - those
        compared now, or the last build's where the file is the one it recorded. A language compared
        in a process of its own has its file looked at once that process has stored it (None, unless
        `stored`: changed_since does not look at it); one that process did not store has none."""
        self._answer()
        out = {}
        for name in self._groups:
            if name in self._positions and not (stored and self._stored()):
                stat = None
            else:
                stat = _signature(self._store.path(name)) if self._store is not None else None
            before = (last or {}).get(name) or {}
            positions = self._positions.get(name)
            if positions is None and stat is not None and before.get("stat") == stat:
                positions = before.get("positions")
            out[name] = {"stat": stat, "positions": positions}
        return out

    def changed_since(self, last: dict, edited: frozenset[str], added: frozenset[str] = frozenset()) -> set[str]:
        """The article paths whose links may differ from the last build's (`last`: its record()):
        every member of a language whose answer cannot be compared, those whose lists of places
        differ, and those that link an edited article (only a language compared now has one: the
        others' articles are all as they were). `added`: articles the last build did not have (the
        site grew, shape.Growth): the recorded places are those of the other members."""
        now = self.record(last, stored=False)
        out: set[str] = set()
        for name, members in self._groups.items():
            before, after = last.get(name) or {}, now[name]
            if after["stat"] is not None and before.get("stat") == after["stat"] and name not in self._positions:
                continue  # the very file the last build used
            places = [n for n, e in enumerate(members) if e.path not in added] if added else range(len(members))
            if not _comparable(before.get("positions"), len(places)) or after["positions"] is None:
                out.update(e.path for e in members)
            else:
                was = before["positions"] if not added else _moved(before["positions"], places)
                out.update(members[r].path for r in _differing(was, after["positions"]))
        for name, positions in self._positions.items():
            members = self._groups[name]
            out.update(members[r].path for r in _linking_any(positions, {n for n, e in enumerate(members)
                                                                          if e.path in edited}))
        return out

    def close(self) -> None:
        """Stop a comparison still running (the build failed before it needed the answer), or wait for
        the comparing process to store the answer it sent."""
        if self._job is not None and not self._todo:
            self._stored()
        if self._job is not None:
            child, receive = self._job
            child.kill()
            child.join()
            receive.close()
            self._job = None

    def __getitem__(self, path: str) -> Links:
        self._answer()
        return self._known[path] if path in self._known else self._links(path)

    def __iter__(self):
        self._answer()
        return chain(self._known, self._where)

    def __len__(self) -> int:
        self._answer()
        return len(self._known) + len(self._where)


class Sheet(NamedTuple):
    """One language's articles as the comparison reads them, made in the process that gathered the
    site: arrays and a few strings (the ledes joined by COUNT_CHUNK; or, for articles whose bodies
    were not read, their titles and bodies to read there: windows.Unread), quick to hand to the
    process that compares them (see SameStory)."""

    order: np.ndarray      # the group's members in time order (their places in the group)
    outlets: np.ndarray    # each one's outlet, as a number (time order)
    paths: str             # their paths, joined by NUL (time order): the stored answer names them
    key: str | None        # what the answer is stored under (None: not stored)
    folder: str | None     # the first stage's folder in the store
    first: windows.Plan    # the first stage


def _sheet(members: tuple[Entry, ...], window_days: float | None, store: CacheStore | None, name: str | None,
           read: bool = True) -> Sheet:
    """The Sheet of one language's members; `name`: its stored answer's (None: nothing stored).
    `read`: the first stage's stored answers read now (see windows.plan)."""
    order, times = _in_time_order(members)
    ordered = [members[i] for i in order.tolist()]
    outlet_of: dict[str, int] = {}
    outlets = np.array([outlet_of.setdefault(e.outlet, len(outlet_of)) for e in ordered], dtype=np.int32)
    folder = name.removesuffix(_ANSWER_SUFFIX) if name is not None and store is not None else None
    return Sheet(order.astype(np.int32), outlets, "\0".join(e.path for e in ordered),
                 _key(members, window_days) if folder is not None else None, folder,
                 windows.plan(ordered, times, window_days, _SOURCE, store if folder else None, folder, read))


def _compare_all(sheets: dict[str, Sheet], store: CacheStore | None, answered=None,
                 files=packed) -> dict[str, tuple[np.ndarray, ...]]:
    """Each language's answer as positions (see _as_positions), stored under its name (_stored_answer; its
    per-day first stage kept in the store beside it) by whichever process compared it. `answered`:
    called with the answer before it is stored (the comparing process's pipe: storing every article's
    links was ~0.5 s of an edit at 100 000 articles, while the build waited)."""
    found, linked = {}, []
    for cache, sheet in sheets.items():
        answer = _in_places(*_linked(sheet, store, files))
        found[cache] = _as_positions(sheet, answer)
        linked.append((cache, sheet, answer))
    if answered is not None:
        answered(found)
    for cache, sheet, answer in linked:
        if sheet.key is not None:
            packed.write(store.path(cache), sheet.key, _stored_answer(sheet, answer))
            store.forget(f"{cache.removesuffix(_ANSWER_SUFFIX)}.json")  # (what versions before stored: JSON)
    return found


def may_fork() -> bool:
    """Whether same story's process may be forked from this one: no other thread runs (serve's own
    passes run beside its server: a fork copies the calling thread alone, and the child runs much
    code). Else it is spawned."""
    return threading.active_count() == 1


class Comparer:
    """A process to compare in, started before the build gathers the site: starting one and importing
    the comparison's code there was ~1 s of an edit at 100 000 articles between gathering and
    comparing, on the way to the article pages; started first, it is done while this process reads
    the pages; so are the stored days of the answers in the store it is told to read_ahead() from,
    read while it waits. hand() it the sheets, or close() it.

    Spawned (see SameStory) - or forked (`fork`) by a process that has imported the comparison's code and
    holds little else yet (builder.build, before it reads the last build's rows): the child then
    starts with that code (its imports, ~0.4 CPU-s of a spawned one, on the core the build shares
    with the walks aside) and copies little, as it allocates little among this process's pages. A
    forked child holds every pipe end this process has open when it is made: none whose end another
    process waits for may be open then (the walks aside wait for none), and it closes this Comparer's own."""

    def __init__(self, store: CacheStore | None = None, fork: bool = False):
        """`store`: read_ahead() at once."""
        context = multiprocessing.get_context("fork" if fork else "spawn")
        tasks, self._tasks = context.Pipe(duplex=False)
        self._receive, send = context.Pipe(duplex=False)
        # (a forked child holds this process's ends too: it closes them, or its tasks never end)
        theirs = (self._tasks, self._receive) if fork else ()
        self._child = context.Process(target=_compare_in_child, args=(tasks, send, os.getpid(), theirs), daemon=True)
        self._child.start()
        tasks.close()
        send.close()
        if store is not None:
            self.read_ahead(store)

    def read_ahead(self, store: CacheStore) -> None:
        """The child starts reading the stored days of the answers in `store` (not needed: it reads
        what it needs when handed its sheets)."""
        self._send(_ReadAhead(store))

    def hand(self, sheets: dict[str, "Sheet"], store: CacheStore | None) -> tuple:
        """(the child, the end its answer comes from): SameStory's job."""
        self._send((sheets, store))
        self._tasks.close()
        return self._child, self._receive

    def _send(self, task) -> None:
        try:
            self._tasks.send(task)
        except OSError:  # the child is gone: its answer's end says so (SameStory._finish compares here)
            pass

    def close(self) -> None:
        """The child ends (it was handed nothing: no comparison, or a build that failed first). It is
        told so (NOTHING), not left to find its tasks' pipe closed: a process forked from this one
        since (the bodies' or article pages' workers, parallel.py) holds that pipe's end open too."""
        if not self._tasks.closed:
            self._send(NOTHING)
            self._tasks.close()
            self._receive.close()
            self._child.join()


class _ReadAhead(NamedTuple):
    """A comparing process's first task, when it has one: the store whose stored days it reads."""

    store: CacheStore


# A comparing process's last task when it is handed no sheets: it ends.
NOTHING = None


def _compare_in_child(tasks, send, parent: int, theirs: tuple = ()) -> None:
    forked.die_with_parent(parent)
    for end in theirs:
        end.close()
    files = packed
    try:
        task = tasks.recv()
        # The comparison's sparse products, imported while this process waits for its sheets (the
        # build is reading the pages): imported where first used, it was ~0.3 CPU-s (scipy imports
        # numpy.f2py, among others) of a cold build at 10 000 articles on the way to the article
        # pages, which wait for same story's answer. Imported once told to read ahead, not when
        # forked: a build that keeps the last site forks this process first, and the import took
        # the other core from the walk of content/ that everything else waits for. (Told NOTHING -
        # a build with nothing to do - it ends at once.)
        if task is not NOTHING:
            import scipy.sparse  # noqa: F401
        if isinstance(task, _ReadAhead):
            files = _read_ahead(task.store)
            task = tasks.recv()
    except EOFError:  # closed: nothing to compare (a build that stopped before telling it NOTHING)
        return
    if task is NOTHING:
        return
    sheets, store = task
    try:
        _compare_all(sheets, store, answered=send.send, files=files)
    except windows.Damaged:  # a stored file its plan saw is gone or damaged: the build compares again itself
        send.send(None)
        return
    send.send(STORED)  # (then the stored answers' files may be looked at: SameStory.record)
    send.close()


def _read_ahead(store: CacheStore) -> packed.ReadAhead:
    """Every language's stored days, table and kept answer, read while the build gathers the site
    (not the kept vectors: an edit reads a few days' of them)."""
    paths = []
    try:
        for folder in store.path(FOLDER).iterdir():
            if folder.is_dir() and not folder.is_symlink():
                paths += [p for p in folder.iterdir() if p.name.endswith(f".{windows.SUFFIX}")
                          and not p.name.startswith(vectors.PREFIX)]
    except OSError:  # (nothing stored yet, or not to be listed: each file is read when asked for)
        pass
    return packed.ReadAhead(paths)


# What the comparing process sends once it has stored the answer it sent.
STORED = "stored"


# An answer's arrays (_in_places), in this order: the linking articles' places, then each list as
# offsets and places.
_ANSWER_ARRAYS = ("rows", "same_at", "same", "cover_at", "cover")


def _flat(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Lists of places as (offsets, places): one list after another."""
    return np.cumsum([0, *map(len, lists)], dtype=np.int64), np.array([j for one in lists for j in one], dtype=np.int64)


class _Lists(NamedTuple):
    """A list of places for each of n articles, one after another: article k's are places[at[k]:at[k + 1]].
    (The second stage's lists as Python lists - 100 000 of them made, moved, sliced and flattened
    again for the pipe and the store - were ~0.3 s of an edit's comparison at 100 000 articles.)"""

    at: np.ndarray      # int64, n + 1 offsets
    places: np.ndarray  # int64

    @classmethod
    def of(cls, lists: list[list[int]]) -> "_Lists":
        return cls(*_flat(lists))

    @classmethod
    def empty(cls, n: int) -> "_Lists":
        return cls(np.zeros(n + 1, np.int64), np.zeros(0, np.int64))

    def sizes(self) -> np.ndarray:
        return np.diff(self.at)

    def row(self, k: int) -> list[int]:
        return self.places[self.at[k]:self.at[k + 1]].tolist()

    def as_lists(self) -> list[list[int]]:
        places, at = self.places.tolist(), self.at.tolist()
        return [places[at[k]:at[k + 1]] for k in range(len(at) - 1)]

    def head(self, most: int) -> "_Lists":
        """Each list's first `most`."""
        sizes = self.sizes()
        rank = np.arange(len(self.places)) - np.repeat(self.at[:-1], sizes)
        return _Lists(_offsets(np.minimum(sizes, most)), self.places[rank < most])

    def of_rows(self, rows: np.ndarray) -> "_Lists":
        """The lists of these articles, in this order."""
        return _Lists(_offsets(self.sizes()[rows]), self.places[_spots(self.at, rows)])


def _offsets(sizes: np.ndarray) -> np.ndarray:
    """Where each of lists of these sizes starts, one after another, and where the last ends."""
    return np.concatenate([np.zeros(1, np.int64), np.cumsum(sizes, dtype=np.int64)])


def _spots(at: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Where the places of these articles' lists lie, list after list (lists laid out by `at`)."""
    sizes = at[rows + 1] - at[rows]
    return np.repeat(at[rows] - _offsets(sizes)[:-1], sizes) + np.arange(int(sizes.sum()), dtype=np.int64)


def _in_places(same: _Lists, coverage: _Lists) -> tuple[np.ndarray, ...]:
    """The answer as arrays of places in time order (_ANSWER_ARRAYS): what is stored, and what the
    pipe carries once turned into places in the group (_as_positions)."""
    linking = np.flatnonzero((same.sizes() > 0) | (coverage.sizes() > 0)).astype(np.int64)
    return (linking, *same.of_rows(linking), *coverage.of_rows(linking))


def _stored_answer(sheet: Sheet, answer: tuple[np.ndarray, ...]) -> dict[str, np.ndarray]:
    """The stored form (_as_entries reads it): the articles' paths in time order (joined by NUL, as
    UTF-8) and the answer's arrays (_in_places). (Stored as JSON, path -> lists of paths, it was 45 MB
    at 100 000 articles: ~0.3 s of the comparing process to make and write at every edit, ~0.3 s to
    decode where a layout edit or serve reads it back.)"""
    return {"paths": np.frombuffer(sheet.paths.encode("utf-8", "surrogatepass"), dtype=np.uint8),
            **dict(zip(_ANSWER_ARRAYS, answer))}


def _as_positions(sheet: Sheet, answer: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """The answer (_in_places) as numbers for the pipe from the comparing process: the places turned
    into places in the group (unpickling 100 000 articles' lists of paths was ~3 s of the main
    process, and turning paths back into entries ~2 s more)."""
    rows, same_at, same, cover_at, cover = answer
    return sheet.order[rows], same_at, sheet.order[same], cover_at, sheet.order[cover]


def _from_positions(found: tuple[np.ndarray, ...], entries: tuple[Entry, ...]) -> dict[str, Links]:
    """_as_positions's answer as Links again."""
    positions = [a.tolist() for a in found]
    return {entries[r].path: _links_at(positions, k, entries) for k, r in enumerate(positions[0])}


def _links_at(positions: list, k: int, entries: tuple[Entry, ...]) -> Links:
    """The Links of the k-th linking article of _as_positions's answer (as lists)."""
    _rows, same_at, same, cover_at, cover = positions
    return Links(tuple(entries[j] for j in same[same_at[k]:same_at[k + 1]]),
                 tuple(entries[j] for j in cover[cover_at[k]:cover_at[k + 1]]))


def _lists(positions: list) -> dict[int, tuple]:
    """_as_positions's lists (as record() keeps them): member place -> (same-story places, coverage places)."""
    rows, same_at, same, cover_at, cover = positions
    return {r: (tuple(same[same_at[k]:same_at[k + 1]]), tuple(cover[cover_at[k]:cover_at[k + 1]]))
            for k, r in enumerate(rows)}


def _moved(positions: list, places: list[int]) -> list:
    """A recorded answer (as lists) with each place k of the last build's members as places[k] now."""
    rows, same_at, same, cover_at, cover = positions
    return [[places[r] for r in rows], same_at, [places[j] for j in same], cover_at, [places[j] for j in cover]]


def _comparable(positions: list | None, members: int) -> bool:
    """Whether a recorded answer (as lists) can be told from this one place by place: there is one,
    its places are places of the group, and its offsets run through its lists."""
    if positions is None:
        return False
    rows, same_at, same, cover_at, cover = positions
    return (all(n < members for part in (rows, same, cover) for n in part)
            and len(same_at) == len(cover_at) == len(rows) + 1 and same_at[-1] == len(same)
            and cover_at[-1] == len(cover) and same_at == sorted(same_at) and cover_at == sorted(cover_at))


def _linking_any(positions: list, places: set[int]) -> set[int]:
    """The member places whose lists (_as_positions's, as lists) hold one of `places`."""
    rows, same_at, same, cover_at, cover = positions
    out = set()
    for at, found in ((same_at, same), (cover_at, cover)):
        hits = [n for n, j in enumerate(found) if j in places]
        out.update(rows[bisect.bisect_right(at, n) - 1] for n in hits)
    return out


def _differing(before: list, after: list) -> set[int]:
    """The member places whose lists differ between two answers of one site shape. Compared as arrays
    when both list the same members in the same order (the usual case: a dict of each answer's lists
    was ~0.2 s of an edit at 100 000 articles), else list by list."""
    if before[0] != after[0]:
        old, new = _lists(before), _lists(after)
        return {r for r in old.keys() | new.keys() if old.get(r) != new.get(r)}
    apart = np.zeros(len(before[0]), dtype=bool)
    for at, found in ((1, 2), (3, 4)):
        apart |= _lists_apart(*(np.asarray(answer[part], dtype=np.int64)
                                for answer in (before, after) for part in (at, found)))
    return set(np.asarray(before[0], dtype=np.int64)[apart].tolist())


def _lists_apart(at_before: np.ndarray, before: np.ndarray, at_after: np.ndarray, after: np.ndarray) -> np.ndarray:
    """For each row k, whether its list (found[at[k]:at[k + 1]]) differs between the two answers: in
    length, or, of the same length, in a place."""
    size, size_after = np.diff(at_before), np.diff(at_after)
    apart = size != size_after
    rows = np.flatnonzero(~apart & (size > 0))
    sizes = size[rows]
    owner = np.repeat(np.arange(len(rows)), sizes)  # each compared place's row (among `rows`)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(sizes) - sizes, sizes)  # its place in its list
    differ = before[at_before[rows][owner] + step] != after[at_after[rows][owner] + step]
    apart[rows[distinct(owner[differ])]] = True
    return apart


def _signature(path: Path) -> list[int] | None:
    """A stored answer file's size, time and inode: a file written again is another file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _as_entries(saved: dict[str, np.ndarray], entries: tuple[Entry, ...]) -> dict[str, Links]:
    """A stored answer (_stored_answer) as Links of these entries: articles no longer among them are
    left out, and so are links to them."""
    by_path = {e.path: e for e in entries}
    at = [by_path.get(p) for p in bytes(saved["paths"]).decode("utf-8", "surrogatepass").split("\0")]
    rows, same_at, same, cover_at, cover = (saved[n].tolist() for n in _ANSWER_ARRAYS)
    out = {}
    for k, r in enumerate(rows):
        if at[r] is not None:
            out[at[r].path] = Links(
                tuple(e for e in map(at.__getitem__, same[same_at[k]:same_at[k + 1]]) if e is not None),
                tuple(e for e in map(at.__getitem__, cover[cover_at[k]:cover_at[k + 1]]) if e is not None))
    return out


def _key(entries: tuple[Entry, ...], window_days: int) -> str:
    key = hashlib.sha256(_SOURCE.encode())
    key.update(f"window {window_days}".encode())
    # (a digest stands for its page's place and text; each one after a NUL, joined in C: one by one,
    # ~0.1 s of a build at 100 000 articles)
    key.update("\0".join(["", *map(digest_of, entries)]).encode() if entries else b"")
    return key.hexdigest()


# The tenant's folder in the cache store: one file per language (answer_name), and a folder.
FOLDER = "related"
_ANSWER_SUFFIX = f".{packed.SUFFIX}"


def answer_name(language: str) -> str:
    """A language's stored answer in the cache store (packed arrays: see _stored_answer)."""
    return f"{FOLDER}/{language}{_ANSWER_SUFFIX}"


def _read(store: CacheStore, name: str, state: BuildState) -> tuple[str, dict] | None:
    """(key, answer) stored under name, parsed once per state of the file (serve's hot pass takes
    the last answer on every edit, and parsing it was a fifth of that pass)."""
    try:
        stat = store.path(name).stat()
    except OSError:
        return None
    known = state.related.get(name)
    if known is None or known[0] != (stat.st_mtime_ns, stat.st_size):
        known = ((stat.st_mtime_ns, stat.st_size), packed.read_any(store.path(name)))
        state.related[name] = known
    return known[1]


def preload(store: CacheStore, state: BuildState) -> None:
    """Read the stored answers now (serve, idle after a full build), so the next hot pass finds them read."""
    for path in sorted(store.path(FOLDER).glob(f"*{_ANSWER_SUFFIX}")):
        _read(store, f"{FOLDER}/{path.name}", state)


def _load(store: CacheStore, name: str, entries: tuple[Entry, ...], window_days: int, stale_ok: bool,
          state: BuildState) -> dict[str, Links] | None:
    key = None if stale_ok else _key(entries, window_days)
    if key is not None and packed.key_of(store.path(name)) != key:
        return None  # (not decoded to learn that: ~3 s at 100 000 articles, each time one changed)
    saved = _read(store, name, state)
    if saved is None or (key is not None and saved[0] != key):
        return None
    try:
        return _as_entries(saved[1], entries)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):  # a file damaged by hand: compare again
        return None


def _in_time_order(entries: tuple[Entry, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The entries' places by time (then path), undated last, and their times in seconds in that
    order (NaN: undated)."""
    times = np.array([instant(e.date) for e in entries], dtype=np.float64)
    times[np.isneginf(times)] = np.nan
    # A stable sort by time keeps each tie in the order given: by path when the entries come as the
    # site lists them (newest first, then by path), as same story's members do. Checked, and sorted by
    # (time, path) when they do not (sorting 100 000 keys of (time, path) was ~0.25 s of an edit).
    order = np.argsort(times, kind="stable")
    ordered = times[order]
    tied = np.flatnonzero((ordered[1:] == ordered[:-1]) | (np.isnan(ordered[1:]) & np.isnan(ordered[:-1])))
    if any(entries[a].path > entries[b].path for a, b in zip(order[tied].tolist(), order[tied + 1].tolist())):
        keys = [(np.isnan(t), 0.0 if np.isnan(t) else t, e.path) for t, e in zip(times.tolist(), entries)]
        order = np.array(sorted(range(len(entries)), key=keys.__getitem__), dtype=np.int64)
        ordered = times[order]
    return order, ordered


def _same_story(entries: tuple[Entry, ...], window_days: float | None = WINDOW_DAYS,
                store: CacheStore | None = None, folder: str | None = None) -> dict[str, Links]:
    """Same story and related coverage for one language's articles, compared in this process (the
    build's comparison, on a Sheet, without storing the answer); `folder`: where the first stage is
    kept in the store. `window_days=None` compares every pair (the reference the windowed
    comparison is tested against)."""
    if len(entries) < 2:
        return {}
    sheet = _sheet(entries, window_days, store, f"{folder}{_ANSWER_SUFFIX}" if folder else None)._replace(key=None)
    return _from_positions(_as_positions(sheet, _in_places(*_linked(sheet, store))), entries)


def _linked(sheet: Sheet, store: CacheStore | None, files=packed) -> tuple[_Lists, _Lists]:
    """(same story, related coverage) of each article (by place in time order): the first stage per
    day (windows.answers, from the store where nothing it depends on changed), then the second over
    the whole language - the picks from each article's candidates and both articles' backgrounds,
    and related coverage from the signatures."""
    n = len(sheet.order)
    if n < 2:
        return _Lists.empty(n), _Lists.empty(n)
    answers = windows.answers(sheet.first, store if sheet.folder else None, sheet.folder, files)
    places = _Places.of(sheet.first.ids)
    joined = _Joined.of(answers.values(), places)
    background = np.zeros(n)
    background[joined.rows] = joined.background
    same = _picks(sheet.outlets, joined, background)
    coverage = _coverage_kept(sheet, store if sheet.folder else None, _signature_matrix(joined, n), same, places, files)
    return same.head(MAX_SAME), coverage


class _Places(NamedTuple):
    """Article ids -> their places in the group, an array of them at a time (a dict looked up once
    for each candidate pair was ~0.3 s of an edit's comparison at 100 000 articles). An id held twice
    is at its last place, as a dict built in order would have it. Ids are compared as the numbers
    their hex spells when every id of the group is one (windows.article_id's): the same order, and
    searched ~10 times faster than 16-byte strings (~0.1 s of an edit's comparison at 100 000)."""

    ids: np.ndarray     # the group's ids (as _numbered gives them, when it can), sorted (stable)
    places: np.ndarray  # the place of each of them
    numbered: bool = False  # whether `ids` are _numbered's

    @classmethod
    def of(cls, ids: np.ndarray) -> "_Places":
        numbers, valid = _numbered(ids)
        numbered = bool(valid.all())
        keys = numbers if numbered else ids
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], order, numbered)

    def __call__(self, wanted: np.ndarray) -> np.ndarray:
        found = self.found(wanted)
        if np.any(found < 0):
            raise KeyError("an answer names an article not in its group")
        return found

    def found(self, wanted: np.ndarray) -> np.ndarray:
        """Each wanted id's place, -1 for one not in the group."""
        keys, valid = _numbered(wanted) if self.numbered else (wanted, np.ones(len(wanted), bool))
        if not len(self.ids):
            return np.full(len(wanted), -1, np.int64)
        at = np.maximum(np.searchsorted(self.ids, keys, side="right") - 1, 0)
        hit = valid & (self.ids[at] == keys)
        return np.where(hit, self.places[at], -1).astype(np.int64)


# Each ASCII byte's value as a hex digit (lower case, as hashlib spells one); 16 for any other byte.
_HEX = np.full(256, 16, np.uint8)
_HEX[np.frombuffer(b"0123456789abcdef", np.uint8)] = np.arange(16, dtype=np.uint8)


def _numbered(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each id, bytes, as the 64-bit number its 16 hex digits spell, whether it is one): distinct ids,
    distinct numbers, in the same order (a shorter or longer id, or one of other bytes, is not one: 0)."""
    ids = np.asarray(ids)
    if ids.dtype.kind != "S":
        return np.zeros(len(ids), np.uint64), np.zeros(len(ids), bool)
    longer = np.char.str_len(ids) > 16 if ids.dtype.itemsize > 16 else np.zeros(len(ids), bool)
    ids = np.ascontiguousarray(ids, dtype="S16")
    digits = ids.view(np.uint8).reshape(len(ids), 16)
    valid = (_HEX[digits] < 16).all(axis=1) & ~longer
    if not valid.all():
        ids = np.where(valid, ids, b"0" * 16)
    return np.frombuffer(bytes.fromhex(ids.tobytes().decode("ascii")), ">u8").astype(np.uint64), valid


def _picks(outlets: np.ndarray, joined: "_Joined", background: np.ndarray) -> _Lists:
    """Each article's same-story articles, most similar first: candidates at least `least` similar
    (SAME_OUTLET_SIMILARITY within one outlet) and CONTRAST times both articles' backgrounds."""
    least = MIN_SIMILARITY if len(outlets) >= terms.MIN_DF_FROM else SMALL_GROUP_SIMILARITY
    i, j, sim = joined.pair_of, joined.pair_to, joined.pair_sim
    bar = np.maximum(least, CONTRAST * np.maximum(background[i], background[j]))
    chosen = (sim >= bar) & ((sim >= SAME_OUTLET_SIMILARITY) | (outlets[i] != outlets[j]))
    return _grouped(i[chosen], j[chosen], len(outlets))


class _Joined(NamedTuple):
    """Every bucket's Near joined into one, its articles named by their places in the group: looked
    up once for all of them (a dict looked up for each of ~400 000 candidate pairs, in a loop over
    them, was ~0.3 s of an edit's comparison at 100 000 articles)."""

    rows: np.ndarray        # each bucket's articles, bucket after bucket
    background: np.ndarray  # ... their backgrounds
    pair_of: np.ndarray     # each candidate pair's article, in the order the buckets hold them
    pair_to: np.ndarray     # ... its neighbour
    pair_sim: np.ndarray    # ... their similarity (float64)
    sig_of: np.ndarray      # each signature term's article
    sig_key: np.ndarray     # ... the term
    sig_weight: np.ndarray  # ... its weight

    @classmethod
    def of(cls, nears, places: _Places) -> "_Joined":
        nears = list(nears)
        starts = np.cumsum([0, *(len(near.ids) for near in nears)]).tolist()
        rows = places(_join(nears, "ids", "S16"))
        at = np.concatenate([np.zeros(0, np.int64), *(near.pair_of.astype(np.int64) + start
                                                      for near, start in zip(nears, starts))])
        of = np.concatenate([np.zeros(0, np.int64), *(near.sig_of.astype(np.int64) + start
                                                      for near, start in zip(nears, starts))])
        return cls(rows, _join(nears, "background", np.float32), rows[at], places(_join(nears, "pair_id", "S16")),
                   _join(nears, "pair_sim", np.float32).astype(np.float64), rows[of],
                   _join(nears, "sig_key", np.int64), _join(nears, "sig_weight", np.float32))


def _join(nears: list, field: str, dtype) -> np.ndarray:
    return np.concatenate([np.zeros(0, dtype), *(getattr(near, field) for near in nears)])


def _grouped(i: np.ndarray, j: np.ndarray, n: int) -> _Lists:
    """The j of each of n places i, in the order given."""
    order = np.argsort(i, kind="stable")
    return _Lists(np.searchsorted(i[order], np.arange(n + 1)).astype(np.int64), j[order].astype(np.int64))


def _signature_matrix(joined: _Joined, n: int):
    """Every article's signature terms and weights as one sparse matrix (articles x table terms)."""
    from scipy.sparse import csr_matrix

    if not len(joined.rows):
        return csr_matrix((n, 1), dtype=np.float32)
    width = int(joined.sig_key.max()) + 1 if len(joined.sig_key) else 1
    return csr_matrix((joined.sig_weight, (joined.sig_of, joined.sig_key)), shape=(n, width))


def _coverage(signature, same: list, rows: np.ndarray | None = None,
              inverted: "_Inverted | None" = None) -> list[list[int]]:
    """Each article's related coverage (of `rows` only, in their order, when given): the articles, at
    any time, that share its rarest weighty terms - the same people, places or topic - best first,
    leaving out itself and its same-story articles (`same`: each article's, a few places).

    Scales like an inverted index: only articles sharing a signature term are ever scored (the
    product of the signature matrix with its transpose: at most windows.RARE_DF x RARE_DF pairs per term).
    A row's answer is the same whichever rows are scored with it (each product row is its own sum).
    """
    rows = np.arange(signature.shape[0]) if rows is None else rows
    inverted = inverted or _Inverted.of(signature)
    found: list[list[int]] = []
    for start in range(0, len(rows), COVERAGE_ROWS):
        chosen = rows[start:start + COVERAGE_ROWS]
        block = signature[chosen]
        scores = (block @ inverted.weights).tocsr()
        shared = (block.astype(bool).astype(np.float32) @ inverted.marks).tocsr()
        ranked, bounds = _ranked(scores, shared)
        for r, i in enumerate(chosen.tolist()):
            found.append([j for j in ranked[bounds[r]:bounds[r + 1]] if j != i and j not in same[i]][:MAX_COVERAGE])
    return found


class _Inverted(NamedTuple):
    """The signature matrix turned into an inverted index (terms x articles): its weights, and 1 for
    each of its terms (made once: a transpose is column-major, and each block's product with it
    converted all of it again - 4.4 s at 100 000 articles)."""

    weights: object
    marks: object

    @classmethod
    def of(cls, signature) -> "_Inverted":
        from scipy.sparse import csr_matrix

        weights = signature.T.tocsr()
        # (the marks from the weights' arrays: one pattern, as a second transpose gave them)
        return cls(weights, csr_matrix(((weights.data != 0).astype(np.float32), weights.indices, weights.indptr),
                                       shape=weights.shape))


def _coverage_kept(sheet: Sheet, store: CacheStore | None, signature, same: _Lists, places: _Places,
                   files=packed) -> _Lists:
    """_coverage, scored again only for the articles whose answer may have changed since the last
    run's (kept in the store, windows.LINKS, for this code, window and term table): new ones, those
    sharing a signature term with a new one, those whose last answer holds one gone (an edited
    article's old version), those whose same-story set changed. Any other article's terms, partners
    and exclusions are the ones that gave its last answer. (Scoring every article again was 1.9 s
    of an edit's comparison at 100 000 articles.) `places`: the group's ids' places (_linked's: made
    once for the joined answers and for this; an edited article's id is its text's, so its old one is
    gone)."""
    ids, inverted = sheet.first.ids, _Inverted.of(signature)
    name = f"{sheet.folder}/{windows.LINKS}" if store is not None else None
    key = _links_key(sheet)
    last = _last_links(store.path(name), key, files) if name is not None else None
    if last is None:
        found = _Lists.of(_coverage(signature, same.as_lists(), inverted=inverted))
    else:
        place = places.found(last["ids"])  # (each last article's place now; -1: gone, or edited)
        redo = _to_score_again(place, last, signature, inverted, same)
        scored = _coverage(signature, {i: same.row(i) for i in redo.tolist()}, redo, inverted)
        found = _replaced(_moved_lists(place, last["cover_at"], last["cover"], len(ids)), redo, _Lists.of(scored))
    if name is not None:
        _keep_links(store.path(name), key, ids, same, found)
    return found


def _links_key(sheet: Sheet) -> str:
    """What the kept answer holds for: this code (its thresholds), the window and the term table."""
    return hashlib.sha256(f"{_SOURCE}\0{sheet.first.window_days}\0{sheet.first.table_key}".encode()).hexdigest()


def _last_links(path, key: str, files=packed) -> dict | None:
    """The kept answer (_keep_links) for `key`, when its lists add up (else None: all scored again)."""
    last = files.read(path, key)
    try:
        count = len(last["ids"])
        for name in ("same", "cover"):
            at, found = last[f"{name}_at"], last[name]
            if not (at.ndim == found.ndim == 1 and len(at) == count + 1 and at[0] == 0 and at[-1] == len(found)
                    and np.all(np.diff(at) >= 0) and np.all((found >= 0) & (found < count))):
                return None
    except (KeyError, TypeError, ValueError):  # (None, or arrays of other shapes: a file damaged by hand)
        return None
    return last


def _to_score_again(place: np.ndarray, last: dict, signature, inverted: _Inverted, same: _Lists) -> np.ndarray:
    """The places (sorted) of the articles _coverage_kept scores again."""
    again = np.ones(signature.shape[0], bool)
    again[place[place >= 0]] = False  # (new: not in the last run)
    new_terms = distinct(signature[np.flatnonzero(again)].indices)
    again[inverted.weights[new_terms].indices] = True
    held = np.concatenate([[0], np.cumsum(place[last["cover"]] < 0)])[last["cover_at"]]
    holding = place[np.diff(held) > 0]
    again[holding[holding >= 0]] = True
    again[_sets_differ(same, _moved_lists(place, last["same_at"], last["same"], signature.shape[0]))] = True
    return np.flatnonzero(again)


def _sets_differ(one: _Lists, other: _Lists) -> np.ndarray:
    """The articles whose two lists hold different sets of places (a gone one, -1, among them)."""
    width = max(int(one.places.max(initial=0)), int(other.places.max(initial=0))) + 2
    held = [distinct(np.repeat(np.arange(len(lists.at) - 1, dtype=np.int64), lists.sizes()) * width + lists.places + 1)
            for lists in (one, other)]
    return distinct(np.setxor1d(*held, assume_unique=True) // width)


def _moved_lists(place: np.ndarray, at: np.ndarray, found: np.ndarray, n: int) -> _Lists:
    """Lists kept by the last run's places (offsets `at`, places `found`) as lists by places now, for
    each of n articles now (empty for the new; of two that came to one place, the later's)."""
    sizes = np.diff(at)
    rows = np.flatnonzero((place[:len(sizes)] >= 0) & (sizes > 0))
    source = np.full(n, -1, np.int64)
    np.maximum.at(source, place[rows], rows)
    now = np.flatnonzero(source >= 0)
    taken = source[now]
    counts = np.zeros(n, np.int64)
    counts[now] = sizes[taken]
    return _Lists(_offsets(counts), place[found[_spots(at, taken)]])


def _replaced(lists: _Lists, rows: np.ndarray, new: _Lists) -> _Lists:
    """`lists` with those of these articles (sorted) replaced by `new`'s, one for each."""
    sizes = lists.sizes()
    sizes[rows] = new.sizes()
    at = _offsets(sizes)
    kept = np.ones(len(sizes), bool)
    kept[rows] = False
    kept = np.flatnonzero(kept)
    places = np.empty(int(at[-1]), np.int64)
    places[_spots(at, kept)] = lists.places[_spots(lists.at, kept)]
    places[_spots(at, rows)] = new.places
    return _Lists(at, places)


def _keep_links(path, key: str, ids: np.ndarray, same: _Lists, coverage: _Lists) -> None:
    """This run's answer kept for the next (same-story lists whole, as _coverage left their articles out)."""
    packed.write(path, key, {"ids": ids, "same_at": same.at, "same": same.places, "cover_at": coverage.at,
                             "cover": coverage.places})


def _ranked(scores, shared) -> tuple[list[int], list[int]]:
    """A block's scored partners that count (MIN_COVERAGE, MIN_SHARED_TERMS), row after row, each row's
    best first (then by place), and where each row's start: sorted for the whole block at once (a
    sort per row was ~0.7 s of the comparison at 100 000 articles). The two products have one pattern."""
    rows = np.repeat(np.arange(scores.shape[0]), np.diff(scores.indptr))
    keep = (scores.data >= MIN_COVERAGE) & (shared.data >= MIN_SHARED_TERMS)
    rows, others, values = rows[keep], scores.indices[keep], scores.data[keep]
    order = np.lexsort((others, -values, rows))
    return others[order].tolist(), np.searchsorted(rows[order], np.arange(scores.shape[0] + 1)).tolist()
