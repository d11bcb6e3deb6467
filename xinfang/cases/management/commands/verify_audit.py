from django.core.management.base import BaseCommand, CommandError

from xinfang.cases.audit import verify_audit_chain
from xinfang.core.errors import NotFound


class Command(BaseCommand):
    help = (
        "Check the hash chain of every case's timeline (or of one case) and name the first "
        "broken link; exits with status 1 when the chain is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--case",
            dest="number",
            default=None,
            metavar="NUMBER",
            help="check only this case (e.g. XF-370687-20261122-000123)",
        )

    def handle(self, *args, number=None, **options):
        try:
            report = verify_audit_chain(number=number)
        except NotFound as exc:
            raise CommandError(str(exc)) from exc
        if not report.intact:
            raise CommandError(str(report))
        self.stdout.write(str(report))
