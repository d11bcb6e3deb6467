"""Background tasks (django-tasks): they take ids and reload, so a late run is harmless."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def deliver_outbox(outbox_ids: list[int]) -> dict:
    """Send these rows if they are still due; rows already sent or taken are left alone."""
    report = services.deliver(ids=outbox_ids)
    return {"sent": report.sent, "retrying": report.retrying, "dead": report.dead}
