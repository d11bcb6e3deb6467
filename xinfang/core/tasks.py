"""The one background task every committed case event gets (core/events.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def after_commit(event_ids: list[int]) -> int:
    """Run the after-commit subscribers (deliver messages, render notices, index look-alikes)
    for these events; each takes an id and reloads, so a late or repeated run is harmless."""
    from . import events

    events.run_after_commit(event_ids)
    return len(event_ids)
