"""Background tasks of the hotline hand-off: they take ids and reload, so a late run is harmless."""

from __future__ import annotations

from django_tasks import task

from . import push


@task()
def deliver_pushes(push_ids: list[int]) -> dict:
    """Send these statuses if they are still due."""
    return push.deliver(ids=push_ids)


@task()
def sweep_pushes() -> dict:
    """Send every status whose retry time has come (run it every few minutes)."""
    return push.deliver()
