"""The monthly report's job on the task queue (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from . import build


@task()
def build_report_task(report_id: int) -> str:
    return build.build(report_id).status
