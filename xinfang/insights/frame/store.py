"""The fact rows and staff deadlines of this process, kept up to date from the fold's watermark.

Each worker holds one copy (about 60 bytes a fact row and 25 a deadline). A request reads the
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

from xinfang.orgs.models import Division
from xinfang.taxonomy.models import Category

from ..models import BacklogEntry, CaseFact
from .columns import NULL, Column, encode_values
from .load import CLOCK_KINDS, FACT_KINDS, Columns, load_clocks, load_facts, orm_rows, staff_clocks
from .table import Frame

# Seconds: read everything again (in the background) after max_age; look for folded rows at
# most every refresh_every; re-read the rows folded within margin before the last look (a fold
# committed a moment after its stamp). More changed rows than `changes` at one look (a rebuild
# of every fact row): read everything again in the background instead.
logger = logging.getLogger("xinfang.insights")

DEFAULTS = {"max_age": 3600, "refresh_every": 10, "margin": 30, "changes": 50_000}


def _setting(name: str) -> int:
    return settings.XINFANG.get("INSIGHTS_FRAME", {}).get(name, DEFAULTS[name])


class Facts:
    """The fact frame, the deadline frame and the link from each deadline to its fact row."""

    def __init__(self, facts: Columns, clocks: Columns, *, loaded: dt.datetime):
        self._facts = facts
        self._clocks = clocks
        self.loaded_at = self.checked_at = loaded
        self.started = self.refreshed = time.monotonic()
        self._build()

    def _build(self) -> None:
        cols = self._facts.columns()
        self.case_ids = cols["case_id"].data
        self._order = np.argsort(self.case_ids, kind="stable")
        cols["category_code"] = _category_codes(cols["category_id"].data)
        place = cols["place_id"]
        paths = dict(Division.objects.values_list("code", "path"))
        cols["place_path"] = Column("cat", place.data, [paths.get(c) for c in place.vocab])
        self.facts = Frame(CaseFact, cols, aliases={"pk": "case_id"})
        clock_cols = self._clocks.columns()
        self.clocks = Frame(staff_clocks().model, clock_cols)
        self.clock_row = self.rows_of(clock_cols["case_id"].data)

    def rows_of(self, case_ids) -> np.ndarray:
        """The fact row of each case id (-1: no fact row)."""
        case_ids = np.asarray(case_ids, dtype=np.int64)
        if not len(self.case_ids):
            return np.full(len(case_ids), -1, dtype=np.int64)
        ordered = self.case_ids[self._order]
        pos = np.searchsorted(ordered, case_ids).clip(0, len(ordered) - 1)
        found = ordered[pos] == case_ids
        return np.where(found, self._order[pos], -1)

    def clocks_of(self, fact_mask: np.ndarray) -> np.ndarray:
        """Which deadlines belong to the fact rows kept by the mask."""
        row = self.clock_row
        return (row >= 0) & fact_mask[np.where(row >= 0, row, 0)]

    def with_backlog(self) -> Frame:
        """The fact frame with the backlog ledger's dates (a small table, read each time)."""
        entries = list(BacklogEntry.objects.values_list("case_id", "flagged_on", "cleared_on"))
        cols = dict(self.facts.columns)
        for i, name in ((1, "flagged_on"), (2, "cleared_on")):
            data = np.full(self.facts.size, NULL, dtype=np.int32)
            rows = self.rows_of([e[0] for e in entries])
            values = encode_values("date", [e[i] for e in entries])
            keep = rows >= 0
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
        changed.vocab = self._facts.vocab  # the same codes for the same values
        orm_rows(folded, FACT_KINDS, changed)
        self.checked_at, self.refreshed = now, time.monotonic()
        fresh = changed.columns()
        rows = self.rows_of(fresh["case_id"].data)
        held = self.facts.column("folded_at").data
        differs = (rows < 0) | (held[np.where(rows >= 0, rows, 0)] != fresh["folded_at"].data)
        if not differs.any():
            return 0
        rows = rows[differs]
        ids = fresh["case_id"].data[differs]
        old, new = rows >= 0, rows < 0
        for name, part in self._facts.parts.items():
            whole = np.concatenate(part) if len(part) > 1 else part[0]
            whole[rows[old]] = fresh[name].data[differs][old]
            self._facts.parts[name] = [whole, fresh[name].data[differs][new]]
        # The changed cases' deadlines replace those held for them.
        clocks = Columns(CLOCK_KINDS)
        clocks.vocab = self._clocks.vocab
        orm_rows(staff_clocks().filter(case_id__in=ids.tolist()), CLOCK_KINDS, clocks)
        held = self._clocks.columns()
        keep = ~np.isin(held["case_id"].data, ids)
        added = clocks.columns()
        for name in CLOCK_KINDS:
            self._clocks.parts[name] = [held[name].data[keep], added[name].data]
        self._build()
        return len(ids)

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


def _load() -> Facts:
    loaded = timezone.now()
    return Facts(load_facts(), load_clocks(), loaded=loaded)


def current() -> Facts:
    """This process's frame: loaded on first use, then brought up to date from the fold's
    stamps, and read again whole in the background every max_age."""
    global _current
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
