"""The workflow graph as a whole: every state reachable from registration and able to end, and
random move sequences staying inside the declared graph."""

from __future__ import annotations

import datetime as dt
from collections import deque

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.cases.test_workflow import ALL_ROLES, TODAY
from xinfang.cases import workflow
from xinfang.cases.workflow import MOVES, STATES, TERMINAL, Context, S
from xinfang.cases.workflow.followups import RECORDS
from xinfang.core.errors import MoveNotAllowed, PermissionDenied

# ---------------------------------------------------------------------------------------------
# The graph as a whole.


def _edges() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {s: set() for s in STATES}
    for move in MOVES.values():
        for source in move.sources:
            out[source].add(move.target or source)
    return out


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, todo = {start}, deque([start])
    while todo:
        for nxt in edges[todo.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


EDGES = _edges()
ENDS_REACHABLE = {s for s in STATES if _reachable(s, EDGES) & TERMINAL}


def test_table_names_only_declared_states():
    for move in MOVES.values():
        assert move.sources and move.sources <= set(STATES), move.name
        assert move.target is None or move.target in STATES, move.name
        assert move.article.startswith(("W", "X")), move.name


def test_every_state_is_reachable_from_registration_and_can_end():
    """W21: everything registered is followed to an end; no state is a dead end or unused."""
    assert _reachable(S.REGISTERED, EDGES) == set(STATES)
    assert ENDS_REACHABLE == set(STATES)
    for state in TERMINAL:
        # It leads nowhere; only the records of keeping in touch (overlays) are made on it.
        assert EDGES[state] <= {state}


# A simulated case: clocks start and stop as the move table says, flags follow the moves.
PERIOD_DAYS = {
    "route": 15,
    "accept_notice": 15,
    "remit_objection": 7,
    "result_report": 30,
    "handle": 60,
    "review_request": 30,
    "review_decide": 30,
    "rereview_request": 30,
    "rereview_decide": 30,
    "rating": 30,
    "supervision": 10,
}
AFTER_REPLY = {S.REPLIED, S.UNDER_REVIEW, S.REVIEW_DECIDED, S.UNDER_REREVIEW, S.FINAL}

step = st.tuples(
    # Any move at all, one available now, or one that changes the state without ending it.
    st.sampled_from(["onward"] * 7 + ["available", "any", "any"]),
    st.integers(min_value=0, max_value=10_000),  # which move
    st.frozensets(st.sampled_from(ALL_ROLES), min_size=1, max_size=3),
    st.sampled_from([0, 0, 0, 1, 2, 5, 40]),  # days before it
    st.sampled_from(sorted(workflow.RATINGS)),
    st.booleans(),  # grid channel
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=10, max_size=60), holder_level=st.sampled_from([3, 4, 5]))
def test_random_move_sequences_stay_inside_the_declared_graph(steps, holder_level):
    """W21/W36: whatever users try, a case stays in declared states, an end stays an end, and
    once answered it never goes back to routing or handling."""
    state, today, due = S.REGISTERED, TODAY, {"route": TODAY + dt.timedelta(days=15)}
    flags = dict(extension_used=False, extension_requested=False, hearing_active=False, rated="")
    seen_final = False
    for mode, index, roles, days, rating, grid in steps:
        today += dt.timedelta(days=days)
        context = Context(
            state=state,
            today=today,
            due=dict(due),
            holder_level=holder_level,
            channel="grid" if grid else "web",
            **flags,
        )
        options = []
        if mode == "available":
            options = workflow.available(context, roles)
        elif mode == "onward":
            options = [
                m
                for m in workflow.available(context, set(ALL_ROLES))
                if m.target not in TERMINAL and m.target not in (None, state)
            ]
            roles = options[index % len(options)].roles if options else roles
        names = [m.name for m in options] or sorted(MOVES)
        move = MOVES[names[index % len(names)]]
        try:
            workflow.check(move, context, roles)
        except (MoveNotAllowed, PermissionDenied):
            assert move not in workflow.available(context, roles)
            continue
        # On a terminal state only a record of keeping in touch, which leaves it as it is.
        assert state not in TERMINAL or (move.name in RECORDS and move.target is None), (
            f"{move.name} left terminal state {state}"
        )
        assert state in move.sources and roles & move.roles
        assert move in workflow.available(context, roles)
        before = state
        state = move.target or state
        assert state in STATES
        assert state in ENDS_REACHABLE
        if before in AFTER_REPLY:
            assert state in AFTER_REPLY | TERMINAL, f"{move.name}: {before} -> {state}"
        event(f"reached {state}")
        seen_final = seen_final or state == S.FINAL
        if seen_final:
            assert state in (S.FINAL, S.CLOSED)
        for key in move.stops:
            due.pop(key, None)
        for key in move.starts:
            due[key] = today + dt.timedelta(days=PERIOD_DAYS.get(key, 30))
        if move.name == "request_extension":
            flags["extension_requested"] = True
        elif move.name == "extend":
            flags.update(extension_used=True, extension_requested=False)
        elif move.name in ("start_hearing", "end_hearing"):
            flags["hearing_active"] = move.name == "start_hearing"
        elif move.name == "rate":
            flags["rated"] = rating
        elif move.name in ("decide_review", "decide_rereview"):
            flags["rated"] = ""  # a new opinion is rated afresh
