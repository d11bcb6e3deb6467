"""Benchmark the inbox export (.xlsx): time and memory to write 100,000 cases, on PostgreSQL.

Builds the demo county in a separate database and bulk-inserts synthetic cases with their clocks
and one petitioner each (bench/inbox.py's generator), then the county office's intake clerk, who
follows every case the office registered and may export petitioners (masked), exports the whole
"all" queue through desk.export.write_workbook, as the page does. Measured: wall time, the peak
of Python allocations (tracemalloc, in a second run) and the growth of the process's peak RSS,
at each size. Writes bench/results/inbox_export.json.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench_export \\
    .venv/bin/python bench/inbox_export.py   (options: --sizes 1000,100000 --keep --no-trace;
    --keep --pages-only adds the tab counts and the deadline-ordered page at the present size)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xinfang_bench_export")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
OUT = ROOT / "bench" / "results" / "inbox_export.json"

import inbox as inbox_bench  # noqa: E402  bench/inbox.py: database set-up and case generator


def add_petitioners(start: int, stop: int) -> None:
    """One petitioner (encrypted name and phone) for each generated case without one."""
    from django.db import transaction

    from xinfang.cases.models import Case, Party
    from xinfang.core import crypto

    names = ["张三", "李四", "王五", "赵六", "孙七"]
    ids = Case.objects.filter(parties__isnull=True).order_by("pk").values_list("pk", flat=True)
    ids = list(ids)
    for lo in range(0, len(ids), 5000):
        rows = [
            Party(
                case_id=pk,
                name_enc=crypto.encrypt(names[pk % len(names)]),
                phone_enc=crypto.encrypt(f"138{pk % 100000000:08d}"),
            )
            for pk in ids[lo : lo + 5000]
        ]
        with transaction.atomic():
            Party.objects.bulk_create(rows, batch_size=2000)


def rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def export_once(user, *, trace: bool) -> dict:
    from xinfang.cases.selectors import InboxFilters
    from xinfang.desk.export import write_workbook

    if trace:
        tracemalloc.start()
    before = rss_kib()
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        rows = write_workbook(user, "all", InboxFilters(), out)
        size = out.tell()
    seconds = time.perf_counter() - t0
    result = {"rows": rows, "bytes": size, "seconds": round(seconds, 2)}
    if trace:
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["python_peak_mib"] = round(peak / 2**20, 1)
    else:
        result["peak_rss_growth_mib"] = round((rss_kib() - before) / 1024, 1)
        result["peak_rss_mib"] = round(rss_kib() / 1024, 1)
    return result


def measure_pages(repeat: int = 3) -> dict:
    """The inbox page's other costs at this size: the counts on the queue tabs and the first
    page ordered by the nearest deadline (median of `repeat`, ms)."""
    import statistics

    from django.contrib.auth import get_user_model

    from xinfang.cases.selectors import InboxFilters, inbox, queue_counts

    out = {}
    for name in ("supervisor", "zhujian_handler", "clerk"):
        user = get_user_model().objects.get(username=name)
        counts, pages = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            found = queue_counts(user)
            counts.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            inbox(user, "all", InboxFilters(sort="due"), None, 50)
            pages.append((time.perf_counter() - t0) * 1000)
        out[name] = {
            "cases_seen": found["all"],
            "queue_counts_ms": round(statistics.median(counts)),
            "due_sorted_first_page_ms": round(statistics.median(pages)),
        }
        print(f"  {name}: {out[name]}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--keep", action="store_true", help="keep the database's tables")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="with --keep: only time the tab counts and the deadline order, added to the results",
    )
    parser.add_argument(
        "--no-trace", action="store_true", help="skip the second, traced export (slow)"
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    inbox_bench.setup(args.keep)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from xinfang.cases.models import Case
    from xinfang.core.timeutil import today

    if connection.vendor != "postgresql":
        raise SystemExit("the export benchmark runs on PostgreSQL (set DATABASE_URL)")
    from xinfang.demo.county import build_divisions_and_bodies, demo_county_exists

    # With --keep and cases already there, export what is there (a fresh process: the memory
    # figures are the export's, not the generator's).
    county = build_divisions_and_bodies() if demo_county_exists() else inbox_bench.build_orgs()
    if args.pages_only:
        saved = json.loads(OUT.read_text(encoding="utf-8"))
        saved.setdefault("pages", {})[str(Case.objects.count())] = measure_pages()
        OUT.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {OUT}")
        return
    clerk = get_user_model().objects.get(username="clerk")
    rng = random.Random(4)
    results = {}
    made = 0
    for size in sizes:
        have = Case.objects.count()
        if have < size:
            print(f"generating up to {size} cases", flush=True)
            inbox_bench.generate(county, max(made, have), size, today(), rng)
            add_petitioners(made, size)
        made = size
        print(f"exporting {Case.objects.count()} cases", flush=True)
        plain = export_once(clerk, trace=False)
        results[str(size)] = plain
        if not args.no_trace:
            results[str(size)]["python_peak_mib"] = export_once(clerk, trace=True)[
                "python_peak_mib"
            ]
        print(f"  {results[str(size)]}", flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "what": "inbox export of the whole 'all' queue to .xlsx (openpyxl write-only, "
                "rows read in chunks of 2000), petitioners masked",
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "sizes": results,
                "note": "peak_rss_growth_mib: growth of the process's peak resident memory over "
                "the export (the first export at each size); python_peak_mib: the peak of Python "
                "allocations during a second export (tracemalloc).",
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
