"""`make run` (README): the port can be chosen, each log line is printed once, and on SQLite
pages read while the task worker writes (WAL) and writers wait their turn (busy timeout)."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.log import configure_logging

from xinfang.demo import seed

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_port_can_be_chosen():
    def planned(*args: str) -> str:
        return subprocess.run(
            ["make", "--no-print-directory", "-n", "run", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert "runserver 127.0.0.1:8000" in planned()
    assert "runserver 127.0.0.1:8001" in planned("PORT=8001")
    # The seed never needs ../shared: without it the bundled taxonomy is loaded.
    bundled = "xinfang/taxonomy/data/content-taxonomy.csv"
    assert f"--taxonomy {bundled}" in planned("SHARED_TAXONOMY=/nonexistent.csv")


def test_each_log_line_is_printed_once():
    """Django's own console handler printed each django.* line a second time beside ours."""
    stream = io.StringIO()
    try:
        # As under runserver: Django's own handler prints only with DEBUG on.
        with contextlib.redirect_stderr(stream), override_settings(DEBUG=True):
            configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
            logging.getLogger("django.utils.autoreload").info("Watching for changes (marker)")
            logging.getLogger("django.request").warning("Not Found: /marker/")
            logging.getLogger("django.server").info('"GET /marker/ HTTP/1.1" 200 1')
            logging.getLogger("xinfang.demo").info("demo marker")
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    err = stream.getvalue()
    for text in ("Watching for changes (marker)", "Not Found: /marker/", "GET /marker/", "demo"):
        assert err.count(text) == 1, err


@pytest.mark.django_db
def test_the_demos_queued_work_waits_behind_new_work():
    """The seed puts the history's notices, messages and indexing last in the queue: what
    people do once the server is up runs first."""
    from django_tasks_db.models import DBTaskResult

    from xinfang.triage.tasks import index_case_task

    before = seed._queued_task_ids()
    history = [index_case_task.enqueue(n) for n in range(3)]
    assert seed._behind_new_work(before) == 3
    new = index_case_task.enqueue(99)
    order = [str(pk) for pk in DBTaskResult.objects.ready().values_list("pk", flat=True)]
    assert order[0] == str(new.id)
    assert set(order[1:]) == {str(r.id) for r in history}


def test_sqlite_pages_read_while_the_worker_writes(tmp_path):
    """`make run`'s embedded database, whatever engine this suite runs on: WAL lets pages read
    while the worker writes, and a busy timeout makes writers wait their turn."""
    probe = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    mode, timeout_ms = done.stdout.split()[-2:]
    assert mode == "wal"
    assert int(timeout_ms) >= 5000
