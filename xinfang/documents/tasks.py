"""Queue entry points: they take ids and reload (DESIGN.md, side effects after commit)."""

from __future__ import annotations

from django_tasks import task


@task()
def render_notice_task(notice_id: int) -> str:
    from .services import render_notice

    notice = render_notice(notice_id)
    return notice.status if notice is not None else "missing"
