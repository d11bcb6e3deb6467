"""A page of a due queue, newest registration first, on PostgreSQL.

The cases of one due date lie together in cases_case_next_due_at, newest first: each date is a
run in page order, and a body's cases of one date lie together in cases_case_held_due. The
page is merged from the first `limit` cases of each date's run for each reason the user has
to see a case, so it costs (due dates) x (page size) index entries however many cases the
queue holds: at 10,000,000 cases in bench/scale.py the overdue queue holds 540,000, over
about 700 dates.
The dates themselves are found by stepping from one to the next in the same index.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import DateField, QuerySet
from django.db.models.expressions import RawSQL

from ..models import Case
from .arms import not_empty

_MERGE = """
WITH RECURSIVE due_walk(day) AS (
    (SELECT next_due_on FROM {table}
      WHERE next_due_on >= %s AND next_due_on <= %s ORDER BY next_due_on LIMIT 1)
  UNION ALL
    SELECT (SELECT c.next_due_on FROM {table} c
             WHERE c.next_due_on > w.day AND c.next_due_on <= %s
             ORDER BY c.next_due_on LIMIT 1)
      FROM due_walk w WHERE w.day IS NOT NULL
), due_day(day) AS (
    SELECT day FROM due_walk WHERE day IS NOT NULL
    UNION SELECT unnest(%s::date[])
)
SELECT run.id FROM due_day CROSS JOIN LATERAL ({run}) AS run(id, registered_at)
ORDER BY run.registered_at DESC, run.id DESC
LIMIT %s
"""


def newest_of_due_runs(
    parts: list[QuerySet[Case]],
    *,
    first: dt.date | None,
    last: dt.date,
    extra_days: tuple[dt.date, ...] = (),
    limit: int,
) -> list[int]:
    """Ids of the `limit` newest cases of the union of `parts` (a due queue after its filters
    and cursor, one part per reason to see a case: selectors/arms.py), each of its cases due
    between `first` and `last` or on one of `extra_days`, newest first."""
    runs, run_params = [], []
    for part in not_empty(parts):
        run = (
            part.filter(next_due_on=RawSQL("due_day.day", [], output_field=DateField()))
            .order_by("-registered_at", "-pk")
            .values_list("pk", "registered_at")[:limit]
        )
        sql, params = run.query.sql_with_params()
        runs.append(f"({sql})")
        run_params += params
    if not runs:
        return []
    sql = _MERGE.format(
        table=connection.ops.quote_name(Case._meta.db_table), run=" UNION ".join(runs)
    )
    params = (first or dt.date.min, last, last, list(extra_days), *run_params, limit)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [row[0] for row in cur.fetchall()]
