"""A frame: the rows of one table (the fact rows, or the staff deadlines) as columns, with the
Q objects of the figures evaluated over them (masks.py) and rows counted by a column's values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
from django.db.models import Q

from . import masks
from .columns import NULL, Column, decode


class Frame:
    def __init__(self, model, columns: dict[str, Column], aliases: dict[str, str] | None = None):
        self.model = model
        self.columns = columns
        self.aliases = aliases or {}
        self._fields = {}
        for f in model._meta.concrete_fields:
            self._fields[f.name] = f
            self._fields[f.attname] = f

    @property
    def size(self) -> int:
        return len(next(iter(self.columns.values())).data) if self.columns else 0

    def _name(self, name: str) -> str:
        name = self.aliases.get(name, name)
        f = self._fields.get(name)
        return f.attname if f is not None and f.attname in self.columns else name

    def has(self, name: str) -> bool:
        return self._name(name) in self.columns

    def column(self, name: str) -> Column:
        return self.columns[self._name(name)]

    def prepare(self, name: str, value):
        """A literal as the database would compare it (e.g. "12" for a body id is 12)."""
        f = self._fields.get(self.aliases.get(name, name))
        if f is None or value is None:
            return value
        return f.get_prep_value(value)

    def mask(self, q: Q) -> np.ndarray:
        return masks.mask(self, q)

    def counts(
        self, rows: np.ndarray, name: str, key: Callable | None = None, weights=None
    ) -> dict:
        """{value: rows counted} of a column over the rows kept by a mask (or a list of row
        numbers); `key` maps each value first (e.g. a category code to its level's prefix)."""
        col = self.column(name)
        data = col.data[rows]
        out: Counter = Counter()
        if col.kind == "cat":
            n = np.bincount(data, weights=weights, minlength=len(col.vocab))
            for code in np.flatnonzero(n):
                v = col.vocab[code]
                out[key(v) if key else v] += _int(n[code])
            return dict(out)
        values, n = _grouped(data, weights)
        for v, k in zip(values.tolist(), n.tolist(), strict=True):
            v = decode(col.kind, v)
            out[key(v) if key else v] += _int(k)
        return dict(out)


def _grouped(data: np.ndarray, weights):
    values, inverse = np.unique(data, return_inverse=True)
    return values, np.bincount(inverse, weights=weights, minlength=len(values))


def _int(x):
    return int(x) if float(x).is_integer() else float(x)


def row_numbers(m: np.ndarray) -> np.ndarray:
    return np.flatnonzero(m)


__all__ = ["NULL", "Frame", "row_numbers"]
