"""A move declared in the workflow table with the portal among its pages reaches the petitioner
without portal code of its own: a form from its inputs, the move made through the citizen's use
case, the timeline in the words declared for it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils.translation import gettext_lazy as _

from tests.conftest import register_appeal
from xinfang.cases import services, workflow
from xinfang.cases.workflow import checks
from xinfang.cases.workflow import inputs as i


@dataclass(frozen=True)
class AddNote:
    note: str = i.text(_("Your note"))


NEW_MOVE = workflow.Move(
    "add_note",
    _("Add a note"),
    frozenset({workflow.S.REGISTERED}),
    None,
    frozenset({workflow.PETITIONER}),
    "W21",
    inputs=AddNote,
    citizen_words=_("You added a note."),
    message=workflow.NO_MESSAGE,
    pages=frozenset({workflow.PORTAL}),
)


def add_note(*, case, actor, note: str, expected_version: int | None = None):
    return services.transition(
        "add_note",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=lambda c, d: {"note": note},
    )


@pytest.fixture
def declared(monkeypatch):
    monkeypatch.setitem(workflow.MOVES, "add_note", NEW_MOVE)
    monkeypatch.setitem(services.MOVE_FUNCTIONS, "add_note", add_note)
    assert checks.problems(NEW_MOVE) == []


def test_a_declared_portal_move_gets_a_form_and_lands_on_the_timeline(client, county, declared):
    reg = register_appeal(county)
    client.post("/track/", {"tracking_code": reg.tracking_code, "password": reg.query_password})
    page = client.get(f"/track/{reg.case.number}/").content.decode()
    assert 'id="move-add_note"' in page and 'name="add_note-note"' in page

    url = f"/track/{reg.case.number}/move/add_note/"
    refused = client.post(url, {"add_note-note": ""})
    assert refused.status_code == 200 and "add_note-note" in refused.content.decode()
    done = client.post(url, {"add_note-note": "补充：漏水已影响楼下住户"})
    assert done.status_code == 302
    page = client.get(f"/track/{reg.case.number}/").content.decode()
    assert "You added a note." in page
    assert reg.case.events.filter(kind="add_note").exists()


def test_a_move_the_portal_does_not_offer_cannot_be_posted(client, county, declared):
    reg = register_appeal(county)
    client.post("/track/", {"tracking_code": reg.tracking_code, "password": reg.query_password})
    resp = client.post(f"/track/{reg.case.number}/move/transfer/", {"transfer-body": "1"})
    assert resp.status_code == 404
