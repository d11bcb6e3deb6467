"""Running a move from a desk page: one way for every page that offers moves (case page,
routing, supervision, leaders). The form is drawn from the move's declared inputs, the service
does the checking, and a refusal comes back on the form with its HTTP status (core/errors)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from xinfang.cases import services, workflow
from xinfang.cases.models import Case
from xinfang.core.errors import ApplicationError, NotFound

from .work_forms import MoveForm, add_service_error


@dataclass
class Outcome:
    form: MoveForm
    case: Case | None  # the moved case, when the move was made
    status: int  # 200 when made; else the status to answer with, the reason on the form


def offered(user, case: Case, page: str, *, bound: MoveForm | None = None, initial=None):
    """(move, form) for every move this page offers that the user may make now."""
    out = []
    for move in services.available_moves(user, case):
        if page not in move.pages:
            continue
        if bound is not None and bound.move.name == move.name:
            out.append((move, bound))
            continue
        form_initial = {"version": case.version, **((initial or {}).get(move.name, {}))}
        out.append((move, MoveForm(move=move.name, user=user, case=case, initial=form_initial)))
    return out


def run(request, case: Case, move: str) -> Outcome:
    """Validate the posted form of `move` and make it. A case the user may not see is a 404."""
    if move not in workflow.MOVES:
        raise Http404
    form = MoveForm(request.POST, move=move, user=request.user, case=case)
    if not form.is_valid():
        return Outcome(form, None, 422)
    try:
        done = services.make_move(
            actor=request.user, number=case.number, move=move, payload=form.payload()
        )
    except NotFound:
        raise Http404 from None
    except ApplicationError as e:
        add_service_error(form, e)
        return Outcome(form, None, e.http_status)
    return Outcome(form, done, 200)
