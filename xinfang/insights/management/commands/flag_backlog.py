from django.core.management.base import BaseCommand

from xinfang.core.timeutil import today
from xinfang.insights import backlog


class Command(BaseCommand):
    help = "Add the open cases the backlog rules flag to the backlog ledger (run daily)."

    def handle(self, *args, **options):
        n = backlog.flag(day=today())
        self.stdout.write(f"flagged {n} case(s)")
