"""The pure state machine (xinfang/cases/workflow.py) against STATUTE.md. No database.

Two layers. The table-driven tests walk every declared move: allowed from each source state for
each role it lists, refused from every other state, refused for every other role. They keep the
checker honest but cannot catch a wrong table, so the hand-written tests below restate the
statute (W = 信访工作条例 2022, X = 信访条例 2005) independently of the table.
"""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.cases import workflow
from xinfang.cases.workflow import MOVES, STATES, TERMINAL, Context, S
from xinfang.cases.workflow.followups import RECORDS
from xinfang.core.errors import MoveNotAllowed, PermissionDenied

TODAY = dt.date(2026, 3, 2)
SOON = TODAY + dt.timedelta(days=10)
YESTERDAY = TODAY - dt.timedelta(days=1)

# Role names as the statute's actors, spelled out rather than read from the table.
INTAKE = "intake_clerk"
HANDLER = "handler"
HEAD = "head"
SUPERVISOR = "supervisor"
LEADER = "leader"
GRID = "grid_worker"
PETITIONER = "petitioner"
SYSTEM = "system"
ALL_ROLES = (INTAKE, HANDLER, HEAD, SUPERVISOR, LEADER, GRID, PETITIONER, SYSTEM)

# For each guarded move, context fields under which its guards pass.
GUARDS_MET: dict[str, dict] = {
    "object_remit": {"due": {"remit_objection": SOON}},
    "extend": {"extension_requested": True},
    "refuse_extension": {"extension_requested": True},
    "rate": {"due": {"rating": SOON}},
    "request_review": {"due": {"review_request": SOON}},
    "request_rereview": {"due": {"rereview_request": SOON}},
    "end_hearing": {"hearing_active": True},
    "instruct": {"letter_pending": True},
    "answer_supervision": {"due": {"supervision": SOON}},
    "escalate_grid": {"channel": "grid", "holder_level": 5},
    "answer_co_handling": {"co_handling": True},
    "report_result": {"due": {"result_report": SOON}},
    "record_carried_out": {"due": {"carry_out": SOON}},
    "answer_consultation": {"content_type": "consultation"},
}


def ctx(state: str, **fields) -> Context:
    return Context(state=state, today=fields.pop("today", TODAY), **fields)


def ok_ctx(move_name: str, state: str) -> Context:
    """A context in `state` where every guard of the move passes."""
    return ctx(state, **GUARDS_MET.get(move_name, {}))


def can(move_name: str, context: Context, *roles: str) -> bool:
    workflow.check(MOVES[move_name], context, set(roles))
    return True


def refused_state(move_name: str, context: Context, *roles: str) -> MoveNotAllowed:
    with pytest.raises(MoveNotAllowed) as info:
        workflow.check(MOVES[move_name], context, set(roles))
    return info.value


def refused_role(move_name: str, context: Context, *roles: str) -> None:
    with pytest.raises(PermissionDenied):
        workflow.check(MOVES[move_name], context, set(roles))


def _id(move: workflow.Move) -> str:
    return f"{move.name}-{move.article.replace(' ', '')}"


# ---------------------------------------------------------------------------------------------
# Table-driven: every move, every source state, every other state, every other role.

ALLOWED = [
    pytest.param(move, state, role, id=f"{_id(move)}-from-{state}-by-{role}")
    for move in MOVES.values()
    for state in sorted(move.sources)
    for role in sorted(move.roles)
]
WRONG_STATE = [
    pytest.param(move, state, id=f"{_id(move)}-not-from-{state}")
    for move in MOVES.values()
    for state in STATES
    if state not in move.sources
]
WRONG_ROLE = [
    pytest.param(move, role, id=f"{_id(move)}-not-by-{role}")
    for move in MOVES.values()
    for role in ALL_ROLES
    if role not in move.roles
]


def test_every_guarded_move_has_a_context_that_meets_its_guards():
    # Otherwise the refusals below could come from a guard rather than from the state.
    for move in MOVES.values():
        for state in STATES:
            assert workflow.guard_failures(move, ok_ctx(move.name, state)) == [], move.name


@pytest.mark.parametrize(("move", "state", "role"), ALLOWED)
def test_move_allowed_from_each_source(move, state, role):
    context = ok_ctx(move.name, state)
    assert can(move.name, context, role)
    assert move in workflow.available(context, {role})
    if move.target is not None:
        assert move.target in STATES


@pytest.mark.parametrize(("move", "state"), WRONG_STATE)
def test_move_refused_from_other_states(move, state):
    context = ok_ctx(move.name, state)
    error = refused_state(move.name, context, *move.roles)
    assert error.code == "move_not_allowed"  # the state refuses it, not a guard
    assert move not in workflow.available(context, set(ALL_ROLES))


@pytest.mark.parametrize(("move", "role"), WRONG_ROLE)
def test_move_refused_for_other_roles(move, role):
    state = sorted(move.sources)[0]
    context = ok_ctx(move.name, state)
    refused_role(move.name, context, role)
    assert move not in workflow.available(context, {role})


# ---------------------------------------------------------------------------------------------
# Hand-written from STATUTE.md: these would catch a wrong table.


@pytest.mark.parametrize("name", ["transfer", "assign"])
def test_w22_transfer_and_assign_only_from_registered_by_intake_or_head(name):
    """W22: the petition office transfers (转送) or assigns (交办) what it has registered."""
    assert MOVES[name].target == S.TRANSFERRED
    assert can(name, ctx(S.REGISTERED), INTAKE)
    assert can(name, ctx(S.REGISTERED), HEAD)
    for role in (HANDLER, PETITIONER, GRID, SUPERVISOR, SYSTEM):
        refused_role(name, ctx(S.REGISTERED), role)
    for state in (S.TRANSFERRED, S.ACCEPTED, S.REPLIED, S.CLOSED):
        refused_state(name, ctx(state), INTAKE, HEAD)


def test_w22_assign_starts_the_result_report_clock_and_transfer_does_not():
    """W22: assigning (交办) sets a date for the result report (办结报告); transferring does not."""
    assert "result_report" in MOVES["assign"].starts
    assert "result_report" not in MOVES["transfer"].starts
    for name in ("transfer", "assign"):
        assert "accept_notice" in MOVES[name].starts  # W23: 15 days to tell the petitioner


def test_w23_remit_objection_within_five_working_days():
    """W23: a body objects to an item outside its remit within 5 working days, not after."""
    due = {"remit_objection": TODAY}
    assert can("object_remit", ctx(S.TRANSFERRED, due=due), HANDLER)
    late = ctx(S.TRANSFERRED, due=due, today=TODAY + dt.timedelta(days=1))
    assert refused_state("object_remit", late, HANDLER, HEAD).code == "guard_failed"
    # The clock is stopped once used or never started: no (second) objection.
    assert refused_state("object_remit", ctx(S.TRANSFERRED), HEAD).code == "guard_failed"
    for state in (S.REGISTERED, S.ACCEPTED):
        refused_state("object_remit", ctx(state, due=due), HANDLER, HEAD)
    refused_role("object_remit", ctx(S.TRANSFERRED, due=due), INTAKE)
    assert MOVES["object_remit"].target == S.REMIT_OBJECTED


def test_w23_item_goes_back_only_when_the_sender_agrees():
    """W23: an objected item returns to the sender only with its agreement; otherwise it stays."""
    agree, reject = MOVES["agree_return"], MOVES["reject_objection"]
    assert agree.target == S.REGISTERED and reject.target == S.TRANSFERRED
    assert agree.acting == reject.acting == workflow.AT_SENDER
    for name in ("agree_return", "reject_objection"):
        assert can(name, ctx(S.REMIT_OBJECTED), INTAKE)
        refused_role(name, ctx(S.REMIT_OBJECTED), HANDLER)
        refused_state(name, ctx(S.TRANSFERRED), INTAKE, HEAD)
    # While the objection is pending the receiving body cannot accept it.
    refused_state("accept", ctx(S.REMIT_OBJECTED), HANDLER, HEAD)


@pytest.mark.parametrize("state", [S.REGISTERED, S.TRANSFERRED])
def test_w22_w28_report_accepted_only_by_discipline_inspection(state):
    """W22, W28: 检举控告 is handled by discipline inspection; others may not accept it."""
    report = ctx(state, content_type="report", holder_is_discipline=False)
    assert refused_state("accept", report, HANDLER, HEAD).code == "guard_failed"
    assert can("accept", ctx(state, content_type="report", holder_is_discipline=True), HANDLER)
    assert can("accept", ctx(state, content_type="appeal"), HANDLER)
    assert can("accept", ctx(state, content_type="suggestion"), HEAD)


def test_w23_w31_accept_starts_the_60_day_handling_clock_and_stops_routing():
    """W23/W31/W34: acceptance ends the routing periods and starts the handling limit."""
    accept = MOVES["accept"]
    assert accept.target == S.ACCEPTED
    assert "handle" in accept.starts
    assert {"route", "accept_notice"} <= set(accept.stops)
    refused_role("accept", ctx(S.TRANSFERRED), INTAKE)  # the body decides, not the office clerk


def test_w34_extension_needs_a_request_and_the_head_and_happens_once():
    """W34: one extension, approved by the body's head, on the handler's request."""
    requested = ctx(S.ACCEPTED, extension_requested=True)
    assert can("extend", requested, HEAD)
    refused_role("extend", requested, HANDLER)
    refused_role("extend", requested, SUPERVISOR)
    assert refused_state("extend", ctx(S.ACCEPTED), HEAD).code == "guard_failed"
    again = ctx(S.ACCEPTED, extension_requested=True, extension_used=True)
    assert refused_state("extend", again, HEAD).code == "guard_failed"
    assert can("request_extension", ctx(S.ACCEPTED), HANDLER)
    refused_state("request_extension", ctx(S.ACCEPTED, extension_used=True), HANDLER)
    for state in (S.TRANSFERRED, S.DECIDED, S.REPLIED):
        refused_state("extend", ctx(state, extension_requested=True), HEAD)
    assert MOVES["extend"].target is None  # the case stays in handling
    assert MOVES["extend"].notice  # the petitioner is told why (延期告知书)


def test_w32_reply_only_by_head_from_a_drafted_decision():
    """W32: the handler drafts the decision; only the head signs off the written reply."""
    assert can("decide", ctx(S.ACCEPTED), HANDLER)
    assert MOVES["decide"].target == S.DECIDED
    assert can("reply", ctx(S.DECIDED), HEAD)
    refused_role("reply", ctx(S.DECIDED), HANDLER)
    refused_role("reply", ctx(S.DECIDED), INTAKE)
    for state in (S.ACCEPTED, S.TRANSFERRED, S.REPLIED, S.UNDER_REVIEW):
        refused_state("reply", ctx(state), HEAD)
    assert MOVES["reply"].target == S.REPLIED
    assert {"review_request", "rating"} <= set(MOVES["reply"].starts)
    assert "handle" in MOVES["reply"].stops
    # The head may send the draft back instead.
    assert MOVES["return_draft"].target == S.ACCEPTED
    refused_role("return_draft", ctx(S.DECIDED), HANDLER)


def test_w33_mediation_ends_handling_and_is_not_reviewed():
    """W33: mediation ends the procedure with an agreement; there is no review of it."""
    assert can("mediate", ctx(S.ACCEPTED), HANDLER)
    assert MOVES["mediate"].target == S.MEDIATED
    window = {"review_request": SOON}
    refused_state("request_review", ctx(S.MEDIATED, due=window), PETITIONER)
    assert can("close", ctx(S.MEDIATED), HANDLER)


def test_w35_review_request_only_from_replied_and_within_30_days():
    """W35: review is requested within 30 days of receiving the reply, and only of a reply."""
    due = {"review_request": TODAY}
    assert can("request_review", ctx(S.REPLIED, due=due), PETITIONER)
    assert can("request_review", ctx(S.REPLIED, due=due), INTAKE)  # recorded for a visitor
    late = ctx(S.REPLIED, due=due, today=TODAY + dt.timedelta(days=1))
    assert refused_state("request_review", late, PETITIONER).code == "guard_failed"
    assert refused_state("request_review", ctx(S.REPLIED), PETITIONER).code == "guard_failed"
    for state in (S.DECIDED, S.ACCEPTED, S.MEDIATED, S.REVIEW_DECIDED, S.FINAL, S.CLOSED):
        refused_state("request_review", ctx(state, due=due), PETITIONER, INTAKE)
    refused_role("request_review", ctx(S.REPLIED, due=due), HANDLER)
    assert MOVES["request_review"].target == S.UNDER_REVIEW
    assert "review_decide" in MOVES["request_review"].starts  # decided within 30 days
    assert MOVES["decide_review"].target == S.REVIEW_DECIDED
    refused_role("decide_review", ctx(S.UNDER_REVIEW), PETITIONER)


def test_w36_rereview_only_from_a_review_decision_and_within_30_days():
    """W36: re-review is requested within 30 days of the review opinion."""
    due = {"rereview_request": TODAY}
    assert can("request_rereview", ctx(S.REVIEW_DECIDED, due=due), PETITIONER)
    late = ctx(S.REVIEW_DECIDED, due=due, today=TODAY + dt.timedelta(days=1))
    assert refused_state("request_rereview", late, PETITIONER).code == "guard_failed"
    for state in (S.REPLIED, S.UNDER_REVIEW, S.UNDER_REREVIEW, S.FINAL, S.MEDIATED):
        refused_state("request_rereview", ctx(state, due=due), PETITIONER, INTAKE)
    assert MOVES["request_rereview"].target == S.UNDER_REREVIEW


def test_w31_w35_w36_hearing_while_handling_in_review_and_rereview_decision_waits_for_it():
    """W31, W35, W36: a hearing may be held while handling, in review and in re-review (the
    pause of re-review's period is in the services); the decision waits for its end."""
    for state in (S.ACCEPTED, S.UNDER_REVIEW, S.UNDER_REREVIEW):
        assert can("start_hearing", ctx(state), HANDLER)
    for state in (S.REGISTERED, S.TRANSFERRED, S.DECIDED, S.REPLIED, S.REVIEW_DECIDED, S.FINAL):
        refused_state("start_hearing", ctx(state), HANDLER, HEAD)
    for state, decide in ((S.ACCEPTED, "decide"), (S.UNDER_REVIEW, "decide_review")):
        during = ctx(state, hearing_active=True)
        assert refused_state(decide, during, HANDLER, HEAD).code == "guard_failed"
    hearing = ctx(S.UNDER_REREVIEW, hearing_active=True)
    assert refused_state("start_hearing", hearing, HEAD).code == "guard_failed"
    assert refused_state("decide_rereview", hearing, HANDLER, HEAD).code == "guard_failed"
    assert can("end_hearing", hearing, HEAD)
    assert refused_state("end_hearing", ctx(S.UNDER_REREVIEW), HEAD).code == "guard_failed"
    assert can("decide_rereview", ctx(S.UNDER_REREVIEW), HEAD)


def test_w36_after_rereview_the_matter_is_final():
    """W36: after re-review the matter is final; no further review or re-review."""
    assert MOVES["decide_rereview"].target == S.FINAL
    final = ctx(S.FINAL, due={"review_request": SOON, "rereview_request": SOON, "rating": SOON})
    for name in (
        "request_review",
        "request_rereview",
        "decide_review",
        "decide_rereview",
        "start_hearing",
        "accept",
        "decide",
        "reply",
    ):
        refused_state(name, final, *ALL_ROLES)
    assert {m.name for m in workflow.available(final, {PETITIONER})} == {"rate", "add_material"}
    # Only closing leaves the final state.
    assert {m.target for m in workflow.moves_from(S.FINAL)} <= {None, S.CLOSED}


def test_w36_same_facts_after_rereview_not_accepted_again():
    """W36: a new item on the same facts and reasons is not accepted again (不再受理)."""
    assert can("not_reaccept", ctx(S.REGISTERED), INTAKE)
    assert MOVES["not_reaccept"].target == S.NOT_ACCEPTED
    assert MOVES["not_reaccept"].notice


@pytest.mark.parametrize("state", [S.REPLIED, S.MEDIATED, S.REVIEW_DECIDED, S.FINAL])
def test_w22_rate_only_by_the_petitioner_once_within_the_window(state):
    """W22: the petitioner rates the answer: only they, only once, only while the window runs."""
    window = {"rating": TODAY}
    assert can("rate", ctx(state, due=window), PETITIONER)
    for role in (HANDLER, HEAD, INTAKE, SUPERVISOR, SYSTEM):
        refused_role("rate", ctx(state, due=window), role)
    rated = ctx(state, due=window, rated="unsatisfied")
    assert refused_state("rate", rated, PETITIONER).code == "guard_failed"
    late = ctx(state, due=window, today=TODAY + dt.timedelta(days=1))
    assert refused_state("rate", late, PETITIONER).code == "guard_failed"
    assert refused_state("rate", ctx(state), PETITIONER).code == "guard_failed"


@pytest.mark.parametrize("state", [S.ACCEPTED, S.DECIDED, S.UNDER_REVIEW, S.CLOSED])
def test_w22_nothing_to_rate_before_an_answer_or_after_closing(state):
    """W22: rating is of an answer; nothing to rate while handling, none after closing."""
    refused_state("rate", ctx(state, due={"rating": SOON}), PETITIONER)


def test_w35_w36_close_waits_for_the_review_window_unless_satisfied():
    """W35/W36: not closed while review may still be asked, unless the petitioner is satisfied."""
    open_window = {"review_request": TODAY}
    refused = refused_state("close", ctx(S.REPLIED, due=open_window), HANDLER, SYSTEM)
    assert refused.code == "guard_failed"
    unhappy = ctx(S.REPLIED, due=open_window, rated="unsatisfied")
    assert refused_state("close", unhappy, HEAD).code == "guard_failed"
    assert can("close", ctx(S.REPLIED, due=open_window, rated="satisfied"), HANDLER)
    assert can("close", ctx(S.REPLIED, due=open_window, rated="basically"), HANDLER)
    passed = ctx(S.REPLIED, due=open_window, today=TODAY + dt.timedelta(days=1))
    assert can("close", passed, SYSTEM)
    rereview_window = ctx(S.REVIEW_DECIDED, due={"rereview_request": SOON})
    assert refused_state("close", rereview_window, SYSTEM).code == "guard_failed"
    refused_role("close", passed, PETITIONER)
    for state in (S.ACCEPTED, S.DECIDED, S.UNDER_REVIEW, S.UNDER_REREVIEW, S.TRANSFERRED):
        refused_state("close", ctx(state), HANDLER, HEAD, INTAKE, SYSTEM)


def test_w21_w22_merge_a_repeat_only_while_received():
    """W21/W22: a repeat is merged into its earlier item before anyone starts handling it."""
    for state in (S.REGISTERED, S.TRANSFERRED):
        assert can("merge_repeat", ctx(state), INTAKE)
    for state in (S.ACCEPTED, S.DECIDED, S.REPLIED, S.REMIT_OBJECTED, S.FINAL):
        refused_state("merge_repeat", ctx(state), INTAKE, HANDLER, HEAD)
    assert MOVES["merge_repeat"].target == S.MERGED
    refused_role("merge_repeat", ctx(S.REGISTERED), PETITIONER)


@pytest.mark.parametrize("state", ["not_accepted", "redirected", "merged", "closed"])
def test_w22_terminal_states_allow_no_move(state):
    """W22/W36: declined, redirected, merged and closed items are done; no move applies."""
    assert state in TERMINAL
    # Only the records of keeping in touch, which change nothing (contacts, 回访).
    assert {m.name for m in workflow.moves_from(state)} == RECORDS
    windows = ("remit_objection", "rating", "review_request", "rereview_request", "supervision")
    everything = ctx(
        state,
        channel="grid",
        holder_level=5,
        extension_requested=True,
        holder_is_discipline=True,
        due=dict.fromkeys(windows, SOON),
    )
    assert {m.name for m in workflow.available(everything, set(ALL_ROLES))} == RECORDS
    for name in set(MOVES) - RECORDS:
        refused_state(name, everything, *ALL_ROLES)


def test_terminal_set_is_what_the_statute_ends_on():
    assert set(TERMINAL) == {"not_accepted", "redirected", "merged", "closed"}
    assert S.FINAL not in TERMINAL  # still to be closed, rated and supervised


def test_w31_redirect_to_legal_channel_only_before_acceptance():
    """W31: an appeal with a statutory channel is sorted there instead of being accepted."""
    for state in (S.REGISTERED, S.TRANSFERRED):
        assert can("redirect_to_legal_channel", ctx(state), INTAKE)
    refused_state("redirect_to_legal_channel", ctx(S.ACCEPTED), INTAKE, HANDLER, HEAD)
    assert MOVES["redirect_to_legal_channel"].target == S.REDIRECTED


@pytest.mark.parametrize(
    ("channel", "level", "allowed"),
    [
        ("grid", 5, True),
        ("grid", 4, True),
        ("grid", 3, False),
        ("grid", 2, False),
        ("web", 5, False),
        ("visit", 4, False),
    ],
)
def test_w17_grid_escalates_village_town_county_and_stops_at_county(channel, level, allowed):
    """W17 (grid): only grid reports go up level by level, and not past the county."""
    context = ctx(S.REGISTERED, channel=channel, holder_level=level)
    if allowed:
        assert can("escalate_grid", context, GRID)
    else:
        assert refused_state("escalate_grid", context, GRID, HANDLER).code == "guard_failed"


def test_w17_grid_escalation_roles_and_states():
    """W17 (grid): staff at the holder escalate; supervisors and citizens do not."""
    grid = dict(channel="grid", holder_level=5)
    for role in (SUPERVISOR, PETITIONER, INTAKE):
        refused_role("escalate_grid", ctx(S.REGISTERED, **grid), role)
    for state in (S.ACCEPTED, S.REPLIED):
        refused_state("escalate_grid", ctx(state, **grid), GRID)
    assert MOVES["escalate_grid"].target is None


def test_w40_supervision_reaches_every_open_state_but_not_closed():
    """W40/X36: supervisors issue supervision notices on any open item, the body answers."""
    for state in (S.REGISTERED, S.ACCEPTED, S.REPLIED, S.FINAL):
        assert can("supervise", ctx(state), SUPERVISOR)
        refused_role("supervise", ctx(state), HANDLER)
    refused_state("supervise", ctx(S.CLOSED), SUPERVISOR)
    assert can("answer_supervision", ctx(S.ACCEPTED, due={"supervision": SOON}), HANDLER)
    no_notice = ctx(S.ACCEPTED)
    assert refused_state("answer_supervision", no_notice, HANDLER).code == "guard_failed"
    assert can("assign_leader", ctx(S.ACCEPTED), LEADER)  # W18 包案
    assert can("list_supervision", ctx(S.ACCEPTED), LEADER)  # W39 挂牌督办


# ---------------------------------------------------------------------------------------------
# available(): the buttons a user sees.


def _names(context: Context, *roles: str) -> set[str]:
    return {m.name for m in workflow.available(context, set(roles))}


def test_w31_w34_handler_on_an_accepted_case_sees_handling_moves():
    """W31-W34: a handler may mediate, hold a hearing, ask for an extension or draft the
    decision; no more. W24: the lead body may bring in a co-handling body; W28: step aside."""
    always = {"mediate", "decide", "add_co_handler", "record_hearing", "start_hearing", "recuse"}
    always |= RECORDS
    assert _names(ctx(S.ACCEPTED), HANDLER) == always | {"request_extension"}
    assert _names(ctx(S.ACCEPTED, extension_used=True), HANDLER) == always
    supervised = ctx(S.ACCEPTED, due={"supervision": SOON})
    assert _names(supervised, HANDLER) == always | {"request_extension", "answer_supervision"}


def test_w34_head_sees_extend_only_after_a_request():
    """W34: the head approves an extension that was requested."""
    assert "extend" not in _names(ctx(S.ACCEPTED), HEAD)
    assert "extend" in _names(ctx(S.ACCEPTED, extension_requested=True), HEAD)


def test_w22_w35_petitioner_on_a_replied_case_may_rate_and_ask_for_review():
    """W22/W35: after the reply the petitioner can rate it and request review, nothing else."""
    windows = {"review_request": SOON, "rating": SOON}
    # Adding material stays open while the case is (follow-ups).
    more = {"add_material"}
    assert _names(ctx(S.REPLIED, due=windows), PETITIONER) == {"rate", "request_review"} | more
    rated = ctx(S.REPLIED, due=windows, rated="unsatisfied")
    assert _names(rated, PETITIONER) == {"request_review"} | more
    late = ctx(S.REPLIED, due=windows, today=SOON + dt.timedelta(days=1))
    assert _names(late, PETITIONER) == more
