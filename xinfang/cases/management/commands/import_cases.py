from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.cases.exchange import ExchangeError
from xinfang.cases.exchange.reader import read_exchange
from xinfang.cases.services.exchange import import_exchange
from xinfang.core.errors import ApplicationError
from xinfang.orgs.models import Body


class Command(BaseCommand):
    help = (
        "Verify an exchange file (hash chains, digests, attachments, signature) and import its "
        "cases; --check verifies only. A tampered file is refused whole. Re-importing a file "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--check", action="store_true", help="verify only; write nothing")
        parser.add_argument("--attachments-dir", type=Path, help="the folder of attachments")
        parser.add_argument(
            "--body",
            help="name of the petition office that receives the cases (default: the office of "
            "each case's place)",
        )

    def handle(self, *args, file, check, attachments_dir, body, **options):
        receiver = None
        if body:
            receiver = Body.objects.filter(name=body).first()
            if receiver is None:
                raise CommandError(f"未找到单位：{body}")
        try:
            with file.open("rb") as fh:
                verified = read_exchange(fh, attachments_dir=attachments_dir)
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc}") from exc
        except ExchangeError as exc:
            raise CommandError(f"拒绝导入 {file}：{exc}") from exc
        n = len(verified.records)
        events = sum(len(r["events"]) for r in verified.records)
        source = verified.source.get("system", "")
        if check:
            self.stdout.write(f"校验通过：{n} 个事项，{events} 条记录，来源 {source}")
            return
        try:
            report = import_exchange(verified, body=receiver)
        except ApplicationError as exc:
            raise CommandError(f"拒绝导入 {file}：{exc}") from exc
        self.stdout.write(
            f"已导入：新建 {len(report.created)} 个，续接 {len(report.extended)} 个，"
            f"已有未变 {len(report.unchanged)} 个（来源 {source}）"
        )
