from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one archive (tar) of the database (sqlite3 online backup, or pg_dump), the media "
        "folder (attachments, notices) and the audit head export, with a manifest of versions, "
        "rows per table and checksums. See docs/backups.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="archive file, or folder for a dated one (default: XINFANG_BACKUP_DIR)",
        )

    def handle(self, *args, output=None, **options):
        try:
            result = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(result))
        missing = result.manifest["media"]["missing"]
        if missing:
            self.stderr.write(
                f"{len(missing)} file(s) the database refers to were not in the media folder: "
                + ", ".join(missing[:10])
            )
