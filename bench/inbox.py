"""Benchmark the workbench inbox: every queue and a Chinese full-text search, at the demo size and
at 100,000 cases, on PostgreSQL.

Builds the demo county's bodies and staff in a separate database, bulk-inserts synthetic cases
with their clocks (a generator, not the app's write path: no events, no notices), then times the
first page (50 rows) of each queue for a handler, a head, the supervisor and the leader, and a
search, with EXPLAIN ANALYZE. Writes bench/results/inbox.json.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench .venv/bin/python bench/inbox.py
  (options: --sizes 200,100000 --repeat 7 --keep)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xinfang_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
OUT = ROOT / "bench" / "results" / "inbox.json"

from _pg import ensure_database  # noqa: E402

TITLES = [
    ("小区拆迁补偿不到位", "拆迁补偿款至今未发放到位，请求尽快解决。"),
    ("楼顶漏水物业不维修", "我家住顶楼，雨天漏水，物业公司一直不管。"),
    ("拖欠农民工工资", "在工地干活半年，包工头拖欠工资三万元。"),
    ("宅基地边界纠纷", "邻居建房占用我家宅基地，村里调解未果。"),
    ("道路施工噪音扰民", "夜间施工噪音很大，严重影响休息。"),
    ("学校周边交通拥堵", "上下学时段学校门口交通拥堵，存在安全隐患。"),
    ("养老保险待遇核定有误", "退休后养老金核定标准低于同类人员。"),
    ("村务不公开", "村委会账目多年不公开，村民有意见。"),
    ("医保报销比例问题", "住院费用报销比例与政策规定不符。"),
    ("违章建筑未拆除", "小区内有人私搭乱建，多次反映未处理。"),
]


# The running clock of a generated case in each open state (a closed case's is stopped).
CLOCK_OF = {
    "registered": ("route", 15),
    "transferred": ("accept_notice", 15),
    "accepted": ("handle", 60),
    "decided": ("handle", 60),
    "under_review": ("review_decide", 30),
}


def setup(keep: bool):
    import django

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if not keep:
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def build_orgs():
    from xinfang.demo.county import build_demo_county, demo_county_exists

    if demo_county_exists():
        raise SystemExit("bench database already has the demo county; run without --keep")
    return build_demo_county(password="bench")


def generate(county, start: int, stop: int, today: dt.date, rng: random.Random) -> None:
    """Cases numbered start..stop-1, registered over the last two years, with their clocks."""
    from django.db import transaction

    from xinfang.cases import search
    from xinfang.cases.models import Case, Clock

    segmented = [search.search_text(t, b, "") for t, b in TITLES]
    holders = list(county.departments.values()) + [county.government, county.office]
    holders += list(county.township_bodies.values())
    places = [county.county] + county.townships + county.villages
    channels = ["web", "mobile", "letter", "visit", "phone"]
    open_states = ["registered", "transferred", "accepted", "decided", "under_review"]
    closed_states = ["closed", "not_accepted", "redirected", "final"]
    batch = 5000
    for lo in range(start, stop, batch):
        hi = min(stop, lo + batch)
        cases = []
        for i in range(lo, hi):
            age = int(rng.random() ** 2 * 730)  # more recent cases than old ones
            registered = dt.datetime.combine(
                today - dt.timedelta(days=age), dt.time(9, rng.randrange(60)), dt.UTC
            )
            is_open = age < 75 or rng.random() < 0.05
            state = rng.choice(open_states) if is_open else rng.choice(closed_states)
            _period, days = CLOCK_OF.get(state, ("handle", 60))
            t = rng.randrange(len(TITLES))
            holder = rng.choice(holders)
            cases.append(
                Case(
                    number=f"XF-BENCH-{i:08d}",
                    tracking_code=f"B{i:09d}",
                    query_password_hash="x",
                    registered_at=registered,
                    registering_body=county.office,
                    holder_body=holder,
                    sender_body=county.office if state != "registered" else None,
                    channel=rng.choice(channels),
                    content_type="appeal",
                    place=rng.choice(places),
                    title=TITLES[t][0],
                    body=TITLES[t][1],
                    search_text=segmented[t],
                    state=state,
                    extension_requested=state == "accepted" and rng.random() < 0.05,
                    supervised=is_open and rng.random() < 0.03,
                    # As the clock service keeps it: the one running clock below.
                    next_due_on=(registered.date() + dt.timedelta(days=days))
                    if state in open_states
                    else None,
                )
            )
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=1000)
            clocks = []
            for c in cases:
                started = c.registered_at.date()
                period, days = CLOCK_OF.get(c.state, ("handle", 60))
                due = started + dt.timedelta(days=days)
                running = c.state in open_states
                clocks.append(
                    Clock(
                        case=c,
                        period=period,
                        unit="calendar",
                        days=days,
                        started_on=started,
                        due_on=due,
                        status=Clock.RUNNING if running else Clock.STOPPED,
                        stopped_on=None if running else min(due, today),
                        met=None if running else True,
                    )
                )
                if c.state in ("closed", "final"):
                    clocks.append(
                        Clock(
                            case=c,
                            period="rating",
                            unit="calendar",
                            days=30,
                            started_on=started,
                            due_on=started + dt.timedelta(days=30),
                            status=Clock.STOPPED,
                            stopped_on=started,
                        )
                    )
            Clock.objects.bulk_create(clocks, batch_size=2000)
        print(f"  {hi} cases", flush=True)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE cases_case; ANALYZE cases_clock;")


def measure(county, repeat: int) -> dict:
    from django.contrib.auth import get_user_model

    from xinfang.cases.selectors import InboxFilters, inbox, inbox_queryset, inbox_queues

    users = get_user_model().objects
    who = {
        "handler": users.get(username="zhujian_handler"),
        "head": users.get(username="zhujian_head"),
        "supervisor": users.get(username="supervisor"),
        "leader": users.get(username="leader"),
    }
    runs = []
    for role, user in who.items():
        for queue in inbox_queues(user):
            runs.append((role, queue, InboxFilters()))
        runs.append((role, "all", InboxFilters(q="拆迁")))
        runs.append((role, "all", InboxFilters(q="拆迁 补偿")))
    out = []
    for role, queue, filters in runs:
        user = who[role]
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            page = inbox(user, queue, filters, None, 50)
            times.append((time.perf_counter() - t0) * 1000)
        plan = inbox_queryset(user, queue, filters)[:51].explain(analyze=True)
        exec_ms = re.search(r"Execution Time: ([\d.]+) ms", plan)
        out.append(
            {
                "user": role,
                "queue": queue,
                "search": filters.q,
                "rows_on_page": len(page.items),
                "median_ms": round(statistics.median(times), 2),
                "max_ms": round(max(times), 2),
                "sql_execution_ms": float(exec_ms.group(1)) if exec_ms else None,
                "uses_search_index": "cases_case_search_gin" in plan,
                "plan": plan.splitlines()[:12],
            }
        )
        print(f"  {role:10} {queue:10} {filters.q:6} {out[-1]['median_ms']:8.2f} ms", flush=True)
    return {"runs": out}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="200,100000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database's tables")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    setup(args.keep)
    from django.db import connection

    from xinfang.cases.models import Case
    from xinfang.core.timeutil import today

    if connection.vendor != "postgresql":
        raise SystemExit("the inbox benchmark runs on PostgreSQL (set DATABASE_URL)")
    county = build_orgs()
    rng = random.Random(4)
    results = {}
    made = 0
    for size in sizes:
        print(f"generating up to {size} cases", flush=True)
        t0 = time.perf_counter()
        generate(county, made, size, today(), rng)
        made = size
        print(f"measuring at {Case.objects.count()} cases", flush=True)
        results[str(size)] = {
            "generate_seconds": round(time.perf_counter() - t0, 1),
            **measure(county, args.repeat),
        }
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        pg_version = cur.fetchone()[0]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "what": "first page (50) of each inbox queue and a search, via selectors.inbox",
                "database": pg_version,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "page_size": 50,
                "repeat": args.repeat,
                "sizes": results,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
