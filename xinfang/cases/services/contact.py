"""A consultation answered directly (咨询)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Case
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
