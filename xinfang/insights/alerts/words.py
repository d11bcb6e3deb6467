"""How an alert's method reads on the page, in the reader's language (from its stored settings)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Alert


def describe(alert: Alert) -> str:
    p = alert.params or {}
    if alert.kind == Alert.CLUSTER:
        return _(
            "Petitions telling the same matter: the group reached %(size)s in %(weeks)s weeks, "
            "or this week reached %(growth)s times its earlier weekly average and at least "
            "%(min)s."
        ) % {
            "size": p.get("size", "?"),
            "weeks": p.get("weeks", "?"),
            "growth": f"{p.get('growth', 0):g}",
            "min": p.get("growth_min", "?"),
        }
    return _(
        "Compared with the same category and area in the %(weeks)s weeks before (Poisson "
        "test, false alarms at most %(rate)s of weeks; at least %(min)s petitions)."
    ) % {
        "weeks": p.get("baseline_weeks", "?"),
        "rate": f"{float(p.get('alpha', 0)):.1%}",
        "min": p.get("min_count", "?"),
    }
