"""Moves of contact with the caller: a consultation answered directly (咨询) and the return call
(回访) after an answer and before the case is closed, which records whether the caller is
satisfied and whether the matter is solved."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..deadlines import ANSWER_PERIODS
from . import inputs as i
from .guards import Context
from .moves import NO_MESSAGE, Move
from .vocabulary import (
    ANSWERED,
    BODY_STAFF,
    CONSULTATION,
    IN_SCOPE,
    INTAKE,
    S,
)

YES_NO = {"yes": _("Yes"), "no": _("No")}


@dataclass(frozen=True)
class AnswerConsultation:
    answer: str = i.text(_("Answer to the question"), rows=4)


@dataclass(frozen=True)
class ReturnCall:
    satisfied: str = i.choice(_("Is the caller satisfied?"), YES_NO)
    solved: str = i.choice(_("Is the matter solved?"), YES_NO)
    note: str = i.text(_("What the caller said"), required=False, rows=2)


def consultation(ctx: Context) -> str | None:
    if ctx.content_type != CONSULTATION:
        return gettext("Only a consultation is answered directly")
    return None


MOVES = (
    Move(
        "answer_consultation",
        _("Answer the consultation"),
        frozenset({S.REGISTERED, S.TRANSFERRED, S.ACCEPTED}),
        S.REPLIED,
        BODY_STAFF | {INTAKE},
        "W29 (configurable default)",
        stops=ANSWER_PERIODS,
        guards=(consultation,),
        inputs=AnswerConsultation,
        citizen_words=_("Your question was answered."),
        message=NO_MESSAGE,
    ),
    Move(
        "return_call",
        _("Record the return call"),
        ANSWERED,
        None,
        BODY_STAFF | {INTAKE},
        "W22 (configurable default)",
        IN_SCOPE,
        citizen_visible=False,
        inputs=ReturnCall,
    ),
)
