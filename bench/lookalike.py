"""Benchmark the look-alike index (xinfang/triage/similarity.py and its band keys).

Synthetic petitions from templates (topics, sentence variants, random places, estates, roads,
companies, names and numbers). For each size the texts and their signatures are made once, then:
- in memory, the pure LSHIndex: index build time, memory, and lookup latency (signature of the
  query text + LSH lookup + ranking) over 1,000 queries, half near-duplicates of indexed texts
  (a few characters changed, or sentences reordered), half fresh texts;
- in PostgreSQL: cases and signature rows with their band keys written with COPY straight into
  the app's tables (the band keys' index rebuilt afterwards from its own definition), then the
  latency of selectors.similar_open_cases (what the intake check page calls), without and with
  a clerk's visibility filter, and of its candidate SQL alone; table and index sizes; and the
  app's own write path (services._write) for one case at a time.
Recall@5 of the near-duplicates and the candidates examined per lookup are reported too.
Writes bench/results/lookalike.json and prints it.

Usage:
  .venv/bin/python bench/lookalike.py          # 100,000 and 1,000,000, in memory and PostgreSQL
  options: --sizes 100000,1000000 --db-sizes 100000,1000000 --queries 1000 --no-db --out FILE
  DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/xinfang_bench_lsh (dropped and
  migrated afresh for each size)
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xinfang_bench_lsh")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
OUT = ROOT / "bench" / "results" / "lookalike.json"

import numpy as np  # noqa: E402

from xinfang.triage.similarity import DEFAULT_SCHEME, LSHIndex, MinHasher  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from _lookalike_corpus import generate, queries  # noqa: E402
from _pg import ensure_database  # noqa: E402


def pct(values: list[float], p: float) -> float:
    return round(float(np.percentile(values, p)), 3)


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_memory(cases, sigs, t_sig: float, n_queries: int) -> dict:
    hasher = MinHasher(DEFAULT_SCHEME)
    gc.collect()
    before = rss_mb()
    index = LSHIndex(DEFAULT_SCHEME)
    t1 = time.perf_counter()
    index.add_many(list(range(len(cases))), sigs)
    index._merge()  # build the sorted arrays now, so lookups run on the steady state
    t_index = time.perf_counter() - t1
    gc.collect()
    arrays = sum(
        a.nbytes for a in (index._sigs, index._bands, index._sorted_keys, index._sorted_rows)
    )
    times, examined, hits, dups = [], [], 0, 0
    sig_times = []
    for title, body, original in queries(cases, n_queries, seed=len(cases)):
        t = time.perf_counter()
        sig = hasher.signature(f"{title}\n{body}")
        t_s = time.perf_counter()
        found = index.query(sig, 5, min_score=0.2)
        times.append((time.perf_counter() - t) * 1000)
        sig_times.append((t_s - t) * 1000)
        examined.append(index.last_examined)
        if original is not None:
            dups += 1
            hits += any(k == original for k, _s in found)
    return {
        "cases": len(cases),
        "build_seconds": {"signatures": round(t_sig, 2), "index": round(t_index, 2)},
        "memory_mb": {
            "index_arrays": round(arrays / 2**20, 1),
            "process_rss_growth": round(rss_mb() - before, 1),
        },
        "lookup_ms": latency(times),
        "signature_ms_p50": pct(sig_times, 50),
        "candidates_examined": {
            "mean": round(statistics.mean(examined), 1),
            "p95": pct(examined, 95),
            "max": max(examined),
        },
        "near_duplicate_recall_at_5": round(hits / dups, 4),
        "queries": len(times),
    }


def latency(times: list[float]) -> dict:
    return {
        "p50": pct(times, 50),
        "p95": pct(times, 95),
        "p99": pct(times, 99),
        "max": round(max(times), 3),
    }


# ---------------------------------------------------------------------------------------------
# PostgreSQL: rows written with COPY straight into the app's tables (not the app's write path,
# which is measured separately per case), then looked up through the app's selector.

OPEN_SHARE = 0.8
ID_BASE = 1000  # case ids are ID_BASE + position in the generated list


def setup_db() -> None:
    import django

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def _raw(cur):
    """The psycopg cursor under Django's wrapper."""
    return getattr(cur, "cursor", cur)


def copy_cases(cases, open_mask: np.ndarray):
    """Cases through a staging table: COPY (id, title, body, state), then one INSERT ... SELECT
    that takes every other column from a template case made by the ORM."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from xinfang.cases.models import Case
    from xinfang.orgs.models import Body, BodyKind, Division, Level, Membership

    division = Division.objects.create(code="370687", name="海阳市", level=Level.COUNTY)
    office = Body.objects.create(
        name="海阳市信访局", kind=BodyKind.PETITION_OFFICE, division=division
    )
    clerk = get_user_model().objects.create_user("bench-clerk", password="x")
    Membership.objects.create(user=clerk, body=office, role="intake_clerk")
    now = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
    template = Case.objects.create(
        number="XF-BENCH-TEMPLATE",
        tracking_code="BTEMPLATE",
        query_password_hash="x",
        registered_at=now,
        registering_body=office,
        holder_body=office,
        channel="letter",
        content_type="appeal",
        place=division,
        title="-",
        body="-",
    )
    own = {
        "id": "s.id",
        "number": "'XF-BENCH-' || lpad(s.id::text, 8, '0')",
        "tracking_code": "'B' || lpad(s.id::text, 9, '0')",
        "title": "s.title",
        "body": "s.body",
        "state": "s.state",
    }
    columns = [f.column for f in Case._meta.concrete_fields]
    select = ", ".join(own.get(c, f"t.{c}") for c in columns)
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_case (id bigint, title text, body text, state text)")
        with _raw(cur).copy("COPY bench_case FROM STDIN") as copy:
            for i, (t, b) in enumerate(cases):
                state = "registered" if open_mask[i] else "closed"
                copy.write_row((ID_BASE + i, t[:200], b, state))
        cur.execute(
            f"INSERT INTO cases_case ({', '.join(columns)}) SELECT {select}"
            " FROM bench_case s CROSS JOIN cases_case t WHERE t.id = %s",
            [template.pk],
        )
        cur.execute("DELETE FROM cases_case WHERE id = %s", [template.pk])
        cur.execute("DROP TABLE bench_case")
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), max(id)) FROM cases_case"
        )
    return clerk


def copy_index(sigs: np.ndarray, open_mask: np.ndarray) -> dict:
    """Signature rows with their band keys by COPY, the band keys' GIN index dropped first and
    recreated from its own definition afterwards (one build, not a row-by-row update)."""
    from django.db import connection

    from xinfang.triage.models import SimilarityEntry

    entry = SimilarityEntry._meta.db_table
    hasher = MinHasher(DEFAULT_SCHEME)
    n = len(sigs)
    ids = np.arange(ID_BASE, ID_BASE + n, dtype=np.int64)
    seconds = {}
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
            " AND indexdef LIKE '%%USING gin%%'",
            [entry],
        )
        indexes = cur.fetchall()
        for name, _def in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        t = time.perf_counter()
        tag, now = DEFAULT_SCHEME.tag, dt.datetime.now(dt.UTC)
        sql = (
            f"COPY {entry} (case_id, signature, scheme, is_open, indexed_at, band_keys) FROM STDIN"
        )
        with _raw(cur).copy(sql) as copy:
            le = sigs.astype("<u4")
            for lo in range(0, n, 50_000):
                keys = hasher.band_keys(sigs[lo : lo + 50_000]).tolist()
                for i, ks in enumerate(keys, start=lo):
                    is_open = bool(open_mask[i])
                    row = (int(ids[i]), le[i].tobytes(), tag, is_open, now, ks if is_open else None)
                    copy.write_row(row)
        seconds["copy_signatures_and_band_keys"] = time.perf_counter() - t
        t = time.perf_counter()
        for _name, definition in indexes:
            cur.execute(definition)
        seconds["build_band_index"] = time.perf_counter() - t
        t = time.perf_counter()
        for table in (entry, "cases_case"):
            cur.execute(f"VACUUM ANALYZE {table}")
        seconds["vacuum_analyze"] = time.perf_counter() - t
    return {k: round(v, 1) for k, v in seconds.items()}


def table_sizes() -> dict:
    from django.db import connection

    out = {}
    with connection.cursor() as cur:
        table = "triage_similarityentry"
        cur.execute("SELECT pg_relation_size(%s), pg_indexes_size(%s)", [table, table])
        heap, idx = cur.fetchone()
        cur.execute(
            "SELECT indexname, pg_relation_size(indexname::regclass) FROM pg_indexes"
            " WHERE tablename = %s",
            [table],
        )
        out[table] = {
            "table_mb": round(heap / 2**20, 1),
            "indexes_mb": round(idx / 2**20, 1),
            "per_index_mb": {name: round(b / 2**20, 1) for name, b in cur.fetchall()},
        }
    return out


def bench_write_path(n_cases: int, k: int = 200) -> dict:
    """The app's own write path (services._write, as index_case runs it on registration) for k
    cases one at a time, after removing their entries."""
    from xinfang.cases.models import Case
    from xinfang.triage import services
    from xinfang.triage.models import SimilarityEntry

    rng = random.Random(11)
    pks = [ID_BASE + rng.randrange(n_cases) for _ in range(k)]
    rows = {
        r[0]: r for r in Case.objects.filter(pk__in=pks).values_list("id", "title", "body", "state")
    }
    SimilarityEntry.objects.filter(case_id__in=pks).delete()
    times = []
    for pk in rows:
        t = time.perf_counter()
        services._write([rows[pk]])
        times.append((time.perf_counter() - t) * 1000)
    return latency(times)


def bench_db(cases, sigs, t_sig: float, n_queries: int) -> dict:
    from django.db import connection, reset_queries

    from xinfang.triage import bandkeys, selectors, services

    n = len(cases)
    open_mask = np.random.default_rng(5).random(n) < OPEN_SHARE
    t0 = time.perf_counter()
    clerk = copy_cases(cases, open_mask)
    t_cases = time.perf_counter() - t0
    build = copy_index(sigs, open_mask)
    sizes = table_sizes()
    qs = queries(cases, n_queries, seed=n + 7)
    qsigs = [services.hasher().signature(services.case_text(t, b)) for t, b, _o in qs]

    # The SQL core alone: one statement, candidates with their signatures.
    core = []
    with connection.cursor() as cur:
        for sig in qsigs:
            keys = services.hasher().band_keys(sig).tolist()
            sql, params = bandkeys.candidates_query(keys, selectors.CANDIDATE_LIMIT)
            t = time.perf_counter()
            cur.execute(sql, params)
            rows = cur.fetchall()
            core.append((time.perf_counter() - t) * 1000)
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [r[0] for r in cur.fetchall()]
    del rows

    from django.conf import settings

    def run(user) -> tuple[list[float], int, float]:
        times, nq, hits, dups = [], [], 0, 0
        settings.DEBUG = True  # count the queries of one lookup
        for title, body, original in qs:
            reset_queries()
            t = time.perf_counter()
            found = selectors.similar_open_cases(title, body, user=user, limit=5)
            times.append((time.perf_counter() - t) * 1000)
            nq.append(len(connection.queries))
            if original is not None and open_mask[original]:
                dups += 1
                hits += any(c.pk == ID_BASE + original for c, _s in found)
        settings.DEBUG = False
        return times, max(nq), round(hits / dups, 4)

    anon, anon_q, anon_recall = run(None)
    seen, seen_q, seen_recall = run(clerk)
    write = bench_write_path(n)
    return {
        "cases": n,
        "open_share": OPEN_SHARE,
        "build_seconds": {
            "copy_cases": round(t_cases, 1),
            "signatures_numpy": round(t_sig, 1),
            **build,
        },
        "sizes": sizes,
        "lookup_ms": {
            "similar_open_cases": {
                **latency(anon),
                "queries_per_lookup": anon_q,
                "near_duplicate_recall_at_5": anon_recall,
            },
            "similar_open_cases_as_clerk": {
                **latency(seen),
                "queries_per_lookup": seen_q,
                "near_duplicate_recall_at_5": seen_recall,
            },
            "candidate_sql_only": latency(core),
        },
        "index_one_case_ms": write,
        "queries": len(qs),
        "candidate_plan": plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--db-sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--no-db", action="store_true")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    db_sizes = [] if args.no_db else [int(s) for s in args.db_sizes.split(",") if s]
    result = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
        },
        "scheme": {**DEFAULT_SCHEME.__dict__, "threshold": round(DEFAULT_SCHEME.threshold, 3)},
        "in_memory": [],
        "postgresql": [],
    }
    hasher = MinHasher(DEFAULT_SCHEME)
    for n in sorted(set(sizes) | set(db_sizes)):
        print(f"{n} cases: generating", flush=True)
        cases = generate(n, seed=n)
        t = time.perf_counter()
        sigs = hasher.signatures([f"{t}\n{b}" for t, b in cases], batch=512)
        t_sig = time.perf_counter() - t
        if n in sizes:
            print(f"{n} cases: in memory", flush=True)
            result["in_memory"].append(bench_memory(cases, sigs, t_sig, args.queries))
            gc.collect()
        if n in db_sizes:
            print(f"{n} cases: postgresql", flush=True)
            setup_db()
            result["postgresql"].append(bench_db(cases, sigs, t_sig, args.queries))
            print(json.dumps(result["postgresql"][-1]["lookup_ms"], indent=2), flush=True)
        del cases, sigs
        gc.collect()
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
