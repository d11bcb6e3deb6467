"""Benchmark the grid rounds status and the counts per village and town at 300 villages, on
PostgreSQL: the selectors and the whole page (/desk/field/rounds/) as an overseer of the county.

Builds one county (20 towns of 15 villages, each with its committee and a grid worker), 10 ledger
items, 5 民情日志 entries and a month of daily rounds in every other village, then times each
read and counts its statements. Writes bench/results/grid_rounds.json.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_fieldwork_bench \
      .venv/bin/python bench/grid_rounds.py   (options: --repeat 15)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xinfang_fieldwork_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
OUT = ROOT / "bench" / "results" / "grid_rounds.json"
TOWNS, VILLAGES_PER_TOWN = 20, 15
DAY = dt.date(2026, 3, 31)

from _pg import ensure_database  # noqa: E402


def setup():
    import django

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def build():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from xinfang.cases.fieldwork_models import FieldNote, GridRound
    from xinfang.cases.models import GridItem
    from xinfang.orgs.models import Body, BodyKind, Division, Level, Membership

    User = get_user_model()
    province = Division.objects.create(code="370000", name="山东省", level=Level.PROVINCE)
    city = Division.objects.create(code="370600", name="烟台市", level=Level.CITY, parent=province)
    county = Division.objects.create(code="370687", name="海阳市", level=Level.COUNTY, parent=city)
    office = Body.objects.create(
        name="海阳市信访局", kind=BodyKind.PETITION_OFFICE, division=county
    )
    supervisor = User.objects.create_user("supervisor", password="bench")
    Membership.objects.create(user=supervisor, body=office, role="supervisor")
    tz = timezone.get_default_timezone()
    items, notes, rounds = [], [], []
    for t in range(TOWNS):
        town = Division.objects.create(
            code=f"370687{101 + t:03d}", name=f"第{t + 1}镇", level=Level.TOWNSHIP, parent=county
        )
        town_body = Body.objects.create(
            name=f"第{t + 1}镇人民政府", kind=BodyKind.TOWNSHIP, division=town
        )
        for v in range(VILLAGES_PER_TOWN):
            village = Division.objects.create(
                code=f"{town.code}{201 + v:03d}",
                name=f"第{t + 1}镇{v + 1}村",
                level=Level.VILLAGE,
                parent=town,
            )
            body = Body.objects.create(
                name=f"{village.name}村民委员会",
                kind=BodyKind.VILLAGE,
                division=village,
                parent=town_body,
            )
            worker = User.objects.create_user(f"grid{t}_{v}", password="bench")
            Membership.objects.create(user=worker, body=body, role="grid_worker")
            for i in range(10):
                items.append(
                    GridItem(
                        kind="dispute" if i % 2 else "hazard",
                        title=f"事项{i}",
                        description="现场发现的情况",
                        place=village,
                        reported_by=worker,
                        reported_at=dt.datetime(2026, 3, 1 + i * 3, 9, tzinfo=tz),
                        holder_body=body,
                        responsible_person="村主任",
                        due_on=DAY + dt.timedelta(days=10),
                        status=["open", "settled", "converted"][i % 3 if i % 3 < 2 else 0],
                    )
                )
            for i in range(5):
                notes.append(
                    FieldNote(
                        body=body,
                        place=village,
                        topic="water",
                        text="灌溉渠需清淤",
                        recorded_on=dt.date(2026, 3, 1 + i * 5),
                        recorded_by=worker,
                        recorded_at=dt.datetime(2026, 3, 1 + i * 5, 9, tzinfo=tz),
                    )
                )
            if v % 2 == 0:
                for d in range(31):
                    day = dt.date(2026, 3, 1) + dt.timedelta(days=d)
                    rounds.append(
                        GridRound(
                            body=body,
                            period_start=day,
                            period_end=day,
                            nothing_found=d % 3 != 0,
                            found=0 if d % 3 else 1,
                            confirmed_by=worker,
                            confirmed_at=dt.datetime.combine(day, dt.time(18), tzinfo=tz),
                        )
                    )
    GridItem.objects.bulk_create(items, batch_size=2000)
    FieldNote.objects.bulk_create(notes, batch_size=2000)
    GridRound.objects.bulk_create(rounds, batch_size=2000)
    return supervisor, {"items": len(items), "notes": len(notes), "rounds": len(rounds)}


def timed(func, repeat: int) -> dict:
    from django.db import connection

    func()  # warm
    statements = []
    with connection.execute_wrapper(lambda ex, sql, *a: statements.append(sql) or ex(sql, *a)):
        func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "max_ms": round(max(samples), 2),
        "statements": len(statements),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    setup()
    import time_machine
    from django.test import Client

    from xinfang.cases.selectors import gridwork

    supervisor, rows = build()
    results = {}
    with time_machine.travel(dt.datetime(2026, 3, 31, 10, tzinfo=dt.UTC), tick=False):
        results["round_status"] = timed(
            lambda: gridwork.round_status(supervisor, on=DAY), args.repeat
        )
        results["counts"] = timed(
            lambda: gridwork.counts(supervisor, since=dt.date(2026, 3, 1)), args.repeat
        )
        from django.conf import settings

        # The page itself, not the sign-in: the second factor is not part of what is timed.
        settings.SIGNIN = {**settings.SIGNIN, "OTP_REQUIRED_ROLES": frozenset()}
        client = Client()
        client.force_login(supervisor)

        def page():
            response = client.get("/desk/field/rounds/", {"since": "2026-03-01"})
            assert response.status_code == 200, response.status_code

        results["rounds_page"] = timed(page, args.repeat)
        status = gridwork.round_status(supervisor, on=DAY)
    out = {
        "what": "grid rounds status and counts per village and town, county overseer",
        "engine": "postgresql",
        "villages": TOWNS * VILLAGES_PER_TOWN,
        "towns": TOWNS,
        "rows": rows,
        "bodies_listed": len(status),
        "due": sum(1 for r in status if not r.done),
        "repeat": args.repeat,
        "results": results,
        "load": os.getloadavg(),
        "python": platform.python_version(),
    }
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
