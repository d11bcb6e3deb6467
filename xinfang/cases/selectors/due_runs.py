"""A page of a due queue, newest registration first, on PostgreSQL.

The cases of one due date lie together in cases_case_due_runs, newest first: each date is a
run in page order (and a body's cases of one date lie together in cases_case_held_due). A
page is merged from these runs, one per date and reason to see a case (selectors/arms.py):

1. the dates are found by stepping from one to the next in the index;
2. the newest case of each run is read, and the page's last place can go to no case older
   than the `limit`-th newest of those (each is a different case of the queue);
3. only the runs whose newest case is that new are read, up to `limit` cases each.

So a page costs about (due dates + page size x page size) index entries, however many cases
the queue holds: at 10,000,000 cases in bench/scale.py the overdue queue holds 540,000 over
about 700 dates.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import DateField, QuerySet
from django.db.models.expressions import RawSQL

from ..models import Case
from .arms import not_empty
from .cursors import NEWEST_FIRST

_MERGE = """
WITH RECURSIVE due_walk(day) AS (
    (SELECT next_due_on FROM {table}
      WHERE next_due_on >= %s AND next_due_on <= %s ORDER BY next_due_on LIMIT 1)
  UNION ALL
    SELECT (SELECT c.next_due_on FROM {table} c
             WHERE c.next_due_on > w.day AND c.next_due_on <= %s
             ORDER BY c.next_due_on LIMIT 1)
      FROM due_walk w WHERE w.day IS NOT NULL
), due_dates(day) AS (
    SELECT day FROM due_walk WHERE day IS NOT NULL
    UNION SELECT unnest(%s::date[])
), tops(day, id, registered_at) AS (
    SELECT due_day.day, top.id, top.registered_at
      FROM due_dates AS due_day CROSS JOIN LATERAL ({top}) AS top(id, registered_at)
), bound(registered_at) AS (
    SELECT registered_at FROM (SELECT DISTINCT id, registered_at FROM tops) AS distinct_tops
     ORDER BY registered_at DESC, id DESC OFFSET %s LIMIT 1
)
SELECT run.id
  FROM (SELECT DISTINCT day FROM tops
         WHERE NOT EXISTS (SELECT 1 FROM bound)
            OR registered_at >= (SELECT registered_at FROM bound)) AS due_day
 CROSS JOIN LATERAL ({run}) AS run(id, registered_at)
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
    parts = not_empty(parts)
    if not parts:
        return []
    top_sql, top_params = _runs(parts, 1)
    run_sql, run_params = _runs(parts, limit)
    sql = _MERGE.format(
        table=connection.ops.quote_name(Case._meta.db_table), top=top_sql, run=run_sql
    )
    params = (
        first or dt.date.min,
        last,
        last,
        list(extra_days),
        *top_params,
        limit - 1,
        *run_params,
        limit,
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [row[0] for row in cur.fetchall()]


def _runs(parts: list[QuerySet[Case]], size: int) -> tuple[str, list]:
    """The first `size` cases of each part due on due_day.day, newest first, as one union."""
    runs, params = [], []
    for part in parts:
        run = (
            part.filter(next_due_on=RawSQL("due_day.day", [], output_field=DateField()))
            .order_by(*NEWEST_FIRST)
            .values_list("pk", "registered_at")[:size]
        )
        sql, run_params = run.query.sql_with_params()
        runs.append(f"({sql})")
        params += run_params
    return " UNION ".join(runs), params
