"""Time to prepare a monthly report (信访工作月报) of the demo county: the figures (the insights
selectors over the month and a twelve-month trend), the PDF printed cold (the first of a process:
it loads the fonts) and warm, its pages and size.

Builds the demo county (`seed_demo`) in its own database, folds the statistics, and has the demo
analyst request last month's report, run as the task queue runs it (desk/monthly/build.py).
Writes bench/results/monthly_report.json.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_reports_bench \\
    .venv/bin/python bench/monthly_report.py [--n 5]
  (without DATABASE_URL: an SQLite file in a temporary folder)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "bench" / "results" / "monthly_report.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5, help="warm prints to time")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="xf-monthly-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["XINFANG_MEDIA_ROOT"] = f"{tmp}/media"
    os.environ["XINFANG_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
    if os.environ["DATABASE_URL"].startswith("postgres"):
        from _pg import ensure_database

        ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import translation

    from xinfang.core.timeutil import today
    from xinfang.desk.monthly import build, figures, scope
    from xinfang.documents import render
    from xinfang.insights import fold
    from xinfang.insights.models import MonthlyReport

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    fold.rebuild(everything=True)
    analyst = get_user_model().objects.get(username="analyst")
    day = today()
    y, m = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)

    report = scope.request_report(user=analyst, year=y, month=m, on=day)
    t = time.perf_counter()
    build.build(report.pk)  # the whole job, cold: figures, charts, HTML, PDF, file
    job_cold = time.perf_counter() - t
    report.refresh_from_db()
    assert report.status == MonthlyReport.DONE, report.error

    with translation.override(settings.LANGUAGE_CODE):
        fig_times = []
        for _ in range(args.n):
            t = time.perf_counter()
            fig = figures.compute(analyst, report.month, day=day)
            fig_times.append(time.perf_counter() - t)
        html = build.report_html(report, fig, build.chart_svgs(fig, "sans-serif"))
        css = build.report_css()
        render._documents.__dict__.pop("value", None)  # a fresh font configuration: cold again
        t = time.perf_counter()
        pdf, pages = render.print_document(html, css)
        pdf_cold = time.perf_counter() - t
        warm = []
        for _ in range(args.n):
            t = time.perf_counter()
            pdf, pages = render.print_document(html, css)
            warm.append(time.perf_counter() - t)

    load = os.getloadavg()
    result = {
        "what": "monthly report of the demo county's last month, requested by the demo analyst",
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "month": f"{y}-{m:02d}",
        "cases_in_month": fig.s.intake.count,
        "figures_s_median": round(statistics.median(fig_times), 3),
        "job_cold_s": round(job_cold, 3),
        "pdf_cold_s": round(pdf_cold, 3),
        "pdf_warm_s_median": round(statistics.median(warm), 3),
        "pages": pages,
        "size_bytes": len(pdf),
        "stored_size_bytes": report.size,
        "load_average": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    Path(tmp, "report.pdf").write_bytes(pdf)
    print(f"PDF: {tmp}/report.pdf")


if __name__ == "__main__":
    main()
