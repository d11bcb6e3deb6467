"""Daily: remind petitioners to rate an answer whose rating window is still open (W22)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xinfang.notify import services


class Command(BaseCommand):
    help = "Queue one rating reminder per open rating window older than N days, then send them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="days after the answer (default NOTIFY setting)"
        )
        parser.add_argument(
            "--no-send", action="store_true", help="only queue; the deliver_outbox worker sends"
        )

    def handle(self, *args, days: int | None, no_send: bool, **options):
        ids = services.queue_rating_reminders(days=days)
        self.stdout.write(f"queued {len(ids)} rating reminders")
        if ids and not no_send:
            report = services.deliver(ids=ids)
            self.stdout.write(f"sent {report.sent}, retrying {report.retrying}, dead {report.dead}")
