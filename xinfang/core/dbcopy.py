"""Copying the whole database to a file and back, per engine (used by core/backup.py).

SQLite: the online backup API (a consistent copy while the application runs). PostgreSQL:
`pg_dump --format=custom` and `pg_restore` (Debian's postgresql-client), the dump taken in a
snapshot exported from a REPEATABLE READ transaction, so the row counts written to the manifest
are those of the dump exactly.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

from .errors import ApplicationError

DUMP_NAMES = {"sqlite": "database/db.sqlite3", "postgresql": "database/xinfang.dump"}


class BackupError(ApplicationError):
    code = "backup_failed"
    http_status = 500


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(f"不支持的数据库：{vendor}（仅支持 SQLite 与 PostgreSQL）")
    return vendor


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _counts(cursor, tables: list[str]) -> dict[str, int]:
    out = {}
    # SQLite's own tables (sqlite_sequence, sqlite_stat1) are bookkeeping, not data.
    for table in sorted(t for t in tables if not t.startswith("sqlite_")):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        out[table] = cursor.fetchone()[0]
    return out


def table_counts() -> dict[str, int]:
    """Rows per table of the database the application is connected to."""
    with connection.cursor() as cur:
        return _counts(cur, connection.introspection.table_names(cur))


def is_empty() -> bool:
    with connection.cursor() as cur:
        return not connection.introspection.table_names(cur)


def server_version() -> str:
    if engine() == "sqlite":
        return sqlite3.sqlite_version
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        return cur.fetchone()[0]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（Debian: postgresql-client）")
    return path


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the client tools; the password goes in the environment."""
    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} 失败：{done.stderr.strip()[-2000:]}")
    return done.stdout


def dump(target: Path) -> tuple[dict[str, int], str]:
    """Write the whole database to `target`; its rows per table and the tool used."""
    if engine() == "sqlite":
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            with dest:
                connection.connection.backup(dest)
            cur = dest.cursor()
            tables = [
                r[0]
                for r in cur.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return _counts(cur, tables), f"sqlite3 online backup {sqlite3.sqlite_version}"
        finally:
            dest.close()
    pg_dump = _tool("pg_dump")
    args, env = _pg_env()
    with _snapshot() as (snapshot, counts):
        _run(
            [pg_dump, "--format=custom", "--compress=6", "--no-owner", "--no-privileges"]
            + ["--snapshot", snapshot, "--file", str(target), *args],
            env,
        )
    return counts, _run([pg_dump, "--version"], env).strip()


@contextmanager
def _snapshot():
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
        counts = _counts(cur, connection.introspection.table_names(cur))
        yield snapshot, counts


def load(source: Path, progress: Callable[[str], None] = lambda s: None) -> str:
    """Load a dump written by `dump` into the (empty) database the application is connected to."""
    if engine() == "sqlite":
        name = connection.settings_dict["NAME"]
        connection.close()
        src = sqlite3.connect(source)
        dest = sqlite3.connect(name)
        try:
            with dest:
                src.backup(dest)
        finally:
            src.close()
            dest.close()
        return f"sqlite3 online backup into {name}"
    pg_restore = _tool("pg_restore")
    args, env = _pg_env()
    connection.close()
    progress("pg_restore …")
    _run(
        [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        + [*args, str(source)],
        env,
    )
    return _run([pg_restore, "--version"], env).strip()
