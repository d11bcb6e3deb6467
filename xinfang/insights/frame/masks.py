"""A Django Q object evaluated over a frame's arrays, row by row at once.

The figures declare their rows once, as Q objects (insights/selectors/scope.py): the database
reads them for the lists behind the numbers, and this reads the same objects for the counts.
Only what those declarations use is understood (exact, in, isnull, the four comparisons,
startswith, F() between two columns); anything else is an error, never a silent guess.

NULL follows Django's filters: a lookup on a NULL value is false and its negation true (Django
adds "IS NOT NULL" to the negated lookup), so plain two-valued logic gives the same rows. Not
so for a column of a joined table (the backlog's dates), where Django leaves that test out
inside some ORs: the figures use those columns only without negation.
"""

from __future__ import annotations

import numpy as np
from django.db.models import F, Model, Q

from .columns import NULL, Column

LOOKUPS = frozenset({"exact", "in", "isnull", "gte", "lte", "gt", "lt", "startswith"})
COMPARE = {
    "gte": np.greater_equal,
    "lte": np.less_equal,
    "gt": np.greater,
    "lt": np.less,
}
# Beyond this id a look-up table would be wasteful: np.isin instead.
LUT_LIMIT = 50_000_000


class Unsupported(ValueError):
    """A filter the frame cannot evaluate (the declaration must be kept within LOOKUPS)."""


def mask(frame, q: Q) -> np.ndarray:
    """The rows of `frame` that `q` keeps."""
    out = None
    for child in q.children:
        m = mask(frame, child) if isinstance(child, Q) else _lookup(frame, *child)
        if out is None:
            out = m
        elif q.connector == Q.AND:
            out = out & m
        elif q.connector == Q.OR:
            out = out | m
        else:
            raise Unsupported(q.connector)
    if out is None:
        out = np.ones(frame.size, dtype=bool)
    return ~out if q.negated else out


def _split(frame, path: str) -> tuple[str, str]:
    if frame.has(path):
        return path, "exact"
    name, _sep, lookup = path.rpartition("__")
    if lookup in LOOKUPS and frame.has(name):
        return name, lookup
    raise Unsupported(path)


def _plain(value):
    return value.pk if isinstance(value, Model) else value


def _lookup(frame, path: str, value) -> np.ndarray:
    name, lookup = _split(frame, path)
    col: Column = frame.column(name)
    if lookup == "isnull":
        null = col.is_null()
        return null if value else ~null
    if isinstance(value, F):
        if lookup not in COMPARE and lookup != "exact":
            raise Unsupported(path)
        other: Column = frame.column(value.name)
        if col.kind == "cat" or other.kind == "cat":
            raise Unsupported(path)
        both = (col.data != NULL) & (other.data != NULL)
        op = COMPARE.get(lookup, np.equal)
        return both & op(col.data, other.data)
    value = frame.prepare(name, _plain(value)) if lookup != "in" else value
    if lookup == "exact":
        if value is None:
            return col.is_null()
        if col.kind == "cat":
            return col.lut(lambda v: v == value)[col.data]
        return col.data == col.encode(value)
    if lookup == "in":
        values = [frame.prepare(name, _plain(v)) for v in value]
        return _isin(col, [v for v in values if v is not None])
    if lookup == "startswith":
        if col.kind != "cat":
            raise Unsupported(path)
        prefix = str(value)
        return col.lut(lambda v: v is not None and str(v).startswith(prefix))[col.data]
    if col.kind == "cat":
        raise Unsupported(path)
    return (col.data != NULL) & COMPARE[lookup](col.data, col.encode(value))


def _isin(col: Column, values: list) -> np.ndarray:
    if col.kind == "cat":
        wanted = set(values)
        return col.lut(lambda v: v in wanted)[col.data]
    codes = np.asarray([col.encode(v) for v in values], dtype=np.int64)
    if not len(codes):
        return np.zeros(len(col.data), dtype=bool)
    top = int(codes.max())
    if 0 <= codes.min() and top < LUT_LIMIT:
        lut = np.zeros(top + 2, dtype=bool)
        lut[codes] = True
        # NULL (-1) and anything beyond the table read its last cell, which is False.
        idx = np.where((col.data < 0) | (col.data > top), top + 1, col.data)
        return lut[idx]
    return np.isin(col.data, codes)
