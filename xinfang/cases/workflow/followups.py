"""Follow-ups on a case: material or a message the petitioner adds while the case is open, and
the contacts and return visits (回访) staff record on any case (W31)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import inputs as i
from .moves import CASE_PAGE, NO_MESSAGE, PORTAL, Move
from .vocabulary import AT_OFFICE, BODY_STAFF, INTAKE, OPEN, PETITIONER, STATES

# How staff were in touch with the petitioner.
CONTACT_MEANS = {
    "phone": _("By phone"),
    "visit": _("In person"),
    "message": _("By message"),
}
# What the petitioner said of the handling when called back.
RETURN_VISIT_VIEWS = {
    "satisfied": _("Satisfied"),
    "basically": _("Basically satisfied"),
    "unsatisfied": _("Not satisfied"),
    "no_answer": _("Could not be reached"),
}
# Whether the matter is solved, in the petitioner's words (the hotline's 解决率 reads it).
SOLVED = {"yes": _("Solved"), "no": _("Not solved")}
# Views that count as satisfied in the hotline's 满意率 (docs/metrics.md).
SATISFIED_VIEWS = frozenset({"satisfied", "basically"})
# Records of keeping in touch: they change nothing on the case, so they are made on any case,
# a closed one included (回访 comes after the end).
RECORDS = frozenset({"record_contact", "record_return_visit"})
# Staff who keep in touch with a petitioner: the holder's and the offices' staff.
CONTACT_ROLES = BODY_STAFF | {INTAKE}


@dataclass(frozen=True)
class AddMaterial:
    message: str = i.text(
        _("Your message or further material"),
        help=_("What you want to add to your petition. Files can be attached below."),
        rows=5,
        max_length=2000,
    )


@dataclass(frozen=True)
class RecordContact:
    means: str = i.choice(_("How"), CONTACT_MEANS)
    held_on: str = i.date(_("Day of the contact"), past=True)
    summary: str = i.text(_("What was said"))


@dataclass(frozen=True)
class RecordReturnVisit:
    means: str = i.choice(_("How"), CONTACT_MEANS)
    held_on: str = i.date(_("Day of the return visit"), past=True)
    view: str = i.choice(_("The petitioner's view"), RETURN_VISIT_VIEWS)
    summary: str = i.text(_("What was said"))
    solved: str = i.choice(
        _("Is the matter solved?"),
        SOLVED,
        required=False,
        help=_("Leave empty when the petitioner could not be reached"),
    )


MOVES = (
    Move(
        "add_material",
        _("Add material"),
        OPEN,
        None,
        frozenset({PETITIONER}),
        "W31",
        inputs=AddMaterial,
        citizen_words=_("You added material to your petition."),
        message=NO_MESSAGE,
        pages=frozenset({PORTAL}),
    ),
    Move(
        "record_contact",
        _("Record a contact"),
        frozenset(STATES),
        None,
        CONTACT_ROLES,
        "W31",
        AT_OFFICE,
        citizen_visible=False,
        inputs=RecordContact,
        pages=frozenset({CASE_PAGE}),
    ),
    Move(
        "record_return_visit",
        _("Record a return visit"),
        frozenset(STATES),
        None,
        CONTACT_ROLES,
        "W31",
        AT_OFFICE,
        citizen_visible=False,
        inputs=RecordReturnVisit,
        pages=frozenset({CASE_PAGE}),
    ),
)
