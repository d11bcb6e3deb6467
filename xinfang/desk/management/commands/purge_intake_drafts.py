"""Daily: delete scans uploaded to intake drafts that were never saved as cases."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xinfang.desk.services import purge_intake_drafts


class Command(BaseCommand):
    help = (
        "Delete the scans of intake drafts that no live session lists any more (abandoned "
        "registrations). Saved cases keep their own copies."
    )

    def handle(self, *args, **options):
        removed = purge_intake_drafts()
        self.stdout.write(f"removed {removed} draft scan(s)")
