from django.contrib import admin

from .calendar import LIBRARY_LAST_YEAR
from .holidays import statutory_rest_days
from .models import Holiday
from .timeutil import today

# How many years ahead the holiday list shows the statutory days.
YEARS_SHOWN = 3


def _runs(year: int) -> list[str]:
    """The statutory days of a year as a reader scans them: 春节 2月5日—2月8日, 清明节 4月5日, ..."""
    runs: list[list] = []
    for day in statutory_rest_days(year):
        last = runs[-1] if runs else None
        if last and last[0] == day.name and (day.date - last[2]).days == 1:
            last[2] = day.date
        else:
            runs.append([day.name, day.date, day.date])
    label = "{d.month}月{d.day}日".format
    return [f"{name} {label(d=a)}" + (f"—{label(d=b)}" if b != a else "") for name, a, b in runs]


def statutory_overview(first_year: int) -> list[dict]:
    """Per year from `first_year`: the statutory rest days and whether the schedule is known."""
    entered = {d.year for d in Holiday.objects.dates("date", "year")}
    return [
        {
            "year": year,
            "days": _runs(year),
            "known": year <= LIBRARY_LAST_YEAR or year in entered,
        }
        for year in range(first_year, first_year + YEARS_SHOWN)
    ]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def changelist_view(self, request, extra_context=None):
        extra = {"statutory_years": statutory_overview(today().year), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)
