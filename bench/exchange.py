"""Exchange between levels, measured: `export_cases`, `import_cases --check` and `import_cases`
of the demo county's cases (about 150 seeded stories and 50 more with a PDF attachment each)
from one database into another that holds the same county but no cases; then the same file
again (nothing changes) and `verify_audit` on the receiving side. Writes
bench/results/exchange.json.

Usage: .venv/bin/python bench/exchange.py [--extra 50]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "exchange.json"
SOURCE = "/tmp/xinfang-bench-exchange-source.sqlite3"
TARGET = "/tmp/xinfang-bench-exchange-target.sqlite3"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"0" * 20000


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
    import django

    django.setup()


def _checkpoint() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def county_only() -> None:
    _setup()
    from xinfang.demo import seed as demo
    from xinfang.demo.county import build_demo_county

    build_demo_county()
    demo.ensure_taxonomy(None)
    _checkpoint()


def seed(extra: int) -> None:
    _setup()
    from xinfang.cases import services
    from xinfang.demo import seed as demo
    from xinfang.demo.county import build_demo_county
    from xinfang.orgs.models import Body, BodyKind

    county = build_demo_county()
    demo.seed_cases(county)
    office = Body.objects.filter(kind=BodyKind.PETITION_OFFICE, division__level=3).first()
    clerk = office.memberships.filter(role="intake_clerk").first().user
    for i in range(extra):
        services.register(
            actor=clerk,
            body=office,
            channel="letter",
            content_type="appeal",
            title=f"路灯不亮（{i}）",
            text="小区东门路灯一直不亮，晚上出行不便。",
            place=office.division,
            address="某小区东门",
            parties=[services.PartyInput(name="王五", phone="13700137000")],
            attachments=[services.AttachmentInput(name=f"照片{i}.pdf", content=PDF)],
        )
    _checkpoint()


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - start, 3)


def export(path: str) -> dict:
    _setup()
    from django.core.management import call_command

    from xinfang.cases.models import Case

    _, seconds = _timed(
        lambda: call_command("export_cases", "--all", "-o", path, stderr=io.StringIO())
    )
    return {"cases": Case.objects.count(), "export_s": seconds, "bytes": Path(path).stat().st_size}


def receive(path: str) -> dict:
    _setup()
    from django.core.management import call_command

    from xinfang.cases.audit import verify_audit_chain
    from xinfang.cases.models import Case, CaseEvent

    out = io.StringIO()
    _, check_s = _timed(lambda: call_command("import_cases", path, "--check", stdout=out))
    _, import_s = _timed(lambda: call_command("import_cases", path, stdout=out))
    _, again_s = _timed(lambda: call_command("import_cases", path, stdout=out))
    report, verify_s = _timed(lambda: verify_audit_chain(use_export=False))
    assert report.intact, str(report)
    _checkpoint()
    return {
        "check_s": check_s,
        "import_s": import_s,
        "reimport_unchanged_s": again_s,
        "verify_audit_s": verify_s,
        "cases_received": Case.objects.count(),
        "events_received": CaseEvent.objects.count(),
        "output": out.getvalue().strip().splitlines(),
    }


def _phase(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    out = subprocess.run(
        [sys.executable, __file__, *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extra", type=int, default=50)
    parser.add_argument("--phase", choices=["county", "seed", "export", "receive"])
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.phase == "county":
        county_only()
        return
    if args.phase == "seed":
        seed(args.extra)
        return
    if args.phase == "export":
        print(json.dumps(export(args.file)))
        return
    if args.phase == "receive":
        print(json.dumps(receive(args.file), ensure_ascii=False))
        return
    for db in (SOURCE, TARGET):
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    results: dict = {"what": "export_cases / import_cases of the demo cases, SQLite, in-process"}
    for db in (SOURCE, TARGET):
        url = f"sqlite:///{db}"
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
        )
        _phase(url, "--phase", "county")
    _phase(f"sqlite:///{SOURCE}", "--phase", "seed", "--extra", str(args.extra))
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "cases.jsonl")
        results["export"] = json.loads(
            _phase(f"sqlite:///{SOURCE}", "--phase", "export", "--file", path)
        )
        results["receive"] = json.loads(
            _phase(f"sqlite:///{TARGET}", "--phase", "receive", "--file", path)
        )
    results["load"] = os.getloadavg()
    results["cpus"] = os.cpu_count()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
