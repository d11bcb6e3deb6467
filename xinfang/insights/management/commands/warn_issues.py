from xinfang.core.jobcommand import ScheduledJobCommand
from xinfang.insights.alerts import jobs


class Command(ScheduledJobCommand):
    help = (
        "Early warning about issues: test each week since the last run (category, division) "
        "against its own baseline and look-alike groups against their thresholds; message the "
        "supervisors of new alerts (run weekly, e.g. Monday morning; a missed run catches up)."
    )
    task = jobs.warn_issues_task

    def run(self, *, on, send):
        return jobs.warn_issues(today=on, send=send)

    def summary(self, out):
        return (
            f"tested {out['surge_weeks']} week(s): {out['surge_alerts']} rise(s) above the usual "
            f"level, {out['cluster_alerts']} look-alike group(s); queued {out['queued']} "
            f"message(s), sent {out['sent']}"
        )
