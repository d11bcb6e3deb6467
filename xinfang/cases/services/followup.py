"""Hearings while handling, the result report to the assigning office, carrying out a supported
decision, and recusal (W22, W28, W31, W32)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xinfang.core.errors import InvalidInput
from xinfang.core.timeutil import now
from xinfang.orgs.selectors import memberships_of

from .. import workflow
from ..access import has_recused
from ..models import Case, Recusal
from .engine import Note, performs, require_text, transition


@performs("record_hearing")
def record_hearing(
    *,
    case,
    actor,
    held_on: dt.date,
    participants: str,
    summary: str,
    expected_version: int | None = None,
) -> Case:
    """A hearing held while handling (W31). Unlike in re-review (W36), its days count against
    the handling limit, so no clock moves."""
    participants = require_text(participants, "participants", _("Name who took part"))
    summary = require_text(summary, "summary", _("Say what the hearing found"))
    if held_on is None:
        message = _("Enter the day the hearing was held")
        raise InvalidInput(message, fields={"held_on": [message]})

    def apply(c: Case, day):
        if held_on > day:
            message = _("A hearing is recorded once it has been held: the day may not be later")
            raise InvalidInput(message, fields={"held_on": [message]})
        return {
            "held_on": held_on.isoformat(),
            "participants": participants,
            "summary": summary,
        }

    return transition(
        "record_hearing",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=Note(gettext_noop("Held on %(day)s"), day=held_on.isoformat()),
    )


@performs("report_result")
def report_result(*, case, actor, note: str = "", expected_version: int | None = None) -> Case:
    """The body that was assigned the case (交办) reports its result to the office (W22)."""

    def apply(c: Case, day):
        c.decision_detail = {**c.decision_detail, "result_reported_on": day.isoformat()}
        return {"note": note.strip()}

    return transition(
        "report_result", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("record_carried_out")
def record_carried_out(*, case, actor, account: str, expected_version: int | None = None) -> Case:
    """A supported decision must be carried out (W32); this records that it was."""
    account = require_text(account, "account", _("Say what was done to carry out the decision"))

    def apply(c: Case, day):
        c.decision_detail = {
            **c.decision_detail,
            "carried_out": {"on": day.isoformat(), "account": account},
        }
        return {"account": account}

    return transition(
        "record_carried_out", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("recuse")
def recuse(*, case, actor, reason: str, person=None, expected_version: int | None = None) -> Case:
    """W28: a member of staff with a direct interest steps aside, or the head sets them aside.
    They come off the case and can no longer act on it (access.acting_roles)."""
    reason = require_text(reason, "reason", _("Say what the direct interest is"))
    who = person or actor

    def apply(c: Case, day):
        if has_recused(who, c):
            message = _("That member of staff has already recused themselves from this case")
            raise InvalidInput(message, fields={"person": [message]})
        if person is not None and person != actor and not _heads_the_holder(actor, c):
            message = _("Only the head of the holding body may set another member of staff aside")
            raise InvalidInput(message, fields={"person": [message]})
        Recusal.objects.create(case=c, person=who, reason=reason, recorded_at=now())
        out = {"person": who.get_full_name() or who.get_username(), "reason": reason}
        if c.handler_id == who.pk:
            c.handler = None
            out["handler_removed"] = True
        return out

    return transition(
        "recuse", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def _heads_the_holder(actor, case: Case) -> bool:
    return any(
        m.role == workflow.HEAD and m.body_id == case.holder_body_id for m in memberships_of(actor)
    )
