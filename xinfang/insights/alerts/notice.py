"""An alert's owner and its message: the supervisors of the division it is about, the nearest
level up that has one, get an SMS (and an e-mail when that channel is on) through the outbox.
The message names the matter, the area, the week and the counts; no case, no person."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import translation

from xinfang.cases import workflow
from xinfang.notify import defaults
from xinfang.notify.models import Outbox
from xinfang.notify.staff import staff_channels, staff_rows
from xinfang.orgs.models import Division, Membership
from xinfang.taxonomy.models import Category

from ..models import Alert


def supervisors_for(division: Division) -> list:
    """Active supervisors at the bodies of the nearest division (itself or above) that has any."""
    prefixes = [d.path for d in division.ancestors()]
    rows = (
        Membership.objects.filter(
            role=workflow.SUPERVISOR,
            is_active=True,
            user__is_active=True,
            body__division__path__in=prefixes,
        )
        .select_related("body__division")
        .order_by("user_id")
    )
    by_path: dict[str, list[int]] = {}
    for m in rows:
        by_path.setdefault(m.body.division.path, []).append(m.user_id)
    if not by_path:
        return []
    nearest = max(by_path, key=len)
    users = get_user_model().objects.filter(pk__in=by_path[nearest]).select_related("staff_contact")
    return sorted(users, key=lambda u: u.pk)


def category_name(code: str) -> str:
    found = Category.objects.filter(code=code).order_by("-version").first()
    return found.name if found else code


def context(alert: Alert) -> dict[str, str]:
    return {
        "area": alert.division.name,
        "category": category_name(alert.category_code) if alert.category_code else "",
        "week": f"{alert.week:%Y年%m月%d日}",
        "observed": str(alert.observed),
        "expected": f"{alert.expected:g}",
        "limit": str(alert.limit),
    }


def attach(alert: Alert, case_ids: list[int], *, message: bool = True) -> list[int]:
    """Link the cases, set the owner and queue the messages (unless `message` is off); returns
    the outbox rows' ids."""
    alert.cases.set(case_ids)
    people = supervisors_for(alert.division)
    if people:
        alert.owner = people[0]
        alert.save(update_fields=["owner"])
    if not case_ids or not message:
        return []
    with translation.override("zh-hans"):
        # About an issue, not a case: filed under no case, and the text names none either.
        rows = staff_rows(
            key=defaults.ISSUE_ALERT,
            users=people,
            channels=staff_channels(),
            context=context(alert),
            dedupe=lambda user, channel: f"issue_alert:{alert.pk}:{user.pk}:{channel}",
        )
    made = Outbox.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [r.dedupe_key for r in made]
    return list(
        Outbox.objects.filter(dedupe_key__in=keys, status=Outbox.PENDING).values_list(
            "pk", flat=True
        )
    )
