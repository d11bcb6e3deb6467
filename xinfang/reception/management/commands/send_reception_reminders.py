"""Daily (e.g. at 16:00): remind petitioners of tomorrow's reception appointments by SMS."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xinfang.reception import services


class Command(BaseCommand):
    help = "Queue one reminder per appointment booked for tomorrow's reception days."

    def handle(self, *args, **options):
        count = services.queue_reminders()
        self.stdout.write(f"queued {count} reception reminders")
