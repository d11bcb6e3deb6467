"""Declared once (DESIGN.md): a move's row carries everything the rest derives, and a period's row
its owner. These tests fail when a piece is missing, so a new move or period cannot be half-made."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import pytest
from django.utils.translation import gettext_lazy as _

from xinfang.cases import deadlines, services, workflow
from xinfang.cases.workflow import checks
from xinfang.cases.workflow import inputs as i

MOVES = list(workflow.MOVES.values())
NOT_INPUTS = {"case", "actor", "expected_version"}


@pytest.mark.parametrize("move", MOVES, ids=lambda m: m.name)
def test_every_move_declares_all_it_needs(move):
    assert checks.problems(move) == []


@pytest.mark.parametrize("move", MOVES, ids=lambda m: m.name)
def test_the_service_takes_exactly_the_declared_inputs(move):
    func = services.MOVE_FUNCTIONS[move.name]
    params = {
        name: p for name, p in inspect.signature(func).parameters.items() if name not in NOT_INPUTS
    }
    declared = {f.name: f for f in move.fields}
    assert set(params) == set(declared)
    for name, field in declared.items():
        has_default = params[name].default is not inspect.Parameter.empty
        assert has_default != field.required, name


def test_every_declared_move_has_exactly_one_service_function():
    assert set(services.MOVE_FUNCTIONS) == set(workflow.MOVES)


def test_a_half_declared_move_is_reported():
    @dataclass(frozen=True)
    class Untyped:
        reason: str = ""

    half = workflow.Move(
        "ponder",
        _("Ponder"),
        frozenset({workflow.S.ACCEPTED}),
        None,
        frozenset({workflow.PETITIONER}),
        "W31",
        starts=("thinking",),
        inputs=Untyped,
        pages=frozenset(),
    )
    found = " | ".join(checks.problems(half))
    for missing in (
        "citizen_words",
        "message key",
        "offered on no page",
        "portal offers exactly",
        "unknown period 'thinking'",
        "has no Input spec",
    ):
        assert missing in found


def test_citizen_words_are_not_staff_labels():
    for move in MOVES:
        if move.citizen_visible:
            assert workflow.citizen_words(move.name) != str(move.label), move.name
    assert workflow.citizen_words(workflow.REGISTER) != workflow.event_label(workflow.REGISTER)


def test_every_page_offers_some_move():
    assert {p for m in MOVES for p in m.pages} == workflow.PAGES


def test_inputs_say_what_they_are():
    with pytest.raises(ValueError):
        i.Input(i.CHOICE, "x")
    with pytest.raises(ValueError):
        i.Input(i.PERSON, "x")
    with pytest.raises(ValueError):
        i.Input("colour", "x")


@pytest.mark.parametrize("period", deadlines.DEFAULT_PERIODS.values(), ids=lambda p: p.key)
def test_every_period_has_an_owner_and_the_citizens_windows_have_words(period):
    assert period.owner in deadlines.OWNERS
    if period.owner == deadlines.CITIZEN:
        assert period.citizen_words, "the petitioner is told until when they may act"


def test_the_windows_are_derived_from_the_owners():
    assert set(deadlines.CITIZEN_WINDOWS) == {"rating", "review_request", "rereview_request"}
    assert deadlines.OPTION_WINDOWS == ("remit_objection",)
    assert set(deadlines.NOT_STAFF_DEADLINES) == set(
        deadlines.CITIZEN_WINDOWS + deadlines.OPTION_WINDOWS
    )


def test_every_started_or_stopped_clock_is_a_declared_period():
    used = {k for m in MOVES for k in (*m.starts, *m.stops)}
    assert used <= set(deadlines.DEFAULT_PERIODS)
