"""Rebuild the look-alike index from the cases table (after an import, a scheme change, or a
queue outage)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from xinfang.triage import services


class Command(BaseCommand):
    help = "Rebuild the look-alike (MinHash LSH) index of every case, or only the missing ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", action="store_true", help="only cases not yet indexed with this scheme"
        )
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, missing: bool, batch: int, **options):
        started = time.monotonic()

        def progress(done: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{done} cases")

        n = services.reindex_all(batch=batch, only_missing=missing, progress=progress)
        self.stdout.write(f"indexed {n} cases in {time.monotonic() - started:.1f} s")
