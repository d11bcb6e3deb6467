"""Worker: send due outbox rows (new ones the queue missed, retries, rows left mid-send)."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand

from xinfang.notify import services


class Command(BaseCommand):
    help = "Send due notification messages; with --once a single pass, else a loop."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between passes")
        parser.add_argument("--limit", type=int, default=None, help="rows per pass")

    def handle(self, *args, once: bool, interval: float, limit: int | None, **options):
        self._stop = False
        if not once:
            signal.signal(signal.SIGTERM, self._request_stop)
            signal.signal(signal.SIGINT, self._request_stop)
        while True:
            report = services.deliver(limit=limit)
            if report.handled:
                self.stdout.write(
                    f"sent {report.sent}, retrying {report.retrying}, dead {report.dead}"
                )
            if once or self._stop:
                return
            if not report.handled:
                # An empty pass waits; after a busy one, look again at once.
                self._sleep(interval)
            if self._stop:
                return

    def _request_stop(self, signum, frame):
        self._stop = True

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self._stop and time.monotonic() < end:
            time.sleep(min(0.5, end - time.monotonic()))
