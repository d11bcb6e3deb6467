"""The statutory periods as this deployment configures them."""

from __future__ import annotations

from ..deadlines import DEFAULT_PERIODS, Period
from ..models import PeriodSetting


def periods() -> dict[str, Period]:
    configured = {s.key: s for s in PeriodSetting.objects.all()}
    out = {}
    for key, period in DEFAULT_PERIODS.items():
        s = configured.get(key)
        out[key] = (
            period.with_settings(days=s.days, unit=s.unit, max_extension=s.max_extension)
            if s
            else period
        )
    return out


# The citizen's own periods (to rate, to ask for review or re-review): not staff deadlines, so
# they never make a case due soon or overdue in a staff queue.
CITIZEN_WINDOWS = ("rating", "review_request", "rereview_request")
# Windows in which a body may do something but need not (object to a transfer within 5 working
# days, W23): when one lapses nothing is late, so it is no staff deadline either.
OPTION_WINDOWS = ("remit_objection",)
NOT_STAFF_DEADLINES = CITIZEN_WINDOWS + OPTION_WINDOWS
