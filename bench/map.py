"""Time the map request (/desk/map/) on PostgreSQL with many cases.

Reuses the scale builder (bench/scale.py, bench/_scale_data.py) for the demo county and N
synthetic cases with their clocks, then fills the statistics' fact rows for them in one
INSERT ... SELECT (the scale builder writes no fact rows; the fold would take an hour at this
size, and the map reads only the columns filled here). Then, in-process through the test client
(middleware, view, queries, template), runs each map page: the county analyst's county and
township maps for intake, overdue cases and grid items over a year, with a filter, and a
township leader's own map. Writes bench/results/map.json with p50/p95 and the machine load.

Usage (the machine is shared: run it niced):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_map \\
    nice -n 19 .venv/bin/python bench/map.py --cases 100000
  options: --runs 15  --workers 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xinfang_map")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
os.environ.setdefault("XINFANG_ALLOWED_HOSTS", "testserver,localhost")
OUT = ROOT / "bench" / "results" / "map.json"

import scale  # noqa: E402

FILL_FACTS = """
INSERT INTO insights_casefact (
    case_id, registered_on, channel, content_type, online, category_id, category_code,
    place_id, place_path, township_id, village_id, holder_body_id, state, is_repeat,
    answered_on, handling_days, rating, rating_window_status, rating_window_due, resolved,
    leader_body_id, leader_deadline, folded_events, folded_at)
SELECT c.id, (c.registered_at AT TIME ZONE %(tz)s)::date, c.channel, c.content_type,
    c.channel IN ('web', 'mobile'), c.category_id, COALESCE(cat.code, ''),
    c.place_id, d.path,
    CASE WHEN d.level = 4 THEN d.code WHEN d.level = 5 THEN d.parent_id END,
    CASE WHEN d.level = 5 THEN d.code END,
    c.holder_body_id, c.state, false, NULL, NULL, COALESCE(c.rating, ''), NULL, NULL, false,
    NULL, NULL, c.event_count, now()
FROM cases_case c
JOIN orgs_division d ON d.code = c.place_id
LEFT JOIN taxonomy_category cat ON cat.id = c.category_id
WHERE NOT EXISTS (SELECT 1 FROM insights_casefact f WHERE f.case_id = c.id)
"""


def fill_facts() -> dict:
    from django.conf import settings
    from django.db import connection, transaction

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(FILL_FACTS, {"tz": settings.TIME_ZONE})
        n = cur.rowcount
        cur.execute("ANALYZE insights_casefact")
    return {"fact_rows_written": n, "seconds": round(time.perf_counter() - t0, 1)}


def township_leader():
    """A leader at the staffed township's government (the demo has none): their own map."""
    from django.contrib.auth import get_user_model

    from xinfang.demo.county import STAFFED_TOWNSHIP
    from xinfang.orgs.models import Body, Membership

    users = get_user_model().objects
    user = users.filter(username="bench_town_leader").first()
    if user is None:
        user = users.create_user("bench_town_leader", password="bench-town-leader")
        body = Body.objects.filter(division_id=STAFFED_TOWNSHIP, kind="township").first()
        Membership.objects.create(user=user, body=body, role="leader")
    return user


def measure(runs: int, *, log=print) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from xinfang.core.timeutil import today
    from xinfang.demo.county import STAFFED_TOWNSHIP

    year = today().year
    analyst = Client()
    analyst.force_login(get_user_model().objects.get(username="analyst"))
    town = Client()
    town.force_login(township_leader())
    q = f"/desk/map/?period=year&year={year}"
    pages = [
        ("analyst", analyst, f"{q}&measure=intake"),
        ("analyst", analyst, f"{q}&measure=overdue"),
        ("analyst", analyst, f"{q}&measure=grid"),
        ("analyst", analyst, f"{q}&measure=intake&channel=web"),
        ("analyst", analyst, f"{q}&measure=intake&division={STAFFED_TOWNSHIP}"),
        ("analyst", analyst, f"{q}&measure=overdue&division={STAFFED_TOWNSHIP}"),
        ("township leader", town, f"{q}&measure=intake"),
        ("township leader", town, f"{q}&measure=overdue"),
        # For comparison: the statistics page over the same cases and filters.
        ("analyst", analyst, f"/desk/statistics/?period=year&year={year}"),
    ]
    out = []
    for who, client, url in pages:
        warm = client.get(url)  # warm: connection, templates, shapes
        if warm.status_code != 200:
            raise SystemExit(f"{url} answered {warm.status_code}")
        total = re.search(r'id="map-total">(\d+)<', warm.content.decode())
        row = {"user": who, "total": int(total.group(1)) if total else None}
        row.update(scale._timed(client, url, runs))
        log(
            f"  {row['p50_ms']:8.1f} ms p50 {row['p95_ms']:8.1f} ms p95"
            f"  total {row['total']}  {who}  {url}"
        )
        out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    result = {"what": "map request (/desk/map/)", "uptime_before": scale.uptime()}
    scale.prepare()
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    # Pages are timed for a signed-in user; the sign-in's second step is not what is measured.
    settings.SIGNIN = {**settings.SIGNIN, "OTP_REQUIRED_ROLES": frozenset()}

    result["build"] = scale.build(args.cases, workers=args.workers)
    result["facts"] = fill_facts()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case")
        result["cases"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM insights_casefact")
        result["fact_rows"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM cases_clock")
        result["clocks"] = cur.fetchone()[0]
        cur.execute("SELECT version()")
        result["database"] = cur.fetchone()[0].split(",")[0]
    print(f"{result['cases']:,} cases, {result['fact_rows']:,} fact rows; measuring")
    result["runs"] = args.runs
    result["pages"] = measure(args.runs)
    result["uptime_after"] = scale.uptime()
    result["when"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    result["python"] = platform.python_version()
    result["cpus"] = os.cpu_count()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
