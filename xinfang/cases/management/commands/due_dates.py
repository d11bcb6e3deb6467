"""`manage.py due_dates 2026-12-01`: every period's due date for a case registered that day."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from xinfang.cases import deadlines
from xinfang.cases.selectors import periods
from xinfang.core.articles import cite
from xinfang.core.selectors import work_calendar


def _day(d: dt.date) -> str:
    return f"{d:%Y-%m-%d} {date_format(d, 'l')}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def provisional_note(years: tuple[int, ...]) -> str:
    listed = _(", ").join(str(y) for y in years)
    return _(
        "Provisional: counted on the statutory holidays and weekends; enter the %(years)s "
        "holiday schedule"
    ) % {"years": listed}


class Command(BaseCommand):
    help = (
        "List when every statutory period ends for a case registered on a day "
        "(every starting event assumed on that day)."
    )

    def add_arguments(self, parser):
        parser.add_argument("date", help="registration date, YYYY-MM-DD, e.g. 2026-12-01")

    def handle(self, *args, date: str, **options):
        try:
            start = dt.date.fromisoformat(date.strip())
        except ValueError as exc:
            raise CommandError(
                _("The date “%(date)s” is not valid; write it as YYYY-MM-DD, e.g. 2026-12-01")
                % {"date": date}
            ) from exc
        try:
            rows = deadlines.schedule(start, work_calendar(), periods())
        except ValueError as exc:
            raise CommandError(
                _("The periods cannot be counted; the holiday table may be wrong (%(error)s)")
                % {"error": exc}
            ) from exc

        header = [
            _("Period"),
            _("Basis"),
            _("Length"),
            _("Starts on"),
            _("Due"),
            _("Due if extended"),
            _("Remarks"),
        ]
        table = [header]
        for row in rows:
            p = row.period
            table.append(
                [
                    str(p.label),
                    cite(p.article),
                    p.length_label,
                    str(p.start_label),
                    _("%(day)s (provisional)") % {"day": _day(row.due)}
                    if row.provisional
                    else _day(row.due),
                    _day(row.extended_due) if row.extended_due else _("Not extendable"),
                    provisional_note(row.unknown_years) if row.provisional else "",
                ]
            )
        widths = [max(_width(r[i]) for r in table) for i in range(len(header))]
        self.stdout.write(
            _("Registered on: %(day)s (every period's starting event assumed on that day)")
            % {"day": _day(start)}
        )
        for r in table:
            self.stdout.write(
                "  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip()
            )
        unknown = sorted({y for r in rows for y in r.unknown_years})
        if unknown:
            self.stdout.write(
                _(
                    "Note: the holiday schedule of %(years)s is not entered yet, so these periods "
                    "skip only the statutory holidays (New Year's Day, Spring Festival, Qingming, "
                    "Labour Day, Dragon Boat, Mid-Autumn, National Day) and weekends, without the "
                    "year's bridging and swapped working days; the dates marked provisional may "
                    "change once it is entered."
                )
                % {"years": _(", ").join(map(str, unknown))}
            )
        self.stdout.write(
            _(
                "A period counts from the day after its starting event; a period that ends on "
                "an official rest day ends on the next working day."
            )
        )
