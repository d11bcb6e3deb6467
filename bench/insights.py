"""Time the statistics, scorecard and map requests on PostgreSQL with many cases.

Reuses the scale builder (bench/scale.py, bench/_scale_data.py) for the demo county and N
synthetic cases with their clocks and timelines, then fills the statistics' fact rows for them
in one INSERT ... SELECT from the cases and their timelines (the fold, case by case, would take
an hour at this size; the columns filled are those the pages read), in the order the cases were
registered, as a running system folds them. Then it reads the pages' in-memory frame of those
rows (xinfang/insights/frame) and times that reading, its size and a look for newly folded rows;
then, in-process through the test client (middleware, view, queries, template), runs each
page: the county analyst's statistics over a year, a quarter and a month, with filters; the
lists of cases behind numbers; the scorecards of bodies and townships for a month and a
quarter; the county and township maps for intake, overdue cases and grid items; and a township
leader's own statistics, list and map. Writes
bench/results/insights_<cases>.json with p50/p95 and the machine load.

Usage (the machine may be shared: say so with the figures):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_map \\
    .venv/bin/python bench/insights.py --cases 1000000
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
RESULTS = ROOT / "bench" / "results"

import scale  # noqa: E402

FILL_FACTS = """
INSERT INTO insights_casefact (
    case_id, registered_on, channel, content_type, online, category_id, category_code,
    place_id, place_path, township_id, village_id, holder_body_id, registering_body_id,
    sender_body_id, accused_body_id, filed_by_id, state, is_repeat,
    answered_on, handling_days, rating, rating_window_status, rating_window_due, resolved,
    leader_body_id, leader_deadline, folded_events, folded_at)
SELECT c.id, (c.registered_at AT TIME ZONE %(tz)s)::date, c.channel, c.content_type,
    c.channel IN ('web', 'mobile'), c.category_id, COALESCE(cat.code, ''),
    c.place_id, d.path,
    CASE WHEN d.level = 4 THEN d.code WHEN d.level = 5 THEN d.parent_id END,
    CASE WHEN d.level = 5 THEN d.code END,
    c.holder_body_id, c.registering_body_id, c.sender_body_id, c.accused_body_id,
    c.filed_by_id, c.state, false,
    (a.at AT TIME ZONE %(tz)s)::date,
    (a.at AT TIME ZONE %(tz)s)::date - (c.registered_at AT TIME ZONE %(tz)s)::date,
    COALESCE(c.rating, ''), r.status, r.due_on,
    a.at IS NOT NULL AND COALESCE(c.rating, '') <> 'unsatisfied',
    NULL, NULL, c.event_count, now()
FROM cases_case c
JOIN orgs_division d ON d.code = c.place_id
LEFT JOIN taxonomy_category cat ON cat.id = c.category_id
LEFT JOIN (
    SELECT case_id, min(at) AS at FROM cases_caseevent
    WHERE to_state IN ('replied', 'mediated', 'review_decided', 'final') GROUP BY case_id
) a ON a.case_id = c.id
LEFT JOIN cases_clock r ON r.case_id = c.id AND r.period = 'rating'
WHERE NOT EXISTS (SELECT 1 FROM insights_casefact f WHERE f.case_id = c.id)
ORDER BY c.registered_at
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


def pages(today: dt.date) -> list[tuple[str, str, str]]:
    """(who, kind, url) of every request timed."""
    from xinfang.demo.county import STAFFED_TOWNSHIP

    y, m = today.year, today.month
    quarter = (m - 1) // 3 + 1
    st = "/desk/statistics/?"
    mp = f"/desk/map/?period=year&year={y}"
    sc = "/desk/scorecards/?"
    ls = f"/desk/statistics/cases/?period=year&year={y}&figure="
    return [
        ("analyst", "statistics", f"{st}period=year&year={y}"),
        ("analyst", "statistics", f"{st}period=quarter&year={y}&quarter={quarter}"),
        ("analyst", "statistics", f"{st}period=month&year={y}&month={m}"),
        ("analyst", "statistics", f"{st}period=year&year={y}&channel=web"),
        ("analyst", "statistics", f"{st}period=year&year={y}&division={STAFFED_TOWNSHIP}"),
        ("analyst", "statistics", f"{st}period=year&year={y}&category=01&level=2"),
        ("township leader", "statistics", f"{st}period=year&year={y}"),
        ("analyst", "list", f"{ls}intake"),
        ("analyst", "list", f"{ls}intake&key=channel:web&page=3"),
        ("analyst", "list", f"{ls}overdue"),
        ("analyst", "list", f"{ls}late&key=period:handle"),
        ("analyst", "list", f"{ls}awaiting"),
        ("township leader", "list", f"{ls}intake"),
        ("analyst", "scorecard", f"{sc}period=month&year={y}&month={m}"),
        ("analyst", "scorecard", f"{sc}period=quarter&year={y}&quarter={quarter}"),
        ("analyst", "scorecard", f"{sc}period=month&year={y}&month={m}&unit=township"),
        ("analyst", "scorecard", f"{sc}period=quarter&year={y}&quarter={quarter}&unit=township"),
        ("analyst", "map", f"{mp}&measure=intake"),
        ("analyst", "map", f"{mp}&measure=overdue"),
        ("analyst", "map", f"{mp}&measure=grid"),
        ("analyst", "map", f"{mp}&measure=intake&channel=web"),
        ("analyst", "map", f"{mp}&measure=intake&division={STAFFED_TOWNSHIP}"),
        ("analyst", "map", f"{mp}&measure=overdue&division={STAFFED_TOWNSHIP}"),
        ("township leader", "map", f"{mp}&measure=intake"),
        ("township leader", "map", f"{mp}&measure=overdue"),
    ]


def frame_figures(log=print) -> dict:
    """The in-memory frame the pages count over (xinfang/insights/frame): how long a whole
    reading takes, what it holds, and what a look for newly folded rows costs, with none and
    with 1,000 rows folded since."""
    from django.db import connection

    from xinfang.insights import frame

    def rss_mb() -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

    before = rss_mb()
    frame.reset()
    t0 = time.perf_counter()
    held = frame.current()
    load_s = time.perf_counter() - t0
    out = {
        "load_seconds": round(load_s, 2),
        "fact_rows": held.facts.size,
        "deadline_rows": held.clocks.size,
        "arrays_mb": round(
            sum(
                c.data.nbytes for c in {id(c.data): c for c in held.facts.columns.values()}.values()
            )
            / 1e6
            + sum(c.data.nbytes for c in held.clocks.columns.values()) / 1e6,
            1,
        ),
        "process_mb_added": round(rss_mb() - before, 1),
    }
    t0 = time.perf_counter()
    held.refresh()
    out["refresh_nothing_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    with connection.cursor() as cur:
        # As if 1,000 cases had just been folded (the stamp is all a look reads by).
        cur.execute(
            "UPDATE insights_casefact SET folded_at = now() WHERE case_id IN "
            "(SELECT case_id FROM insights_casefact ORDER BY case_id DESC LIMIT 1000)"
        )
    t0 = time.perf_counter()
    changed = held.refresh()
    out["refresh_1000_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    out["refresh_1000_rows_read"] = changed
    log(f"  frame: {out}")
    return out


def measure(runs: int, *, only: str = "", log=print) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from xinfang.core.timeutil import today

    analyst = Client()
    analyst.force_login(get_user_model().objects.get(username="analyst"))
    town = Client()
    town.force_login(township_leader())
    clients = {"analyst": analyst, "township leader": town}
    out = []
    for who, kind, url in pages(today()):
        if only and kind != only:
            continue
        client = clients[who]
        warm = client.get(url)  # warm: connection, templates, shapes
        if warm.status_code != 200:
            raise SystemExit(f"{url} answered {warm.status_code}")
        total = re.search(r'id="map-total">(\d+)<', warm.content.decode())
        row = {"user": who, "kind": kind, "total": int(total.group(1)) if total else None}
        row.update(scale._timed(client, url, runs))
        log(f"  {row['p50_ms']:8.1f} ms p50 {row['p95_ms']:8.1f} ms p95  {who}  {url}")
        out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", choices=["statistics", "list", "scorecard", "map"], default="")
    ap.add_argument("--out", help="results file (default bench/results/insights_<cases>.json)")
    args = ap.parse_args()

    result = {
        "what": "statistics, scorecard and map requests, in-process (Django test client)",
        "uptime_before": scale.uptime(),
    }
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
    result["frame"] = frame_figures()
    result["pages"] = measure(args.runs, only=args.only)
    result["uptime_after"] = scale.uptime()
    result["when"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    result["python"] = platform.python_version()
    result["cpus"] = os.cpu_count()
    out = Path(args.out) if args.out else RESULTS / f"insights_{args.cases}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
