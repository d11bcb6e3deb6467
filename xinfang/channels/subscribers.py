"""How the hotline hand-off hears about moves (core/events.py): in the move's transaction it
queues the status the platform is owed and mirrors the return call onto the work order."""

from __future__ import annotations

from xinfang.cases.workflow import DECISIONS, TERMINAL
from xinfang.cases.workflow.followups import SATISFIED_VIEWS

from . import push
from .models import HotlineOrder, StatusPush

# The return visit (回访) is mirrored onto the work order for the three rates.
RETURN_VISIT = "record_return_visit"
# The move → the status the platform is told. Moves that end a case tell it "closed".
STATUS_OF_MOVE = {
    "accept": StatusPush.ACCEPTED,
    "reply": StatusPush.REPLIED,
    "mediate": StatusPush.REPLIED,
    "answer_consultation": StatusPush.REPLIED,
}


def answer_of(case, event) -> str:
    """What the caller is told: the answer, the reply's decision and reasons, the agreement, or
    the reason a case ended."""
    detail = case.decision_detail or {}
    if event.kind == "answer_consultation" or (event.to_state in TERMINAL and detail.get("answer")):
        return detail.get("answer", "")
    if event.kind == "mediate" or (event.to_state in TERMINAL and case.state == "mediated"):
        return detail.get("mediation_agreement", "")
    if detail.get("reasons"):
        decision = str(DECISIONS.get(case.decision, ""))
        return f"{decision}：{detail['reasons']}" if decision else detail["reasons"]
    return str(event.extra.get("reason", ""))


def status_for(event) -> str | None:
    if event.kind in STATUS_OF_MOVE:
        return STATUS_OF_MOVE[event.kind]
    if event.to_state in TERMINAL and event.from_state not in TERMINAL and event.from_state:
        return StatusPush.CLOSED
    return None


def on_move(event) -> None:
    case = event.case
    if case.channel != "hotline" or event.kind == "register":
        return
    status = status_for(event)
    if status is None and event.kind != RETURN_VISIT:
        return
    order = HotlineOrder.objects.filter(case_id=case.pk).first()
    if order is None:
        return
    if event.kind == RETURN_VISIT:
        if event.extra.get("view") == "no_answer":
            return  # nobody reached: no return call to count
        order.satisfied = event.extra.get("view") in SATISFIED_VIEWS
        order.solved = event.extra.get("solved") == "yes"
        order.returned_at = event.at
        order.save(update_fields=["satisfied", "solved", "returned_at"])
        return
    push.queue(order, status, answer_of(case, event))
