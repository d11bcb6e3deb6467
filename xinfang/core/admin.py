from django.contrib import admin

from .calendar import LIBRARY_LAST_YEAR
from .holidays import statutory_rest_days
from .models import Holiday
from .timeutil import today

# How many years ahead the holiday list shows the statutory days.
YEARS_SHOWN = 3


def statutory_overview(first_year: int) -> list[dict]:
    """Per year from `first_year`: the statutory rest days and whether the schedule is known."""
    entered = {d.year for d in Holiday.objects.dates("date", "year")}
    return [
        {
            "year": year,
            "days": statutory_rest_days(year),
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
