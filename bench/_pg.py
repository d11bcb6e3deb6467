"""PostgreSQL pieces shared by the bench builders: the database, the band table's COPY rows."""

from __future__ import annotations

import numpy as np


def band_rows(ids: np.ndarray, keys: np.ndarray, is_open: np.ndarray) -> np.ndarray:
    """COPY BINARY tuples of (bigint case_id, bigint key, boolean is_open), built in numpy."""
    dtype = np.dtype(
        [
            ("n", ">i2"),
            ("l1", ">i4"),
            ("case", ">i8"),
            ("l2", ">i4"),
            ("key", ">i8"),
            ("l3", ">i4"),
            ("open", "u1"),
        ]
    )
    rows = np.empty(len(keys), dtype=dtype)
    rows["n"], rows["l1"], rows["l2"], rows["l3"] = 3, 8, 8, 1
    rows["case"], rows["key"], rows["open"] = ids, keys, is_open
    return rows


def ensure_database(url: str) -> None:
    """Creates the bench's database when it is not there yet."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
