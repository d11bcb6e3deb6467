"""Petitions per second through POST /api/v1/petitions (the whole path: validation, rate limits,
registration, outbox and notice records, after-commit enqueueing), on SQLite and PostgreSQL.

Runs in-process through Django's test client against a fresh database of its own, one client at a
time (the number a single web worker can take). Writes bench/results/api_submit.json.

Usage: .venv/bin/python bench/api_submit.py [--n 300]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "api_submit.json"
ENGINES = {
    "sqlite": "sqlite:////tmp/xinfang-bench-api.sqlite3",
    "postgresql": "postgres://postgres@127.0.0.1:5432/xinfang_bench_api",
}


def run_one(n: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from tests.conftest import build_county

    settings.XINFANG["RATE_LIMITS"] = {
        "ip": (10**9, 3600),
        "phone": (10**9, 86400),
        "lookup_failures": (10, 900),
    }
    call_command("flush", "--no-input", verbosity=0)
    build_county()
    client = Client()
    times = []
    for i in range(n):
        payload = {
            "content_type": "appeal",
            "title": f"小区路灯损坏第{i}号",
            "division_code": "370687",
            "body": "小区东门路灯一直不亮，晚上出行不安全，请尽快维修。",
            "address": "某小区东门",
            "petitioner": {"name": "测试", "phone": f"139{i:08d}"},
            "public_consent": False,
        }
        start = time.perf_counter()
        r = client.post(
            "/api/v1/petitions",
            payload,
            content_type="application/json",
            headers={"Idempotency-Key": f"bench-{i}"},
        )
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 201, r.content
    times.sort()
    return {
        "n": n,
        "per_second": round(n / (sum(times) / 1000), 1),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * n) - 1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--engine", choices=list(ENGINES))
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(run_one(args.n)))
        return
    results = {"what": "POST /api/v1/petitions, one client, in-process", "cpus": os.cpu_count()}
    sys.path.insert(0, str(ROOT))
    from bench._engines import run_per_engine

    results.update(run_per_engine(__file__, ENGINES, ["--n", str(args.n)]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
