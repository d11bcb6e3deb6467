from django.core.management.base import BaseCommand

from xinfang.documents import services


class Command(BaseCommand):
    help = (
        "Render notices still pending (queue down or worker lost); --retry-failed retries failures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None)
        parser.add_argument("--retry-failed", action="store_true")

    def handle(self, *args, limit=None, retry_failed=False, **options):
        counts = services.render_pending(limit=limit, retry_failed=retry_failed)
        average = counts["ms"] // counts["rendered"] if counts["rendered"] else 0
        self.stdout.write(
            f"rendered {counts['rendered']}, failed {counts['failed']}, "
            f"skipped {counts['skipped']} (average {average} ms per notice)"
        )
