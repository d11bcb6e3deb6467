"""Build N synthetic cases on PostgreSQL with COPY, then time the pages at that size.

The build (bench/_scale_data.py) writes cases with parties, events, clocks, search text and
look-alike signatures, chunk by chunk, each chunk in one transaction: run it again with the same
or a larger --cases and it continues from the cases already there. Then, in-process through the
test client (the whole request: middleware, view, queries, template), N runs each of:
the inbox queues of a handler, a head, the supervisor and the leader; searches (common, rare,
absent, two words); case pages; the supervision page (first and second page); and the API list.
Writes bench/results/scale_<cases>.json with p50/p95 and the machine load (uptime) before and
after.

Usage (the machine is shared: run it niced):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench \\
    nice -n 19 .venv/bin/python bench/scale.py --cases 1000000
  options: --runs 20  --workers 2  --build-only  --measure-only  --seed 11
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _pg import ensure_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xinfang_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
RESULTS = ROOT / "bench" / "results"
SEARCHES = ["拆迁", "漏水", "公积金", "燃气管道", "拆迁 补偿", "量子纠缠"]

# ---------------------------------------------------------------------------------------------
# Build


def prepare() -> None:
    """Migrated tables and the demo county (kept when already there)."""
    import django

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    from xinfang.demo.county import build_demo_county, demo_county_exists

    call_command("migrate", verbosity=0)
    if not demo_county_exists():
        build_demo_county(password="bench")
        taxonomy = ROOT.parent / "shared" / "data" / "content-taxonomy.csv"
        if taxonomy.exists():  # categories on the cases when the shared data is there
            call_command("load_taxonomy", str(taxonomy), verbosity=0)


def generated_count() -> int:
    import _scale_data as scale_data
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM cases_case WHERE number >= %s AND number < %s",
            [scale_data.PREFIX, scale_data.PREFIX[:-1] + "."],
        )
        return cur.fetchone()[0]


_WORK: dict = {}


def _init_worker(setting, pool) -> None:
    os.nice(0)
    _WORK["setting"], _WORK["pool"] = setting, pool


def _chunk(args):
    import _scale_data as scale_data

    lo, hi, seed = args
    return scale_data.make_chunk(_WORK["setting"], _WORK["pool"], lo, hi, seed)


def write_chunk(chunk, setting) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        raw = getattr(cur, "cursor", cur)
        for table, cols, data in (
            ("cases_case", setting.case_columns, chunk.cases),
            ("cases_party", setting.party_columns, chunk.parties),
            ("cases_caseevent", setting.event_columns, chunk.events),
            ("cases_clock", setting.clock_columns, chunk.clocks),
            (
                "triage_similarityentry",
                ["case_id", "signature", "scheme", "is_open", "indexed_at", "band_keys"],
                chunk.entries,
            ),
        ):
            with raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                copy.write(data.encode())
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [chunk.hi + 1])


def build(
    target: int,
    *,
    seed: int = 11,
    workers: int = 2,
    on: dt.date | None = None,
    log=print,
    finish: bool = True,
) -> dict:
    """Generate cases until `target` generated cases exist; returns counts and rates.
    With finish=False the band keys' index stays off (a stop on the way to a larger size)."""
    import _scale_data as scale_data
    from django.db import connection

    from xinfang.core.timeutil import today

    done = generated_count()
    if done >= target:
        return {"already": done, "written": 0, "seconds": 0.0}
    setting = scale_data.read_setting(on or today())
    pool = scale_data.build_pool()
    spans = [
        (lo, min(target, lo + scale_data.CHUNK), seed)
        for lo in range(done, target, scale_data.CHUNK)
    ]
    if target - done >= REBUILD_BAND_INDEXES_FROM:
        _drop_band_indexes()
    t0 = time.perf_counter()
    written = 0
    if workers <= 1:
        for span in spans:
            write_chunk(scale_data.make_chunk(setting, pool, *span), setting)
            written += span[1] - span[0]
    else:
        connection.close()  # never share the parent's connection with forked workers
        ctx = mp.get_context("fork")
        with ctx.Pool(workers, _init_worker, (setting, pool)) as procs:
            for chunk in procs.imap(_chunk, spans):
                write_chunk(chunk, setting)
                written += chunk.hi - chunk.lo
                rate = written / (time.perf_counter() - t0)
                log(f"  {chunk.hi:>10,} cases  {rate:8.0f} cases/s  load {_loadavg()}")
                _progress(target, chunk.hi, rate)
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    if finish:
        restore_band_indexes()
    t2 = time.perf_counter()
    with connection.cursor() as cur:
        for table in BUILT_TABLES:
            cur.execute(f"ANALYZE {table}")
    return {
        "already": done,
        "written": written,
        "seconds": round(seconds, 1),
        "cases_per_second": round(written / seconds, 1) if seconds else None,
        "band_index_seconds": round(t2 - t1, 1),
        "analyze_seconds": round(time.perf_counter() - t2, 1),
    }


# From this many new cases on, the band keys' index is rebuilt rather than kept up to date.
REBUILD_BAND_INDEXES_FROM = 100_000
BUILT_TABLES = (
    "cases_case",
    "cases_clock",
    "cases_party",
    "cases_caseevent",
    "triage_similarityentry",
)
BAND_INDEX = "triage_sim_bands_open"  # GIN over the open cases' band keys (triage/bandkeys.py)


def _progress(target: int, cases: int, rate: float) -> None:
    """How far a build has come, rewritten after every chunk: a build too long for its time
    still leaves its size, rate and projected end in bench/results/."""
    left = (target - cases) / rate if rate else None
    (RESULTS / f"scale_{target}.progress.json").write_text(
        json.dumps(
            {
                "target_cases": target,
                "cases": cases,
                "cases_per_second": round(rate, 1),
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "projected_seconds_left": round(left) if left is not None else None,
                "uptime": uptime(),
            },
            indent=1,
        ),
        encoding="utf-8",
    )


def _drop_band_indexes() -> None:
    """The band keys' GIN index is built once after the rows are in, not updated row by row.
    Its definition waits in bench_band_index, so a build stopped half-way puts it back on its
    next run."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_band_index"
            " (name text PRIMARY KEY, kind text, definition text)"
        )
        cur.execute(
            "INSERT INTO bench_band_index SELECT indexname, 'index', indexdef FROM pg_indexes"
            " WHERE indexname = %s ON CONFLICT DO NOTHING",
            [BAND_INDEX],
        )
        cur.execute(f'DROP INDEX IF EXISTS "{BAND_INDEX}"')


def restore_band_indexes() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass('bench_band_index')")
        if cur.fetchone()[0] is None:
            return
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SELECT definition FROM bench_band_index")
        for (definition,) in cur.fetchall():
            cur.execute(definition)
        cur.execute("DROP TABLE bench_band_index")


# ---------------------------------------------------------------------------------------------
# Measure


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return f"load average: {_loadavg()}"


def _timed(client, url: str, runs: int, **headers) -> dict:
    times, status = [], None
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(url, **headers)
        times.append((time.perf_counter() - t) * 1000)
        status = r.status_code
    times.sort()
    return {
        "url": url,
        "status": status,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], 1),
        "max_ms": round(times[-1], 1),
    }


def _search_plan(user, q: str) -> dict:
    """EXPLAIN ANALYZE of the query that picks a search page's ids (the first page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinfang.cases.selectors import InboxFilters, inbox_page_ids

    # The page's query is the last one it runs (the ones before find the user's bodies).
    with CaptureQueriesContext(connection) as ran:
        inbox_page_ids(user, "all", InboxFilters(q=q), None, 51)
    sql = ran.captured_queries[-1]["sql"]
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql)
        plan = [r[0] for r in cur.fetchall()]
    found = [re.search(r"Execution Time: ([\d.]+)", p) for p in plan]
    exec_ms = next((float(m.group(1)) for m in found if m), None)
    nodes = [re.sub(r"\s*\(actual.*", "", p).strip() for p in plan if "->" in p or p == plan[0]]
    return {"execution_ms": exec_ms, "shape": nodes}


# What measure() can time, each alone with --only (a short run on a shared machine).
SECTIONS = ("inbox", "search", "case_page", "supervision", "api")


def measure(runs: int, *, client=None, log=print, only: frozenset = frozenset()) -> dict:
    """Time the pages; `only`: these SECTIONS alone (all when empty)."""

    def wanted(section: str) -> bool:
        return not only or section in only

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from xinfang.api.services import create_token
    from xinfang.cases.models import Case
    from xinfang.cases.selectors import inbox_queues

    users = get_user_model().objects
    who = {
        "handler": users.get(username="zhujian_handler"),
        "head": users.get(username="zhujian_head"),
        "supervisor": users.get(username="supervisor"),
        "leader": users.get(username="leader"),
    }
    home = reverse("desk:home")
    counts_url = reverse("desk:queue_counts")
    out: dict = {
        "inbox": [],
        "queue_counts": [],
        "search": [],
        "search_counts": [],
        "case_page": [],
        "supervision": [],
        "api_list": [],
    }
    clients = {}
    for role, user in who.items():
        c = client or Client()
        c.force_login(user)
        clients[role] = c
        if not wanted("inbox"):
            continue
        for queue in inbox_queues(user):
            r = _timed(c, f"{home}?queue={queue}", runs)
            out["inbox"].append({"user": role, "queue": queue, **r})
            log(f"  inbox {role:10} {queue:10} p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}")
        # The nearest deadline first, where deadlines matter most.
        for queue in ("all", "due_soon", "overdue"):
            r = _timed(c, f"{home}?queue={queue}&sort=due", runs)
            out["inbox"].append({"user": role, "queue": queue, "sort": "due", **r})
            log(
                f"  inbox {role:10} {queue:10} by due p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}"
            )
        # The tabs' counts: a request of their own once the page is shown.
        r = _timed(c, counts_url, runs)
        out["queue_counts"].append({"user": role, **r})
        log(f"  tab counts {role:10}      p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}")
    from urllib.parse import quote

    for role in ("supervisor", "handler") if wanted("search") else ():
        for q in SEARCHES:
            r = _timed(clients[role], f"{home}?q={quote(q)}", runs)
            entry = {"user": role, "q": q, **r}
            entry["plans"] = [_search_plan(who[role], q) for _ in range(3)]
            entry["plan_stable"] = len({tuple(p["shape"]) for p in entry["plans"]}) == 1
            out["search"].append(entry)
            log(f"  search {role:10} {q:8} p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}")
            r = _timed(clients[role], f"{counts_url}?q={quote(q)}", runs)
            out["search_counts"].append({"user": role, "q": q, **r})
            log(f"  search tab counts {role:10} {q:8} p50 {r['p50_ms']:7.1f}")
    # Case pages: different cases each run, open ones the handler's body holds and any.
    sup = clients["supervisor"]
    top = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    step = max(1, top // (runs + 1))
    numbers = list(
        Case.objects.filter(pk__in=[top - i * step for i in range(runs)]).values_list(
            "number", flat=True
        )
    )
    if not wanted("case_page"):
        numbers = []
    times = []
    for n in numbers:
        times.append(_timed(sup, reverse("desk:case", args=[n]), 1))
    ms = sorted(t["p50_ms"] for t in times)
    out["case_page"] = {
        "cases": len(ms),
        "statuses": sorted({t["status"] for t in times}),
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))] if ms else None,
    }
    log(f"  case page p50 {out['case_page']['p50_ms']}  p95 {out['case_page']['p95_ms']}")
    url = reverse("desk:supervision")
    for page in ("", "?overdue_page=2", "?due_soon_page=2") if wanted("supervision") else ():
        r = _timed(sup, url + page, runs)
        out["supervision"].append(r)
        log(f"  supervision {page:18} p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}")
    # Its matters many people raise: a request of their own; the hour's first one groups them.
    if wanted("supervision"):
        r = _timed(sup, reverse("desk:supervision_hot"), runs)
        out["supervision_hot"] = r
        log(f"  supervision hot issues      p50 {r['p50_ms']:7.1f}  max {r['max_ms']:7.1f}")
    token = create_token(user=who["supervisor"], name="bench")
    api = Client()
    api_queries = ("", "?queue=overdue", "?queue=due_soon", "?q=" + quote("公积金"))
    for query in api_queries if wanted("api") else ():
        r = _timed(api, "/api/v1/cases" + query, runs, HTTP_AUTHORIZATION=f"Bearer {token}")
        out["api_list"].append(r)
        log(f"  api {query:20} p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM cases_case WHERE state IN ('registered','transferred',"
            "'accepted','decided','replied') AND (supervised OR listed_supervision)"
        )
        out["flagged_open_cases"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM cases_clock WHERE status = 'running'")
        out["running_clocks"] = cur.fetchone()[0]
    return out


def settle() -> float:
    """VACUUM ANALYZE the tables the pages read, as autovacuum would after a bulk load: rows
    fresh from COPY otherwise get their hint bits set (and their pages written) by the first
    pages that read them, which would be timed as page cost."""
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as cur:
        for table in BUILT_TABLES[:4]:
            cur.execute(f"VACUUM (ANALYZE) {table}")
    return round(time.perf_counter() - t, 1)


def table_sizes() -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT relname, n_live_tup, pg_total_relation_size(relid) FROM pg_stat_user_tables"
            " WHERE relname IN ('cases_case','cases_party','cases_caseevent','cases_clock',"
            "'triage_similarityentry')"
        )
        return {r[0]: {"rows": r[1], "mb": round(r[2] / 2**20)} for r in cur.fetchall()}


def _print(line: str) -> None:
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument("--out", default="")
    parser.add_argument(
        "--only",
        default="",
        help=f"time these pages alone, comma-separated: {', '.join(SECTIONS)}",
    )
    parser.add_argument(
        "--measure-at",
        default="",
        help="sizes on the way (e.g. 1000000): stop there, time the pages, go on",
    )
    args = parser.parse_args()
    prepare()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("the scale benchmark runs on PostgreSQL (set DATABASE_URL)")
    settings.ALLOWED_HOSTS = ["*"]
    # Pages are timed for a signed-in user; the sign-in's second step is not what is measured.
    settings.SIGNIN = {**settings.SIGNIN, "OTP_REQUIRED_ROLES": frozenset()}
    result: dict = {
        "what": "synthetic cases by COPY, then pages timed in-process (Django test client)",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "target_cases": args.cases,
        "uptime_before": uptime(),
    }
    if not args.measure_only:
        stops = sorted(int(x) for x in args.measure_at.split(",") if x and int(x) < args.cases)
        result["stops"] = []
        for stop in stops:
            print(f"building up to {stop:,} cases  ({uptime()})", flush=True)
            made = build(stop, seed=args.seed, workers=args.workers, finish=False, log=_print)
            result["stops"].append({"cases": stop, "build": made})
            # Timed in a fresh process (the code as it is now), the build waiting meanwhile.
            cmd = [sys.executable, __file__, "--cases", str(stop), "--measure-only"]
            subprocess.run([*cmd, "--runs", str(args.runs)], check=False)
        print(f"building up to {args.cases:,} cases  ({uptime()})", flush=True)
        result["build"] = build(args.cases, seed=args.seed, workers=args.workers, log=_print)
        result["uptime_after_build"] = uptime()
    result["cases"] = generated_count()
    result["tables"] = table_sizes()
    if not args.build_only:
        result["vacuum_seconds"] = settle()
        print(f"measuring at {result['cases']:,} cases", flush=True)
        result["runs"] = args.runs
        only = frozenset(x for x in args.only.split(",") if x)
        if only - set(SECTIONS):
            raise SystemExit(f"--only takes {', '.join(SECTIONS)}")
        if only:
            result["only"] = sorted(only)
        result["pages"] = measure(args.runs, log=_print, only=only)
        result["uptime_after"] = uptime()
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        result["database"] = cur.fetchone()[0]
    result["python"] = platform.python_version()
    result["cpus"] = os.cpu_count()
    out = Path(args.out) if args.out else RESULTS / f"scale_{args.cases}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
