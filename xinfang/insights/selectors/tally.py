"""The figures' rows (scope.py) counted over this process's frame of the fact rows and staff
deadlines (insights/frame), for one user: each Q the lists give the database is here a mask over
a million rows in a few milliseconds, instead of a pass of the database over them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from django.db.models import Q

from xinfang.cases.models import Case

from ..frame import store
from .scope import (
    FigureRows,
    StatFilters,
    figure_rows,
    filters_q,
    newest_first,
    visible_facts_q,
)


def _filters_key(f: StatFilters) -> tuple:
    return (
        f.division.path if f.division is not None else None,
        f.body,
        f.channel,
        f.content_type,
        f.category,
    )


class Tally:
    def __init__(self, user):
        self.user = user
        self.data = store.current()
        self.facts = self.data.with_backlog()
        self.clocks = self.data.clocks
        self._visible = None
        self._scopes: dict[tuple, np.ndarray] = {}

    def scope(self, f: StatFilters) -> np.ndarray:
        """The rows the user may see within the filters (but the window)."""
        key = _filters_key(f)
        if key not in self._scopes:
            if self._visible is None:
                self._visible = self.facts.mask(visible_facts_q(self.user))
            self._scopes[key] = self._visible & self.facts.mask(filters_q(f))
        return self._scopes[key]

    def mask(self, rows: FigureRows) -> np.ndarray:
        """The fact rows of a figure."""
        m = self.scope(rows.filters) & self.facts.mask(rows.facts)
        if rows.clocks is None:
            return m
        keep = np.zeros(self.facts.size, dtype=bool)
        keep[self.data.clock_row[self.clock_mask(m, rows.clocks)]] = True
        return m & keep

    def count(self, rows: FigureRows) -> int:
        return int(np.count_nonzero(self.mask(rows)))

    def also(self, m: np.ndarray, q: Q) -> np.ndarray:
        """The rows of a mask that a further filter keeps."""
        return m & self.facts.mask(q)

    def counts(self, m: np.ndarray, column: str, key: Callable | None = None) -> dict:
        return self.facts.counts(m, column, key)

    def clock_mask(self, fact_mask: np.ndarray, q: Q) -> np.ndarray:
        """The deadlines `q` keeps of the cases the fact mask keeps."""
        return self.clocks.mask(q) & self.data.clocks_of(fact_mask)

    def clock_cells(
        self, fact_mask: np.ndarray, q: Q, unit: str
    ) -> list[tuple[str, object, int, int]]:
        """(period, unit, deadlines, met) of the deadlines `q` keeps of the masked cases, by
        period and by a column of their fact row."""
        cm = self.clock_mask(fact_mask, q)
        period = self.clocks.column("period")
        unit_col = self.facts.column(unit)
        p = period.data[cm].astype(np.int64)
        u = unit_col.data[self.data.clock_row[cm]].astype(np.int64)
        met = (self.clocks.column("met").data[cm] == 1).astype(np.int64)
        # Both are small whole numbers (codes, body ids): one bincount over their pair.
        u = u + 1  # NULL (-1) becomes 0
        width = int(u.max()) + 1 if len(u) else 1
        pair = p * width + u
        n = np.bincount(pair)
        k = np.bincount(pair, weights=met, minlength=len(n))
        out = []
        for i in np.flatnonzero(n).tolist():
            pc, uc = divmod(i, width)
            out.append((period.vocab[pc], _value(unit_col, uc - 1), int(n[i]), int(k[i])))
        return out

    def grouped(self, m: np.ndarray, column: str, flag: Q) -> dict[str, tuple[int, int]]:
        """{unit key: (rows the flag keeps, rows)} of the masked rows by a column (rows with
        no value in it left out)."""
        whole = self.counts(m, column)
        part = self.counts(self.also(m, flag), column)
        return {str(k): (part.get(k, 0), n) for k, n in whole.items() if k is not None}

    def rows_of(self, case_ids) -> np.ndarray:
        return self.data.rows_of(case_ids)


def figure_count(t: Tally, f: StatFilters, figure: str, key: str = "", *, day, window=None) -> int:
    """How many cases a figure counts (the number its list shows)."""
    return t.count(figure_rows(f, figure, key, day=day, window=window))


class CaseList:
    """The cases behind a figure, newest first, as a list a Paginator pages through: the count
    and which cases come first are read from the frame, and only the cases a page shows (and
    those registered the same day as its last) are read from the database, in the same order
    as scope.figure_cases gives them."""

    def __init__(self, t: Tally, rows: FigureRows, prepare: Callable | None = None):
        m = t.mask(rows)
        self._ids = t.facts.column("case_id").data[m]
        self._days = t.facts.column("registered_on").data[m]
        self._prepare = prepare or (lambda qs: qs)

    def count(self) -> int:
        return len(self._ids)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("a case list is read a page at a time")
        start, stop, _step = index.indices(len(self._ids))
        if stop <= start:
            return []
        # The page's cases are among the `stop` newest: registered on or after the day of the
        # stop-th newest (a day's cases are ordered by time in the database).
        boundary = np.partition(self._days, len(self._days) - stop)[len(self._days) - stop]
        candidates = self._ids[self._days >= boundary].tolist()
        cases = newest_first(Case.objects.filter(pk__in=candidates))
        return list(self._prepare(cases)[start:stop])


def _value(col, code: int):
    from ..frame.columns import decode

    return col.vocab[code] if col.kind == "cat" else decode(col.kind, code)
