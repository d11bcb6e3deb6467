"""The shape every scheduled job's command shares: run as of a day (`--date`), queue without
sending (`--no-send`), or hand the run to the task queue (`--enqueue`)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class ScheduledJobCommand(BaseCommand):
    """Subclasses give `task` (a django-tasks task), `run(on, send)` and `summary(out)`."""

    task = None

    def run(self, *, on: dt.date | None, send: bool) -> dict:
        raise NotImplementedError

    def summary(self, out: dict) -> str:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--date", help="run as of this day (YYYY-MM-DD); default today")
        parser.add_argument(
            "--no-send", action="store_true", help="only queue; the deliver_outbox worker sends"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="hand the run to the task queue instead"
        )

    def handle(self, *args, date: str | None, no_send: bool, enqueue: bool, **options):
        if enqueue:
            result = self.task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        try:
            on = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        self.stdout.write(self.summary(self.run(on=on, send=not no_send)))
