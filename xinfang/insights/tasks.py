"""Background folding (django-tasks): the subscriber queues the case; a late run is harmless."""

from __future__ import annotations

import logging

from django_tasks import task

from . import fold

logger = logging.getLogger("xinfang.insights")


@task()
def fold_case_task(case_id: int) -> bool:
    return fold.fold_case(case_id)


def enqueue_fold(event_id: int) -> None:
    """After-commit subscriber (core/events.py). If queueing fails, `rebuild_insights` repairs
    the facts from the watermark."""
    from xinfang.cases.models import CaseEvent

    case_id = CaseEvent.objects.filter(pk=event_id).values_list("case_id", flat=True).first()
    if case_id is None:
        return
    try:
        fold_case_task.enqueue(case_id)
    except Exception:
        logger.exception("could not enqueue the statistics fold of case %s", case_id)
