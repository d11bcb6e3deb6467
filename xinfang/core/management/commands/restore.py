from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.backup import BackupError, check_archive, describe, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into this installation, whose database and "
        "media folder must be empty; every checksum is checked first and the rows per table "
        "compared with the manifest after. --check only checks the archive. See docs/backups.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--check", action="store_true", help="check the archive's checksums; restore nothing"
        )

    def handle(self, *args, archive: Path, check=False, **options):
        if not archive.is_file():
            raise CommandError(f"{archive} 不存在")
        try:
            if check:
                manifest = check_archive(archive)
                self.stdout.write(describe(manifest))
                self.stdout.write("备份完整：每个文件的校验值都与清单一致")
                return
            result = restore(archive, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(describe(result.manifest))
        self.stdout.write(str(result))
