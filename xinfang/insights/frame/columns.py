"""Columns of a frame: a table's rows held as numpy arrays, one array per column.

Every column is a whole-number array so that a filter is a vectorised comparison:
- "num": ids and counts, -1 for NULL (ids and day counts are never negative);
- "date": the day's ordinal (date.toordinal()), -1 for NULL;
- "bool": 1, 0, or -1 for NULL;
- "stamp": a moment in microseconds since 1970 (the fold's stamp of a row);
- "cat": a code into `vocab`, the column's distinct values (None among them for NULL); two
  columns may share their codes and differ in vocabulary (a place's code and its path).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

NULL = -1


@dataclass
class Column:
    kind: str
    data: np.ndarray
    vocab: list = field(default_factory=list)

    def is_null(self) -> np.ndarray:
        if self.kind == "cat":
            return self.lut(lambda v: v is None)[self.data]
        return self.data == NULL

    def lut(self, test) -> np.ndarray:
        """A look-up table over the vocabulary: which codes' values pass `test`."""
        return np.fromiter((bool(test(v)) for v in self.vocab), dtype=bool, count=len(self.vocab))

    def encode(self, value) -> int:
        """A literal as this column stores it (a cat value not in the vocabulary: no code)."""
        if self.kind == "cat":
            try:
                return self.vocab.index(value)
            except ValueError:
                return NULL - 1
        return encode_scalar(self.kind, value)


def encode_scalar(kind: str, value) -> int:
    if value is None:
        return NULL
    if kind == "date":
        return value.toordinal()
    if kind == "bool":
        return int(bool(value))
    if kind == "stamp":
        return round(value.timestamp() * 1_000_000)
    return int(value)


def decode(kind: str, code: int):
    if code == NULL:
        return None
    if kind == "date":
        return dt.date.fromordinal(code)
    if kind == "bool":
        return bool(code)
    return code


DTYPES = {"num": np.int32, "date": np.int32, "bool": np.int8, "cat": np.int32, "stamp": np.int64}


class Vocabulary:
    """Codes for the values of a cat column, growing as new values appear."""

    def __init__(self, values=()):
        self.values: list = []
        self.index: dict = {}
        for v in values:
            self.code(v)

    def code(self, value) -> int:
        code = self.index.get(value)
        if code is None:
            code = self.index[value] = len(self.values)
            self.values.append(value)
        return code


def encode_values(kind: str, values, vocab: Vocabulary | None = None) -> np.ndarray:
    """Python values (as the database driver returns them) as a column's array."""
    if kind == "cat":
        return np.fromiter((vocab.code(v) for v in values), dtype=DTYPES["cat"])
    return np.fromiter((encode_scalar(kind, v) for v in values), dtype=DTYPES[kind])
