"""Daily (or more often): flag overdue cases and remind holding bodies of deadlines due soon."""

from __future__ import annotations

from xinfang.core.jobcommand import ScheduledJobCommand
from xinfang.desk import tasks


class Command(ScheduledJobCommand):
    help = (
        "Flag staff deadlines that have passed (once per clock) and e-mail due-soon reminders to "
        "the bodies holding the cases (once per clock per day)."
    )
    task = tasks.run_supervision_task

    def run(self, *, on, send):
        return tasks.run_supervision(on=on, send=send)

    def summary(self, out):
        return (
            f"flagged {out['overdue_flagged']} overdue, queued {out['reminders_queued']} "
            f"reminders, sent {out['sent']}"
        )
