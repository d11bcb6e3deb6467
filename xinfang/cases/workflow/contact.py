"""A consultation answered directly (咨询). The return visit (回访), which also records whether the
caller is satisfied and the matter solved, is one move for every channel (workflow/followups.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..deadlines import ANSWER_PERIODS
from . import inputs as i
from .guards import Context
from .moves import NO_MESSAGE, Move
from .vocabulary import (
    BODY_STAFF,
    CONSULTATION,
    INTAKE,
    S,
)


@dataclass(frozen=True)
class AnswerConsultation:
    answer: str = i.text(_("Answer to the question"), rows=4)


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
)
