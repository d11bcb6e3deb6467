"""The statutory periods as this deployment configures them."""

from __future__ import annotations

from xinfang.core import tablecache

from ..deadlines import DEFAULT_PERIODS, Period
from ..models import PeriodSetting


@tablecache.cached("cases.periods", PeriodSetting)
def periods() -> dict[str, Period]:
    """Cached; callers must not change the dict they get."""
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
