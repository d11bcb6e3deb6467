"""`manage.py due_dates 2026-12-01`: every period's due date for a case registered that day."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from xinfang.cases import deadlines
from xinfang.cases.selectors import periods
from xinfang.core.selectors import work_calendar

WEEKDAYS = "一二三四五六日"


def _day(d: dt.date) -> str:
    return f"{d:%Y-%m-%d} 星期{WEEKDAYS[d.weekday()]}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def provisional_note(years: tuple[int, ...]) -> str:
    listed = "、".join(str(y) for y in years)
    return f"暂按周末计算，请录入{listed}年节假日安排"


class Command(BaseCommand):
    help = "列出某日登记（各起算事件均在当日发生）的信访事项各项法定期限的届满日。"

    def add_arguments(self, parser):
        parser.add_argument("date", help="登记日期，格式 YYYY-MM-DD，例如 2026-12-01")

    def handle(self, *args, date: str, **options):
        try:
            start = dt.date.fromisoformat(date.strip())
        except ValueError as exc:
            raise CommandError(
                f"日期“{date}”无效，请按 YYYY-MM-DD 格式填写，例如 2026-12-01"
            ) from exc
        try:
            rows = deadlines.schedule(start, work_calendar(), periods())
        except ValueError as exc:
            raise CommandError(f"无法计算期限：节假日表可能有误（{exc}）") from exc

        header = ["期限", "依据", "时长", "起算事件", "届满日", "延期后届满日", "备注"]
        table = [header]
        for row in rows:
            p = row.period
            table.append(
                [
                    p.label,
                    p.article,
                    p.length_label,
                    p.start_label,
                    _day(row.due),
                    _day(row.extended_due) if row.extended_due else "不可延期",
                    provisional_note(row.unknown_years) if row.provisional else "",
                ]
            )
        widths = [max(_width(r[i]) for r in table) for i in range(len(header))]
        self.stdout.write(f"登记日期：{_day(start)}（各期限的起算事件均假定发生在当日）")
        for r in table:
            self.stdout.write(
                "  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip()
            )
        unknown = sorted({y for r in rows for y in r.unknown_years})
        if unknown:
            self.stdout.write(
                f"注意：{'、'.join(map(str, unknown))}年的法定节假日尚未录入，"
                "相关期限只避开周六、周日，录入后请重新查询。"
            )
        self.stdout.write(
            "期限自起算事件次日开始计算；届满日为法定休息日的，顺延至其后第一个工作日。"
        )
