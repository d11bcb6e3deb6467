import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xinfang.cases.exchange.writer import export_cases
from xinfang.cases.models import Case
from xinfang.cases.services.exchange import record_handover


class Command(BaseCommand):
    help = (
        "Write cases as an exchange file (JSON Lines, docs/systems.md) for another level: the "
        "case, its parties, clocks, attachments and timeline with its hash chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("numbers", nargs="*", metavar="NUMBER", help="cases to export")
        parser.add_argument("--all", action="store_true", help="every case")
        parser.add_argument("--since", type=dt.date.fromisoformat, help="registered on or after")
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
        parser.add_argument(
            "--hand-over",
            metavar="BODY",
            help="record in each case's timeline that it is handed to this body (another "
            "level), before writing it; a case sent back later continues that history",
        )
        parser.add_argument(
            "--attachments-dir",
            type=Path,
            help="write attachments into this folder, named by SHA-256, instead of inline base64",
        )

    def handle(self, *args, numbers, all, since, output, attachments_dir, hand_over, **options):
        qs = Case.objects.exclude(number__startswith="~").order_by("pk")
        if numbers:
            qs = qs.filter(number__in=numbers)
            missing = set(numbers) - set(qs.values_list("number", flat=True))
            if missing:
                raise CommandError("未找到事项：" + "，".join(sorted(missing)))
        elif not (all or since):
            raise CommandError("请指定事项编号，或 --all / --since")
        if since:
            qs = qs.filter(registered_at__date__gte=since)
        if hand_over:
            if not output:
                raise CommandError("移交时请用 -o 指定输出文件")
            # The notes and the file together: a failed export leaves no note behind.
            with transaction.atomic():
                for case in qs.iterator():
                    record_handover(case=case, to=hand_over)
                self._write(qs, output, attachments_dir)
            return
        if output:
            self._write(qs, output, attachments_dir)
        else:
            export_cases(qs.iterator(), sys.stdout, attachments_dir=attachments_dir)

    def _write(self, qs, output, attachments_dir):
        # Parties are in clear in the file: readable by its owner only.
        output.touch(mode=0o600)
        output.chmod(0o600)
        with output.open("w", encoding="utf-8") as fh:
            report = export_cases(qs.iterator(), fh, attachments_dir=attachments_dir)
        self.stderr.write(f"已导出 {report.cases} 个事项到 {output}")
