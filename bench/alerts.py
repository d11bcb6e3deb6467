"""Benchmark the weekly early-warning job (`manage.py warn_issues`) on PostgreSQL.

Builds the demo county in a separate database and bulk-inserts synthetic cases with their fact
rows (a generator, not the app's write path): two years of petitions, Poisson weeks per
(category, township) cell at a few usual levels, and planted surges of three to four times the
usual level in some cell-weeks. Then times:
- counts: the weekly counts of every cell over the two years (one grouped query on the facts);
- first run: the job with no watermark, testing every week but the last four;
- catch-up: the next run, four weeks later (four missed weeks in one run);
- second run: the same day again (nothing to test, nothing recorded).
Reports the alerts found, how many planted surges were caught and the false alarms among the
unplanted cell-weeks. Look-alike groups need the look-alike index (not built here): their cost is
bench/hot_issues.py's, once per tested week.

Writes bench/results/alerts.json and prints it.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_alerts .venv/bin/python bench/alerts.py
  (options: --cases 200000 --seed 7)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xinfang_alerts")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
os.environ.setdefault("XINFANG_NOTIFY_BACKENDS", "sms=console,email=off")
OUT = ROOT / "bench" / "results" / "alerts.json"

from _pg import ensure_database  # noqa: E402

WEEKS = 104
START = dt.date(2024, 12, 2)  # a Monday
LEVELS = (0.5, 1, 2, 5, 10)  # usual petitions a week of a cell


def setup():
    import django

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def categories():
    from xinfang.taxonomy.models import Category, TaxonomyVersion

    v = TaxonomyVersion.objects.create(label="bench", source_sha256="0" * 64, is_active=True)
    leaves = []
    for a in range(1, 5):
        top = Category.objects.create(
            version=v, code=f"{a:02d}", name=f"类{a}", level=1, full_name=f"类{a}"
        )
        for b in range(1, 6):
            mid = Category.objects.create(
                version=v,
                code=f"{a:02d}{b:02d}",
                name=f"类{a}-{b}",
                level=2,
                parent=top,
                full_name=f"类{a}-{b}",
            )
            leaves.append(
                Category.objects.create(
                    version=v,
                    code=f"{a:02d}{b:02d}01",
                    name=f"类{a}-{b}-1",
                    level=3,
                    parent=mid,
                    full_name=f"类{a}-{b}-1",
                )
            )
    return leaves


def plan(n_cases: int, cells: int, rng: np.random.Generator):
    """Weekly counts of each cell: a usual level per cell scaled to about n_cases in total, and
    surges (x3 or x4) planted in 1 % of the cell-weeks after the first 12 weeks."""
    base = rng.choice(LEVELS, size=cells)
    base = base * n_cases / (base.sum() * WEEKS)
    counts = rng.poisson(np.repeat(base[:, None], WEEKS, axis=1))
    planted = np.zeros_like(counts, dtype=bool)
    planted[:, 12:] = rng.random((cells, WEEKS - 12)) < 0.01
    factor = rng.choice([3, 4], size=counts.shape)
    surged = rng.poisson(base[:, None] * factor)
    counts = np.where(planted, surged, counts)
    return base, counts, planted


def generate(county, leaves, counts, rng: np.random.Generator) -> int:
    from django.db import connection, transaction

    from xinfang.cases.models import Case
    from xinfang.insights.models import CaseFact

    townships = county.townships
    villages = {t.pk: [v for v in county.villages if v.parent_id == t.pk] for t in townships}
    holder = county.office
    n = 0
    batch_cases, batch_facts = [], []

    def flush():
        with transaction.atomic():
            made = Case.objects.bulk_create(batch_cases, batch_size=2000)
            for c, f in zip(made, batch_facts, strict=True):
                f.case = c
            CaseFact.objects.bulk_create(batch_facts, batch_size=2000)
        batch_cases.clear()
        batch_facts.clear()

    for cell in range(counts.shape[0]):
        leaf = leaves[cell % len(leaves)]
        town = townships[(cell // len(leaves)) % len(townships)]
        places = villages[town.pk] or [town]
        for w in range(WEEKS):
            for _ in range(int(counts[cell, w])):
                day = START + dt.timedelta(weeks=w, days=int(rng.integers(7)))
                place = places[int(rng.integers(len(places)))]
                batch_cases.append(
                    Case(
                        number=f"XF-BENCH-{n:08d}",
                        tracking_code=f"B{n:09d}",
                        query_password_hash="x",
                        registered_at=dt.datetime.combine(day, dt.time(2), dt.UTC),
                        registering_body=holder,
                        holder_body=holder,
                        channel="letter",
                        content_type="appeal",
                        place=place,
                        category=leaf,
                        title="测试",
                        body="测试",
                        state="closed",
                    )
                )
                batch_facts.append(
                    CaseFact(
                        registered_on=day,
                        channel="letter",
                        content_type="appeal",
                        category=leaf,
                        category_code=leaf.code,
                        place=place,
                        place_path=place.path,
                        township=town,
                        village=place if place != town else None,
                        holder_body=holder,
                        state="closed",
                    )
                )
                n += 1
                if len(batch_cases) >= 10_000:
                    flush()
                    print(f"  {n} cases", flush=True)
    if batch_cases:
        flush()
    with connection.cursor() as cur:
        cur.execute("ANALYZE cases_case; ANALYZE insights_casefact;")
    return n


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return round(time.perf_counter() - t, 3), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    setup()
    from django.conf import settings

    from xinfang.demo.county import build_demo_county
    from xinfang.insights.alerts import jobs, surge
    from xinfang.insights.alerts.settings import thresholds
    from xinfang.insights.models import Alert

    rng = np.random.default_rng(args.seed)
    county = build_demo_county(password="bench")
    # The supervisors get a work mobile, so each new alert queues its SMS.
    from xinfang.orgs.models import Membership, StaffContact

    for i, uid in enumerate(
        Membership.objects.filter(role="supervisor").values_list("user_id", flat=True).distinct()
    ):
        StaffContact.objects.get_or_create(user_id=uid, defaults={"work_phone": f"1390000{i:04d}"})
    leaves = categories()
    cells = len(leaves) * len(county.townships)
    base, counts, planted = plan(args.cases, cells, rng)
    t = time.perf_counter()
    n = generate(county, leaves, counts, rng)
    build_s = round(time.perf_counter() - t, 1)

    t_ = thresholds()
    end = START + dt.timedelta(weeks=WEEKS)  # the Monday after the last week
    counts_s, found = timed(lambda: surge.weekly_counts(START, end, t_.level))
    first_s, first = timed(lambda: jobs.warn_issues(today=end - dt.timedelta(weeks=4), send=False))
    catch_s, catch = timed(lambda: jobs.warn_issues(today=end, send=False))
    again_s, again = timed(lambda: jobs.warn_issues(today=end, send=False))

    # Score the alerts against the plan (cells are (category, township) pairs).
    townships = county.townships
    cell_of = {
        (leaves[c % len(leaves)].code[:4], townships[(c // len(leaves)) % len(townships)].pk): c
        for c in range(cells)
    }
    flagged = np.zeros_like(planted)
    for code, div, week in Alert.objects.filter(kind=Alert.SURGE).values_list(
        "category_code", "division_id", "week"
    ):
        flagged[cell_of[(code, div)], (week - START).days // 7] = True
    tested = np.zeros_like(planted)
    tested[:, t_.rule.baseline_weeks :] = True
    quiet = tested & ~planted
    result = {
        "cases": n,
        "cells": cells,
        "weeks": WEEKS,
        "usual_levels_per_week": sorted({round(float(b), 2) for b in base}),
        "settings": settings.XINFANG["ALERTS"],
        "build_seconds": build_s,
        "weekly_counts": {"seconds": counts_s, "cells_with_counts": len(found)},
        "first_run": {"seconds": first_s, **first},
        "catch_up_4_weeks": {"seconds": catch_s, **catch},
        "second_run": {"seconds": again_s, **again},
        "planted_surges": int((planted & tested).sum()),
        "caught": int((flagged & planted).sum()),
        "false_alarms": int((flagged & quiet).sum()),
        "quiet_cell_weeks": int(quiet.sum()),
        "false_alarm_rate": round(float((flagged & quiet).sum() / max(quiet.sum(), 1)), 5),
        "load": os.getloadavg(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
