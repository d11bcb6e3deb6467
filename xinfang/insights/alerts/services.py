"""What a supervisor does with an alert: acknowledge it or close it, with a note."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xinfang.cases import access
from xinfang.core.errors import InvalidInput, NotFound, PermissionDenied
from xinfang.core.timeutil import now
from xinfang.orgs.selectors import memberships_of

from ..models import Alert


def alerts_visible_to(user) -> QuerySet[Alert]:
    """Alerts about divisions within those of the user's supervisor, leader or analyst posts."""
    if not access.may_use_statistics(user):
        return Alert.objects.none()
    paths = {
        m.body.division.path for m in memberships_of(user) if m.role in access.STATISTICS_ROLES
    }
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(division__path__startswith=p)
    return Alert.objects.filter(q).select_related("division", "owner")


# The moves of an alert: from which statuses each may be made.
MOVES = {
    Alert.ACKNOWLEDGED: {Alert.NEW},
    Alert.CLOSED: {Alert.NEW, Alert.ACKNOWLEDGED},
}


@transaction.atomic(durable=True)
def do_handle(*, user, alert_id: int, status: str, note: str) -> Alert:
    """Acknowledge or close an alert the user may see; a supervisor or leader only. Closing
    needs a note (what was found, what was done)."""
    if not access.may_oversee(user):
        raise PermissionDenied(_("Only supervisors and leaders act on early warnings."))
    visible = alerts_visible_to(user).filter(pk=alert_id).values("pk")
    alert = Alert.objects.select_for_update().filter(pk__in=visible).first()
    if alert is None:
        raise NotFound(_("Early warning not found"))
    if status not in MOVES or alert.status not in MOVES[status]:
        raise InvalidInput(_("This early warning cannot be moved that way now."))
    note = note.strip()
    if status == Alert.CLOSED and not note:
        raise InvalidInput(
            _("Say what was found or done before closing"),
            fields={"note": [_("Enter a note")]},
        )
    alert.status = status
    if note:
        alert.note = note
    alert.handled_by, alert.handled_at = user, now()
    alert.save(update_fields=["status", "note", "handled_by", "handled_at"])
    return alert
