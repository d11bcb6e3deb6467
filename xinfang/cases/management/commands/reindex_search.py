"""Segment title, body and address of existing cases into Case.search_text again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xinfang.cases import services


class Command(BaseCommand):
    help = "Recompute the segmented search text (jieba) of existing cases."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument(
            "--only-empty", action="store_true", help="Only cases without search text yet."
        )

    def handle(self, *args, batch, only_empty, **options):
        n = services.reindex_search(batch=batch, only_empty=only_empty)
        self.stdout.write(f"{n} cases reindexed")
