"""Work orders per second through the signed POST /api/v1/hotline/{platform}/orders: a new order
(signature, validation, registration with its time-class clock, the order row and its first
status) and the same order pushed again (signature, one look-up, the same case), on SQLite and
PostgreSQL.

Runs in-process through Django's test client against a fresh database of its own, one client at a
time. Writes bench/results/hotline_push.json.

Usage: .venv/bin/python bench/hotline_push.py [--n 300]
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
OUT = ROOT / "bench" / "results" / "hotline_push.json"
ENGINES = {
    "sqlite": "sqlite:////tmp/xinfang-bench-hotline.sqlite3",
    "postgresql": "postgres://postgres@127.0.0.1:5432/xinfang_bench_hotline",
}
KEY = "bench-signing-key"


def _summary(times: list[float]) -> dict:
    times = sorted(times)
    n = len(times)
    return {
        "n": n,
        "per_second": round(n / (sum(times) / 1000), 1),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(int(0.95 * n) - 1, 0)], 2),
    }


def run_one(n: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from tests.conftest import build_county
    from xinfang.cases.models import Case
    from xinfang.channels import signing
    from xinfang.channels.models import HotlinePlatform

    call_command("flush", "--no-input", verbosity=0)
    county = build_county()
    HotlinePlatform.objects.create(
        code="bench",
        name="12345",
        secret=KEY,
        body=county.office,
        account=county.users["clerk"],
        place=county.county,
    )
    client = Client()

    def post(i: int) -> float:
        body = json.dumps(
            {
                "order_number": f"GD{i:08d}",
                "caller": {"name": "测试", "phone": f"139{i:08d}"},
                "call_time": "2026-01-05T09:30:00+08:00",
                "content": f"小区东门路灯一直不亮，晚上出行不安全，请尽快维修。（{i}）",
                "urgency": "normal",
            },
            ensure_ascii=False,
        ).encode()
        start = time.perf_counter()
        r = client.post(
            "/api/v1/hotline/bench/orders",
            data=body,
            content_type="application/json",
            headers=signing.headers(KEY, body, now=time.time()),
        )
        elapsed = (time.perf_counter() - start) * 1000
        assert r.status_code in (200, 201), r.content
        return elapsed

    new = [post(i) for i in range(n)]
    again = [post(i) for i in range(n)]
    assert Case.objects.count() == n
    return {"new_order": _summary(new), "duplicate": _summary(again)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--engine", choices=list(ENGINES))
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(run_one(args.n)))
        return
    sys.path.insert(0, str(ROOT))
    from bench._engines import run_per_engine

    load = os.getloadavg()
    results = {
        "what": "signed POST /api/v1/hotline/{platform}/orders, one client, in-process",
        "cpus": os.cpu_count(),
        "load_before": [round(x, 2) for x in load],
    }
    results.update(run_per_engine(__file__, ENGINES, ["--n", str(args.n)]))
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
