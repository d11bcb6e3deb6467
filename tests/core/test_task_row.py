"""The after-commit task row a move writes (core/events.py) is the row the database task
backend's own enqueue writes, and its worker runs it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from xinfang.core import events, tasks

pytestmark = pytest.mark.django_db

SAME = ("status", "args_kwargs", "priority", "task_path", "queue_name", "backend_name",
        "run_after", "worker_ids", "return_value", "exception_class_path", "traceback")  # fmt: skip


def _row(pk) -> dict:
    row = DBTaskResult.objects.get(pk=pk)
    return {name: getattr(row, name) for name in SAME}


def test_the_row_written_is_the_backends_own():
    with transaction.atomic():
        own = tasks.after_commit.enqueue([7, 8])
        events._write_task_row(tasks.after_commit, [[7, 8]])
    (ours,) = DBTaskResult.objects.exclude(pk=own.id)
    assert _row(ours.pk) == _row(own.id)
    assert ours.enqueued_at is not None and ours.pk != own.id


def test_the_worker_takes_the_row_and_runs_the_subscribers(subscriber_log):
    with transaction.atomic():
        events._write_task_row(tasks.after_commit, [[41, 42]])
    (row,) = DBTaskResult.objects.ready()  # what the worker asks for
    result = row.task_result
    assert result.task.func is tasks.after_commit.func and result.args == [[41, 42]]
    result.task.call(*result.args, **result.kwargs)
    assert subscriber_log == [41, 42]


@pytest.fixture
def subscriber_log():
    seen: list[int] = []
    events.subscribe(seen.append, after_commit=True)
    yield seen
    events.unsubscribe(seen.append)
