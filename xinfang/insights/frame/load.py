"""Reading the fact rows and the staff deadlines into columns.

On PostgreSQL a whole table comes in binary COPY, every column as a fixed-width whole number,
read by numpy in one step (a million fact rows in about a second); elsewhere, and for the few
rows a refresh reads, through the ORM, value by value.
"""

from __future__ import annotations

import numpy as np
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from psycopg import ClientCursor, sql

from xinfang.cases.selectors import staff_clocks
from xinfang.orgs.models import Division

from ..models import CaseFact
from .columns import DTYPES, NULL, Column, Vocabulary, encode_values

# The fact row's columns the figures read, by kind (columns.py).
FACT_KINDS = {
    "case_id": "num",
    "registered_on": "date",
    "channel": "cat",
    "content_type": "cat",
    "online": "bool",
    "category_id": "num",
    "place_id": "cat",
    "township_id": "cat",
    "village_id": "cat",
    "holder_body_id": "num",
    "registering_body_id": "num",
    "sender_body_id": "num",
    "accused_body_id": "num",
    "filed_by_id": "num",
    "state": "cat",
    "is_repeat": "bool",
    "answered_on": "date",
    "handling_days": "num",
    "rating": "cat",
    "rating_window_status": "cat",
    "rating_window_due": "date",
    "resolved": "bool",
    "leader_body_id": "num",
    "leader_deadline": "date",
    "folded_at": "stamp",
}
CLOCK_KINDS = {
    "case_id": "num",
    "period": "cat",
    "status": "cat",
    "due_on": "date",
    "stopped_on": "date",
    "met": "bool",
}
# Cat columns holding a division's code (digits), read from PostgreSQL as numbers.
DIVISION_CODES = frozenset({"place_id", "township_id", "village_id"})


def frame_clocks():
    """The deadlines a frame holds, in any status: those of bodies, the only ones the figures
    count."""
    return staff_clocks(status=None)


class Columns:
    """Arrays being filled, with the vocabularies of their cat columns."""

    def __init__(self, kinds: dict[str, str]):
        self.kinds = kinds
        self.vocab = {n: Vocabulary() for n, k in kinds.items() if k == "cat"}
        self.parts: dict[str, list[np.ndarray]] = {n: [] for n in kinds}

    def add_rows(self, rows: list[tuple]) -> None:
        for i, (name, kind) in enumerate(self.kinds.items()):
            values = [r[i] for r in rows]
            self.parts[name].append(encode_values(kind, values, self.vocab.get(name)))

    def columns(self) -> dict[str, Column]:
        out = {}
        for name, kind in self.kinds.items():
            parts = self.parts[name]
            data = np.concatenate(parts) if parts else np.zeros(0, dtype=DTYPES[kind])
            self.parts[name] = [data]  # one copy, shared with the column
            vocab = self.vocab[name].values if kind == "cat" else []
            out[name] = Column(kind, data, vocab)
        return out


def orm_rows(qs, kinds: dict[str, str], into: Columns, batch: int = 20_000) -> None:
    rows = qs.order_by().values_list(*kinds)
    chunk = []
    for row in rows.iterator(chunk_size=batch):
        chunk.append(row)
        if len(chunk) == batch:
            into.add_rows(chunk)
            chunk = []
    if chunk:
        into.add_rows(chunk)


def load(kinds: dict[str, str], qs) -> Columns:
    into = Columns(kinds)
    if connection.vendor == "postgresql":
        _copy_rows(qs, kinds, into)
    else:
        orm_rows(qs, kinds, into)
    return into


def load_facts() -> Columns:
    return load(FACT_KINDS, CaseFact.objects.all())


def load_clocks() -> Columns:
    return load(CLOCK_KINDS, frame_clocks())


# --- PostgreSQL: binary COPY of whole numbers --------------------------------------------

BATCH = 200_000


def _expression(name: str, kind: str, vocab: list) -> tuple[sql.Composable, str]:
    col = sql.Identifier(name)
    if kind == "date":
        return sql.SQL("COALESCE(({} - DATE '0001-01-01') + 1, -1)::int4").format(col), ">i4"
    if kind == "bool":
        return sql.SQL("COALESCE({}::int, -1)::int4").format(col), ">i4"
    if kind == "stamp":
        return sql.SQL("(EXTRACT(EPOCH FROM {}) * 1000000)::int8").format(col), ">i8"
    if kind == "cat" and name in DIVISION_CODES:
        return sql.SQL("COALESCE({}::bigint, -1)").format(col), ">i8"
    if kind == "cat":
        array = sql.SQL("ARRAY[{}]::text[]").format(
            sql.SQL(", ").join(sql.Literal(v) for v in vocab)
        )
        # array_position finds NULL too; a value not listed (new since) reads -2: unknown.
        return sql.SQL("COALESCE(array_position({}, {}) - 1, -2)::int4").format(array, col), ">i4"
    return sql.SQL("COALESCE({}, -1)::int4").format(col), ">i4"


def _where(qs) -> tuple[str, list]:
    """The queryset's own filter as SQL over its unaliased table (TRUE when it has none)."""
    compiler = qs.query.get_compiler(connection=connection)
    try:
        where, params = compiler.compile(qs.query.where)
    except EmptyResultSet:
        return "FALSE", []
    except FullResultSet:
        return "TRUE", []
    return (where or "TRUE"), list(params)


def _copy_rows(qs, kinds: dict[str, str], into: Columns) -> None:
    meta = qs.model._meta
    table, pk = meta.db_table, meta.pk.column
    where, params = _where(qs)
    cats = [n for n, k in kinds.items() if k == "cat" and n not in DIVISION_CODES]
    with connection.cursor() as cur:
        # The enumerations' distinct values first, in one pass.
        if cats:
            cur.execute(f"SELECT DISTINCT {', '.join(cats)} FROM {table} WHERE {where}", params)
            for row in cur.fetchall():
                for name, v in zip(cats, row, strict=True):
                    into.vocab[name].code(v)
        cur.execute(f"SELECT MIN({pk}), MAX({pk}) FROM {table} WHERE {where}", params)
        low, high = cur.fetchone()
    if low is None:
        return
    raw = connection.connection
    exprs, dtype = [], [("fields", ">i2")]
    for name, kind in kinds.items():
        e, t = _expression(name, kind, into.vocab[name].values if name in into.vocab else [])
        exprs.append(e.as_string(raw))
        dtype += [(f"length_{name}", ">i4"), (name, t)]
    row_type = np.dtype(dtype)
    binder = ClientCursor(raw)
    for start in range(low, high + 1, BATCH):
        select = binder.mogrify(
            f"SELECT {', '.join(exprs)} FROM {table} WHERE {pk} BETWEEN %s AND %s AND ({where})",
            [start, start + BATCH - 1, *params],
        )
        buf = bytearray()
        with raw.cursor() as c, c.copy(f"COPY ({select}) TO STDOUT (FORMAT BINARY)") as copy:
            for block in copy:
                buf += block
        rows = _rows(buf, row_type)
        for name, kind in kinds.items():
            _add_array(into, name, kind, rows[name])


def _rows(buf: bytearray, row_type: np.dtype) -> np.ndarray:
    """The rows of a binary COPY whose every field is a whole number, none NULL: a signature,
    flags and an extension area, then each row's field count and each field's length and
    value, then a trailer."""
    header = 11 + 4
    offset = header + 4 + int.from_bytes(buf[header : header + 4], "big")
    count = (len(buf) - offset - 2) // row_type.itemsize
    return np.frombuffer(buf, dtype=row_type, count=count, offset=offset)


def _add_array(into: Columns, name: str, kind: str, values: np.ndarray) -> None:
    if kind == "cat" and name in DIVISION_CODES:
        into.parts[name].append(_division_codes(values, into.vocab[name]))
    elif kind == "cat":
        # -2: a value that appeared after its vocabulary was read; a refresh rereads it.
        codes = values.astype(DTYPES["cat"])
        if (codes == -2).any():
            codes[codes == -2] = into.vocab[name].code(UNKNOWN)
        into.parts[name].append(codes)
    else:
        into.parts[name].append(values.astype(DTYPES[kind]))


UNKNOWN = object()


def _division_codes(numbers: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    values, inverse = np.unique(numbers, return_inverse=True)
    known = {int(c): c for c in Division.objects.values_list("code", flat=True)}
    lut = np.array(
        [vocab.code(None if v == NULL else known.get(int(v), str(int(v)))) for v in values],
        dtype=DTYPES["cat"],
    )
    return lut[inverse]
