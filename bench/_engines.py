"""Run one in-process bench on each engine: a fresh database migrated from nothing, keys of its
own and debug off, the bench script re-run as a child with `--engine`; its last line of output
(JSON) is that engine's result."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _fresh(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    sys.path.insert(0, str(ROOT))
    from bench._pg import ensure_database

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    ensure_database(url)


def run_per_engine(script: str, engines: dict[str, str], args: list[str]) -> dict[str, dict]:
    results = {}
    for engine, url in engines.items():
        _fresh(url)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "XINFANG_DEBUG": "false",
            # Debug off starts only with real keys; the in-process client speaks plain HTTP.
            "XINFANG_SECRET_KEY": secrets.token_urlsafe(50),
            "XINFANG_DATA_KEY": secrets.token_urlsafe(48),
            "XINFANG_AUDIT_KEY": secrets.token_urlsafe(48),
            "XINFANG_HTTPS": "false",
            "XINFANG_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        out = subprocess.run(
            [sys.executable, script, *args, "--engine", engine],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        results[engine] = json.loads(out.stdout.strip().splitlines()[-1])
    return results
