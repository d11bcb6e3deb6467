"""How long `verify_audit` and `export_audit_heads` take, by number of events, on SQLite and
PostgreSQL, and how much memory the comparison with the head export needs.

Timelines are written straight into a fresh database with keyed links (as services would write
them: same payload, same HMAC), `--cases` cases of `--events` events each, so that large sizes
take minutes, not hours. Then: a first export (every case), a second one (nothing changed), the
chain check alone, and the chain check held against the export. Writes
bench/results/audit_verify.json.

Usage: .venv/bin/python bench/audit_verify.py [--cases 20000] [--events 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "audit_verify.json"
ENGINES = {
    "sqlite": "sqlite:////tmp/xinfang-bench-audit.sqlite3",
    "postgresql": "postgres://postgres@127.0.0.1:5432/xinfang_bench_audit",
}


def _fill(cases: int, per_case: int) -> None:
    from django.db import transaction

    from tests.conftest import build_county
    from xinfang.cases.models import Case, CaseEvent
    from xinfang.core import audit

    county = build_county()
    start = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
    batch = 1000
    for first in range(0, cases, batch):
        with transaction.atomic():
            rows = [
                Case(
                    number=f"XF-370687-20260105-{first + i + 1:06d}",
                    tracking_code=f"B{first + i:09d}",
                    registered_at=start,
                    registering_body=county.office,
                    holder_body=county.office,
                    channel="letter",
                    content_type="appeal",
                    place=county.county,
                    title="路灯不亮",
                    body="小区东门路灯一直不亮。",
                )
                for i in range(min(batch, cases - first))
            ]
            Case.objects.bulk_create(rows)
            rows = list(Case.objects.filter(number__in=[c.number for c in rows]))
            events = []
            for case in rows:
                head = audit.GENESIS
                for seq in range(1, per_case + 1):
                    e = CaseEvent(
                        case=case,
                        seq=seq,
                        kind="register" if seq == 1 else "note",
                        actor_label="系统",
                        at=start + dt.timedelta(minutes=seq),
                        to_state="registered",
                        extra={"article": "W17/W21", "n": seq},
                        prev_hash=head,
                    )
                    e.hash = head = audit.link_hash(head, e.hash_payload())
                    events.append(e)
                case.event_count, case.audit_head = per_case, head
            CaseEvent.objects.bulk_create(events, batch_size=2000)
            Case.objects.bulk_update(rows, ["event_count", "audit_head"], batch_size=1000)


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - start, 2)


def run_one(cases: int, per_case: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from xinfang.cases.audit import verify_audit_chain
    from xinfang.cases.audit_export import export_heads

    call_command("flush", "--no-input", verbosity=0)
    _, fill_s = _timed(lambda: _fill(cases, per_case))
    with tempfile.TemporaryDirectory() as tmp:
        settings.AUDIT_EXPORT_PATH = Path(tmp) / "audit-heads.log"
        first, first_s = _timed(export_heads)
        again, again_s = _timed(export_heads)
        plain, plain_s = _timed(lambda: verify_audit_chain(use_export=False))
        full, full_s = _timed(verify_audit_chain)
        size = settings.AUDIT_EXPORT_PATH.stat().st_size
    assert plain.intact and full.intact and first.written == cases and again.written == 0
    events = cases * per_case
    return {
        "cases": cases,
        "events": events,
        "fill_s": fill_s,
        "export_first_s": first_s,
        "export_unchanged_s": again_s,
        "export_file_bytes": size,
        "verify_chain_s": plain_s,
        "verify_with_export_s": full_s,
        "events_per_second": round(events / full_s),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--engine", choices=list(ENGINES))
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(run_one(args.cases, args.events)))
        return
    results = {"what": "verify_audit and export_audit_heads, in-process", "cpus": os.cpu_count()}
    for engine, url in ENGINES.items():
        env = {**os.environ, "DATABASE_URL": url}
        if engine == "postgresql":
            subprocess.run(
                [
                    "psql",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-qc",
                    "DROP DATABASE IF EXISTS xinfang_bench_audit",
                ],
                check=True,
            )
            subprocess.run(
                [
                    "psql",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-qc",
                    "CREATE DATABASE xinfang_bench_audit",
                ],
                check=True,
            )
        else:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--cases",
                str(args.cases),
                "--events",
                str(args.events),
                "--engine",
                engine,
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        results[engine] = json.loads(out.stdout.strip().splitlines()[-1])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
