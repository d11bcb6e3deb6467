from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.cases.audit_export import export_heads


class Command(BaseCommand):
    help = (
        "Append the head (event count and last link) of every case timeline that changed since "
        "its last export to the append-only file XINFANG_AUDIT_EXPORT_PATH. Run it hourly; "
        "verify_audit holds the chains against it. Exits 1 when the file shows tampering."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=None, help="export file (default: the setting)"
        )

    def handle(self, *args, path=None, **options):
        report = export_heads(path=path)
        self.stdout.write(str(report))
        if report.problems:
            raise CommandError("\n".join(report.problems))
