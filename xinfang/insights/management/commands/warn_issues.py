import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from xinfang.insights.alerts import jobs


class Command(BaseCommand):
    help = (
        "Early warning about issues: test each week since the last run (category, division) "
        "against its own baseline and look-alike groups against their thresholds; message the "
        "supervisors of new alerts (run weekly, e.g. Monday morning; a missed run catches up)."
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
            result = jobs.warn_issues_task.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        try:
            on = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        out = jobs.warn_issues(today=on, send=not no_send)
        self.stdout.write(
            f"tested {out['surge_weeks']} week(s): {out['surge_alerts']} rise(s) above the usual "
            f"level, {out['cluster_alerts']} look-alike group(s); queued {out['queued']} "
            f"message(s), sent {out['sent']}"
        )
