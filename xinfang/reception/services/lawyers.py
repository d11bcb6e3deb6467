"""Resident lawyers on cases: the assignment and the opinion, on the case's timeline."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.cases import services as case_services
from xinfang.cases import workflow
from xinfang.cases.access import case_get_for_user, may_keep_reception
from xinfang.core.errors import Conflict, PermissionDenied
from xinfang.core.timeutil import now

from ..models import Lawyer, LawyerAssignment
from .common import (
    invalid,
)


def assign_lawyer(*, actor, number: str, lawyer: Lawyer) -> LawyerAssignment:
    case = case_get_for_user(actor, number)
    if not lawyer.is_active or not may_keep_reception(actor, lawyer.office):
        raise PermissionDenied(_("You may not assign this lawyer"))
    with transaction.atomic(durable=True):
        assignment, created = LawyerAssignment.objects.get_or_create(
            lawyer=lawyer,
            case=case,
            defaults={"assigned_by": actor, "assigned_at": now()},
        )
        if not created:
            raise Conflict(_("This lawyer is already on the case"), code="lawyer_twice")
        case_services.note_on_timeline(
            case=case,
            actor=actor,
            kind=workflow.LAWYER_ASSIGNED,
            extra={"lawyer": str(lawyer), "citizen_note": str(lawyer)},
        )
    return assignment


def record_opinion(*, actor, assignment: LawyerAssignment, opinion: str) -> LawyerAssignment:
    """The lawyer's written opinion, entered by the office; it lands on the case's timeline."""
    if not opinion.strip():
        raise invalid("opinion", _("Enter the lawyer's opinion"))
    if not may_keep_reception(actor, assignment.lawyer.office):
        raise PermissionDenied(_("You may not record this lawyer's opinion"))
    with transaction.atomic(durable=True):
        assignment.opinion = opinion.strip()
        assignment.opinion_at = now()
        assignment.save(update_fields=["opinion", "opinion_at"])
        case_services.note_on_timeline(
            case=assignment.case,
            actor=actor,
            kind=workflow.LAWYER_OPINION,
            extra={
                "lawyer": str(assignment.lawyer),
                "opinion": assignment.opinion,
                "citizen_note": assignment.opinion,
            },
        )
    return assignment
