from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.cases.audit import verify_audit_chain
from xinfang.core.errors import NotFound


class Command(BaseCommand):
    help = (
        "Check the keyed hash chain of every case's timeline (or of one case) and hold each "
        "against the newest exported head (export_audit_heads); list every broken case and "
        "exit with status 1 when any is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--case",
            dest="number",
            default=None,
            metavar="NUMBER",
            help="check only this case (e.g. XF-370687-20261122-000123)",
        )
        parser.add_argument(
            "--export",
            type=Path,
            default=None,
            metavar="FILE",
            help="head export file to compare with (default: XINFANG_AUDIT_EXPORT_PATH)",
        )
        parser.add_argument(
            "--no-export", action="store_true", help="check the chains only, not the export"
        )

    def handle(self, *args, number=None, export=None, no_export=False, **options):
        try:
            report = verify_audit_chain(number=number, export=export, use_export=not no_export)
        except NotFound as exc:
            raise CommandError(str(exc)) from exc
        if not report.intact:
            raise CommandError(str(report))
        self.stdout.write(str(report))
