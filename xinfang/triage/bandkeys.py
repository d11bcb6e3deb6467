"""Where the look-alike index keeps each case's LSH band keys, by database engine.

Only open cases are looked up, so only open cases keep keys: a closed case's are dropped (its
signature stays, for clustering) and made again from its signature should it open again.

PostgreSQL: in the case's signature row, as one bigint[] column (triage_similarityentry.band_keys,
the keys in band order) with a GIN index over the open cases' rows: about 0.3 KB an open case,
where a row per (case, key) of every case with two B-tree indexes took 3 KB a case. SQLite has no
index over array elements: there the keys stay one row per (case, key) in triage_lshband, indexed
by key, and go with their entry (ON DELETE CASCADE). Migration 0004 sets up each.

Either way a lookup ranks the open cases sharing a band key by how many keys they share, then
case id, and returns the first ones with their signatures.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from .models import SimilarityEntry

ENTRY = SimilarityEntry._meta.db_table
BANDS = "triage_lshband"  # SQLite only


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def write(rows: list[tuple[int, bytes, bool, list[int]]], *, scheme: str) -> None:
    """(case id, signature, is open, band keys) per case, replacing those cases' entries (the
    keys kept for open cases only). Run inside the caller's transaction."""
    SimilarityEntry.objects.filter(case_id__in=[r[0] for r in rows]).delete()
    now = timezone.now()
    with connection.cursor() as cur:
        if _postgres():
            cur.executemany(
                f"INSERT INTO {ENTRY} (case_id, signature, scheme, is_open, indexed_at, band_keys)"
                " VALUES (%s, %s, %s, %s, %s, %s::bigint[])",
                [
                    (pk, sig, scheme, is_open, now, keys if is_open else None)
                    for pk, sig, is_open, keys in rows
                ],
            )
            return
        SimilarityEntry.objects.bulk_create(
            SimilarityEntry(case_id=pk, signature=sig, scheme=scheme, is_open=is_open)
            for pk, sig, is_open, _keys in rows
        )
        cur.executemany(
            f"INSERT INTO {BANDS} (case_id, key) VALUES (%s, %s)",
            [(pk, k) for pk, _sig, is_open, keys in rows if is_open for k in keys],
        )


def set_open(case_id: int, keys: list[int] | None) -> None:
    """Take a case into the lookups with its band keys, or out of them (keys None)."""
    with connection.cursor() as cur:
        if _postgres():
            cur.execute(
                f"UPDATE {ENTRY} SET is_open = %s, band_keys = %s::bigint[] WHERE case_id = %s",
                [keys is not None, keys, case_id],
            )
            return
        SimilarityEntry.objects.filter(case_id=case_id).update(is_open=keys is not None)
        cur.execute(f"DELETE FROM {BANDS} WHERE case_id = %s", [case_id])
        cur.executemany(
            f"INSERT INTO {BANDS} (case_id, key) VALUES (%s, %s)",
            [(case_id, k) for k in keys or []],
        )


def keys_of(case_id: int) -> list[int]:
    """A case's stored band keys, in band order (none for a closed case)."""
    with connection.cursor() as cur:
        if _postgres():
            cur.execute(f"SELECT band_keys FROM {ENTRY} WHERE case_id = %s", [case_id])
            row = cur.fetchone()
            return list(row[0] or []) if row else []
        cur.execute(f"SELECT key FROM {BANDS} WHERE case_id = %s ORDER BY key", [case_id])
        return [k for (k,) in cur.fetchall()]


def candidates_query(keys: list[int], limit: int) -> tuple[str, list]:
    """SQL and parameters: (case id, signature) of the open cases sharing any of these band
    keys (one per band, in band order), most shared keys first, then case id; at most `limit`."""
    if _postgres():
        # A key carries its band number in its top bits, so a case shares band i's key exactly
        # when its i-th element equals it: the count is a sum over the positions, no unnest.
        shared = " + ".join(f"(band_keys[{i}] = %s)::int" for i in range(1, len(keys) + 1))
        return (
            f"SELECT case_id, signature FROM {ENTRY}"
            # The condition of the partial GIN index.
            " WHERE band_keys && %s::bigint[] AND is_open"
            f" ORDER BY {shared} DESC, case_id LIMIT %s",
            [list(keys), *keys, limit],
        )
    marks = ", ".join(["%s"] * len(keys))
    return (
        f"WITH hits AS (SELECT case_id, COUNT(*) AS n FROM {BANDS}"
        f" WHERE key IN ({marks})"
        " GROUP BY case_id ORDER BY n DESC, case_id LIMIT %s)"
        f" SELECT e.case_id, e.signature FROM hits JOIN {ENTRY} e ON e.case_id = hits.case_id"
        " ORDER BY hits.n DESC, e.case_id",
        [*keys, limit],
    )
