"""Contact with the caller: a consultation answered directly, the return call (回访)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput
from xinfang.core.timeutil import now

from ..models import Case
from ..workflow.contact import YES_NO
from .engine import performs, require_text, transition


@performs("answer_consultation")
def answer_consultation(*, case, actor, answer: str, expected_version: int | None = None) -> Case:
    """A consultation is answered directly; its short clock stops. Closing follows (after the
    return call, where one is made)."""
    answer = require_text(answer, "answer", _("Enter the answer to the question"))

    def apply(c: Case, day):
        c.decision_detail = {**c.decision_detail, "answer": answer}
        return {"answer": answer}

    return transition(
        "answer_consultation",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=answer,
    )


def _yes_no(value: str, name: str) -> bool:
    if value not in YES_NO:
        message = _("Answer yes or no")
        raise InvalidInput(message, fields={name: [message]})
    return value == "yes"


@performs("return_call")
def return_call(
    *, case, actor, satisfied: str, solved: str, note: str = "", expected_version=None
) -> Case:
    """The return call after an answer: is the caller satisfied, is the matter solved. The last
    call made is the one that counts."""
    is_satisfied = _yes_no(satisfied, "satisfied")
    is_solved = _yes_no(solved, "solved")
    note = (note or "").strip()

    def apply(c: Case, day):
        record = {
            "satisfied": is_satisfied,
            "solved": is_solved,
            "note": note,
            "at": now().isoformat(),
        }
        c.decision_detail = {**c.decision_detail, "return_call": record}
        return {"satisfied": is_satisfied, "solved": is_solved, "note": note}

    return transition(
        "return_call", case=case, actor=actor, expected_version=expected_version, apply=apply
    )
