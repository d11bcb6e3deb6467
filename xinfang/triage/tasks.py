"""Background tasks (django-tasks): they take ids and reload, so a late run is harmless."""

from __future__ import annotations

import logging

from django_tasks import task

from . import services

logger = logging.getLogger("xinfang.triage")


@task()
def index_case_task(case_id: int) -> bool:
    return services.index_case(case_id)


def enqueue_indexing(event_id: int) -> None:
    """After-commit subscriber (core/events.py): queue the case of a registration or of a move
    in or out of the open set. If queueing fails, reindex_similarity repairs the index."""
    case_id = services.needs_indexing(event_id)
    if case_id is None:
        return
    try:
        index_case_task.enqueue(case_id)
    except Exception:
        logger.exception("could not enqueue look-alike indexing of case %s", case_id)


@task()
def train_triage_task(model_id: int) -> list[int]:
    """Train the queued TriageModel row (train_triage enqueues it); progress goes on the row."""
    from . import training

    return [row.pk for row in training.run_training(model_id)]
