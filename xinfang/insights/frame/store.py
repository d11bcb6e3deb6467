"""The fact rows and staff deadlines of this process, kept up to date from the fold's watermark.

Each worker holds one copy (about 100 bytes a fact row and 25 a deadline: 165 MB in all per
million cases, measured by bench/insights.py). A request reads the
rows folded since the last look (the fold stamps `folded_at`; a move's deadlines change only
with a move, and a move is folded), re-reading a margin before it so that a fold committed late
is not missed, and every `max_age` seconds reads everything again (a case deleted, a deadline
moved by a change of the holiday table).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone

from xinfang.cases.models import Clock
from xinfang.orgs.models import Division
from xinfang.taxonomy.models import Category

from ..models import BacklogEntry, CaseFact
from .columns import NULL, Column, encode_values
from .load import CLOCK_KINDS, FACT_KINDS, Columns, frame_clocks, load_clocks, load_facts, orm_rows
from .table import Frame

logger = logging.getLogger("xinfang.insights")

# Seconds: read everything again (in the background) after max_age; look for folded rows at
# most every refresh_every; re-read the rows folded within margin before the last look (a fold
# committed a moment after its stamp). More changed rows than `changes` at one look (a rebuild
# of every fact row): read everything again in the background instead.
DEFAULTS = {"max_age": 3600, "refresh_every": 10, "margin": 30, "changes": 50_000}


def _setting(name: str) -> int:
    return settings.XINFANG.get("INSIGHTS_FRAME", {}).get(name, DEFAULTS[name])


class Table:
    """The arrays of one table with room to grow, so that rows folded since the last look are
    written in place or added at the end without copying the million held."""

    def __init__(self, columns: dict[str, Column]):
        self.kinds = {n: c.kind for n, c in columns.items()}
        self.vocab = {n: c.vocab for n, c in columns.items()}
        self.n = len(next(iter(columns.values())).data) if columns else 0
        # The arrays as read, without room: the first rows added make room, column by column.
        self.buf = {n: c.data for n, c in columns.items()}

    def columns(self) -> dict[str, Column]:
        return {n: Column(k, self.buf[n][: self.n], self.vocab[n]) for n, k in self.kinds.items()}

    def write(self, rows: np.ndarray, values: dict[str, np.ndarray]) -> None:
        for name, data in values.items():
            self.buf[name][rows] = data

    def append(self, values: dict[str, np.ndarray]) -> np.ndarray:
        """Add rows at the end; their row numbers."""
        k = len(next(iter(values.values())))
        if self.n + k > len(next(iter(self.buf.values()))):
            room = self.n + k + max(64, (self.n + k) // 8)
            for name in list(self.buf):  # one column at a time: no second copy of all
                self.buf[name] = _with_room(self.buf[name][: self.n], room)
        for name, data in values.items():
            self.buf[name][self.n : self.n + k] = data
        self.n += k
        return np.arange(self.n - k, self.n)

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the rows the mask keeps (in their order)."""
        kept = int(np.count_nonzero(mask))
        for buf in self.buf.values():
            buf[:kept] = buf[: self.n][mask]
        self.n = kept


def _with_room(data: np.ndarray, room: int) -> np.ndarray:
    out = np.empty(max(room, len(data)), dtype=data.dtype)
    out[: len(data)] = data
    return out


class Facts:
    """The fact rows, the staff deadlines and the link from each deadline to its fact row."""

    def __init__(self, facts: Columns, clocks: Columns, *, loaded: dt.datetime):
        self._vocab, self._clock_vocab = facts.vocab, clocks.vocab
        cols = facts.columns()
        cols["category_code"] = _category_codes(cols["category_id"].data)
        self.table = Table(cols)
        clock_cols = clocks.columns()
        self.loaded_at = self.checked_at = loaded
        self.started = self.refreshed = time.monotonic()
        ids = cols["case_id"].data.astype(np.int64)
        self._order = np.argsort(ids, kind="stable")
        self._sorted_ids = ids[self._order]
        clock_cols["fact_row"] = Column("num", self.rows_of(clock_cols["case_id"].data))
        self.clock_table = Table(clock_cols)
        self._paths: dict = {}
        self._views()

    def _views(self) -> None:
        cols = self.table.columns()
        category = cols["category_code"]
        top = len(category.vocab) - 2
        needed = int(category.data.max()) - 1 if len(category.data) else -1
        if needed > top:
            cols["category_code"] = _category_codes(cols["category_id"].data)
            self.table.vocab["category_code"] = cols["category_code"].vocab
        place = cols["place_id"]
        if len(self._paths) != len(place.vocab):
            paths = dict(Division.objects.values_list("code", "path"))
            self._paths = {c: paths.get(c) for c in place.vocab}
        cols["place_path"] = Column("cat", place.data, [self._paths[c] for c in place.vocab])
        self.facts = Frame(CaseFact, cols, aliases={"pk": "case_id"})
        clock_cols = self.clock_table.columns()
        self.clock_row = clock_cols["fact_row"].data
        self.clocks = Frame(Clock, clock_cols)

    def rows_of(self, case_ids) -> np.ndarray:
        """The fact row of each case id (-1: no fact row)."""
        case_ids = np.asarray(case_ids, dtype=np.int64)
        ordered = self._sorted_ids
        if not len(ordered):
            return np.full(len(case_ids), -1, dtype=np.int32)
        pos = np.searchsorted(ordered, case_ids).clip(0, len(ordered) - 1)
        found = ordered[pos] == case_ids
        return np.where(found, self._order[pos], -1).astype(np.int32)

    def clocks_of(self, fact_mask: np.ndarray) -> np.ndarray:
        """Which deadlines belong to the fact rows kept by the mask."""
        row = self.clock_row
        return (row >= 0) & fact_mask[np.where(row >= 0, row, 0)]

    def with_backlog(self) -> Frame:
        """The fact frame with the backlog ledger's dates (a small table, read each time)."""
        entries = list(BacklogEntry.objects.values_list("case_id", "flagged_on", "cleared_on"))
        cols = dict(self.facts.columns)
        rows = self.rows_of([e[0] for e in entries])
        keep = rows >= 0
        for i, name in ((1, "flagged_on"), (2, "cleared_on")):
            data = np.full(self.facts.size, NULL, dtype=np.int32)
            values = encode_values("date", [e[i] for e in entries])
            data[rows[keep]] = values[keep]
            cols[f"case__backlog__{name}"] = Column("date", data)
        return Frame(CaseFact, cols, aliases={"pk": "case_id"})

    def refresh(self) -> int:
        """Read the rows folded since the last look (and a margin before it); how many had
        changed."""
        now = timezone.now()
        since = self.checked_at - dt.timedelta(seconds=_setting("margin"))
        folded = CaseFact.objects.filter(folded_at__gte=since)
        if folded.count() > _setting("changes"):
            self.refreshed = time.monotonic()
            reload_in_background()
            return 0
        changed = Columns(FACT_KINDS)
        changed.vocab = self._vocab  # the same codes for the same values
        orm_rows(folded, FACT_KINDS, changed)
        self.checked_at, self.refreshed = now, time.monotonic()
        fresh = {n: c.data for n, c in changed.columns().items()}
        rows = self.rows_of(fresh["case_id"])
        held = self.table.buf["folded_at"]
        differs = (rows < 0) | (held[np.where(rows >= 0, rows, 0)] != fresh["folded_at"])
        if not differs.any():
            return 0
        fresh = {n: v[differs] for n, v in fresh.items()}
        fresh["category_code"] = np.where(
            fresh["category_id"] < 0, 0, fresh["category_id"] + 1
        ).astype(np.int32)
        rows = rows[differs]
        old = rows >= 0
        self.table.write(rows[old], {n: v[old] for n, v in fresh.items()})
        added = self.table.append({n: v[~old] for n, v in fresh.items()})
        self._index(fresh["case_id"][~old], added)
        self._replace_clocks(fresh["case_id"], np.concatenate([rows[old], added]))
        self._views()
        return int(np.count_nonzero(differs))

    def _index(self, ids: np.ndarray, rows: np.ndarray) -> None:
        """Enter new rows in the sorted index of case ids."""
        if not len(ids):
            return
        ids = ids.astype(np.int64)
        by_id = np.argsort(ids)
        pos = np.searchsorted(self._sorted_ids, ids[by_id])
        self._sorted_ids = np.insert(self._sorted_ids, pos, ids[by_id])
        self._order = np.insert(self._order, pos, rows[by_id])

    def _replace_clocks(self, case_ids: np.ndarray, fact_rows: np.ndarray) -> None:
        """The changed cases' deadlines, read again, replace those held for them."""
        marked = np.zeros(self.table.n, dtype=bool)
        marked[fact_rows] = True
        row = self.clock_table.buf["fact_row"][: self.clock_table.n]
        linked = row >= 0
        drop = np.zeros(len(row), dtype=bool)
        drop[linked] = marked[row[linked]]
        # Deadlines read before their case's fact row was: matched by case id.
        unlinked = ~linked
        drop[unlinked] = np.isin(
            self.clock_table.buf["case_id"][: self.clock_table.n][unlinked], case_ids
        )
        if drop.any():
            self.clock_table.keep(~drop)
        clocks = Columns(CLOCK_KINDS)
        clocks.vocab = self._clock_vocab
        orm_rows(frame_clocks().filter(case_id__in=case_ids.tolist()), CLOCK_KINDS, clocks)
        new = {n: c.data for n, c in clocks.columns().items()}
        if len(new["case_id"]):
            new["fact_row"] = self.rows_of(new["case_id"])
            self.clock_table.append(new)

    @property
    def age(self) -> float:
        return time.monotonic() - self.started


def _category_codes(ids: np.ndarray) -> Column:
    """The category code column, read through the category id (code 0: no category, "")."""
    top = int(ids.max()) if len(ids) else -1
    codes = dict(Category.objects.filter(pk__lte=max(top, 0)).values_list("pk", "code"))
    vocab = [""] + [codes.get(i) for i in range(top + 1)]
    return Column("cat", np.where(ids < 0, 0, ids + 1).astype(np.int32), vocab)


_lock = threading.Lock()
_current: Facts | None = None
_reloading = threading.Event()
_loaded = threading.Event()


def _load() -> Facts:
    loaded = timezone.now()
    return Facts(load_facts(), load_clocks(), loaded=loaded)


def current() -> Facts:
    """This process's frame: loaded on first use, then brought up to date from the fold's
    stamps, and read again whole in the background every max_age."""
    global _current
    if _current is None and _reloading.is_set():
        _loaded.wait(timeout=600)  # a first reading under way (warm): wait for it
    with _lock:
        if _current is None:
            _current = _load()
            return _current
        if _current.age > _setting("max_age"):
            reload_in_background()
        if time.monotonic() - _current.refreshed >= _setting("refresh_every"):
            _current.refresh()
        return _current


def reload_in_background() -> threading.Thread | None:
    """Read everything again in a thread of its own (its own database connection); requests
    go on with the frame they have until the new one is ready. None when one is under way."""
    if _reloading.is_set():
        return None
    _reloading.set()

    def run():
        global _current
        try:
            fresh = _load()
            with _lock:
                _current = fresh
            _loaded.set()
        except Exception:
            logger.exception("the statistics' frame could not be read again")
        finally:
            connection.close()
            _reloading.clear()

    thread = threading.Thread(target=run, name="insights-frame", daemon=True)
    thread.start()
    return thread


def reset() -> None:
    """Forget the frame (the next request reads everything again)."""
    global _current
    with _lock:
        _current = None
        _loaded.clear()


def warm() -> None:
    """Start reading the frame as a worker starts, so that no request waits for it
    (xinfang/config/gunicorn.py)."""
    if _current is None:
        reload_in_background()
