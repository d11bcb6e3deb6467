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


# ---------------------------------------------------------------------------------------------
# Follow-ups: the petitioner adds material to an open case; staff record contacts and return
# visits (回访) on any case. All on the timeline.


def material_limits() -> tuple[int, int]:
    """(largest file in MB, most files): the portal's limits (settings.XINFANG)."""
    from django.conf import settings

    conf = getattr(settings, "XINFANG", {})
    return int(conf.get("PORTAL_MAX_UPLOAD_MB", 10)), int(conf.get("PORTAL_MAX_FILES", 5))


def _material_problems(attachments) -> list[str]:
    from xinfang.core import filetypes

    max_mb, max_files = material_limits()
    out = []
    if len(attachments) > max_files:
        out.append(_("Attach at most %(n)s files at a time.") % {"n": max_files})
    for a in attachments:
        if not a.content:
            out.append(_("“%(name)s” is empty.") % {"name": a.name})
        elif len(a.content) > max_mb * 1024 * 1024:
            out.append(_("“%(name)s” is larger than %(mb)s MB.") % {"name": a.name, "mb": max_mb})
        elif not filetypes.accepted(a.name, a.content, filetypes.DOCUMENT_TYPES):
            out.append(
                _(
                    "“%(name)s” is not an accepted file type. Use images (JPG, PNG), PDF or "
                    "office documents (Word, Excel, WPS, OFD)."
                )
                % {"name": a.name}
            )
    return out


@performs("add_material")
def add_material(*, case, actor, message: str, expected_version: int | None = None) -> Case:
    """The petitioner adds a message to an open case (files: add_material_with_files)."""
    return add_material_with_files(
        case=case, actor=actor, message=message, attachments=(), expected_version=expected_version
    )


def add_material_with_files(
    *, case, actor, message: str, attachments=(), expected_version: int | None = None
) -> Case:
    """A message and files added to an open case from the tracking page (W31). The files go
    through the attachment storage and its type checks; the holding body's staff are told
    through the outbox (notify hears the "add_material" event)."""
    from xinfang.core.errors import MoveNotAllowed

    from .registration import _store_attachment

    attachments = list(attachments)
    message = require_text(message, "message", _("Write what you want to add"))
    if len(message) > 2000:
        problem = _("Write at most 2000 characters")
        raise InvalidInput(problem, fields={"message": [problem]})
    problems = _material_problems(attachments)
    if problems:
        raise InvalidInput(problems[0], fields={"files": problems})
    pk = getattr(case, "pk", case)
    state = Case.objects.filter(pk=pk).values_list("state", flat=True).first()
    if state is not None and state not in workflow.OPEN:
        raise MoveNotAllowed(
            _(
                "This case is closed, so nothing more can be added to it. If there is something "
                "new, submit a new petition."
            ),
            code="case_closed",
        )

    def apply(c: Case, day):
        stored = [_store_attachment(c, a) for a in attachments]
        return {"message": message, "files": [a.name for a in stored]}

    return transition(
        "add_material", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def _contact_fields(means: str, held_on, summary: str) -> dict:
    from ..workflow.followups import CONTACT_MEANS

    summary = require_text(summary, "summary", _("Say what was said"))
    if means not in CONTACT_MEANS:
        message = _("Choose how you were in touch")
        raise InvalidInput(message, fields={"means": [message]})
    if held_on is None:
        message = _("Enter the day")
        raise InvalidInput(message, fields={"held_on": [message]})
    return {"means": means, "held_on": held_on.isoformat(), "summary": summary}


def _not_later(held_on, day) -> None:
    if held_on > day:
        message = _("Record it once it has happened: the day may not be later than today")
        raise InvalidInput(message, fields={"held_on": [message]})


@performs("record_contact")
def record_contact(
    *, case, actor, means: str, held_on: dt.date, summary: str, expected_version=None
) -> Case:
    """A phone call, visit or message with the petitioner, on any case, open or closed."""
    fields = _contact_fields(means, held_on, summary)

    def apply(c: Case, day):
        _not_later(held_on, day)
        return fields

    return transition(
        "record_contact", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("record_return_visit")
def record_return_visit(
    *,
    case,
    actor,
    means: str,
    held_on: dt.date,
    view: str,
    summary: str,
    solved: str = "",
    expected_version=None,
) -> Case:
    """回访: staff call back or visit the petitioner about the handling and note their view and
    whether the matter is solved (asked of everyone reached). The last one made counts."""
    from ..workflow.followups import RETURN_VISIT_VIEWS, SOLVED

    fields = _contact_fields(means, held_on, summary)
    if view not in RETURN_VISIT_VIEWS:
        message = _("Choose the petitioner's view")
        raise InvalidInput(message, fields={"view": [message]})
    solved = solved or ""
    reached = view != "no_answer"
    if (reached and solved not in SOLVED) or (not reached and solved):
        message = (
            _("Say whether the matter is solved")
            if reached
            else _("Nobody was reached, so nothing can be said about the matter")
        )
        raise InvalidInput(message, fields={"solved": [message]})

    def apply(c: Case, day):
        _not_later(held_on, day)
        return {**fields, "view": view, "solved": solved}

    return transition(
        "record_return_visit",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
    )
