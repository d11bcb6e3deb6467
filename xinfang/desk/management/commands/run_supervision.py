"""Daily (or more often): flag overdue cases and remind holding bodies of deadlines due soon."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from xinfang.desk import tasks


class Command(BaseCommand):
    help = (
        "Flag staff deadlines that have passed (once per clock) and e-mail due-soon reminders to "
        "the bodies holding the cases (once per clock per day)."
    )

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
            result = tasks.run_supervision_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        try:
            on = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        out = tasks.run_supervision(on=on, send=not no_send)
        self.stdout.write(
            f"flagged {out['overdue_flagged']} overdue, queued {out['reminders_queued']} "
            f"reminders, sent {out['sent']}"
        )
