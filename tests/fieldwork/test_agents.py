"""Village agents (代办员): they file for a villager, who stays the party and is sent the tracking
code; they see the cases they filed and nothing else, by page, API or search."""

from __future__ import annotations

import pytest

from tests.conftest import register_appeal
from xinfang.cases import access, services
from xinfang.cases.models import Case
from xinfang.core.errors import InvalidInput, NotFound, PermissionDenied
from xinfang.notify.models import Outbox
from xinfang.orgs.models import Body, BodyKind, Division, Level

from .helpers import agent

pytestmark = pytest.mark.django_db


def _file(user, **overrides):
    fields = dict(
        agent=user,
        name="王大爷",
        phone="13700137000",
        title="村道路灯坏了三个月",
        text="村东头路灯不亮，夜里出行不便。",
    )
    fields.update(overrides)
    return services.file_for_villager(**fields)


def test_the_villager_is_the_party_gets_the_code_and_the_agent_is_the_filer(county):
    a = agent("agent", county.village_committee)
    reg = _file(a)
    case = reg.case
    assert case.filed_by == a and case.channel == "agent"
    assert case.registering_body == county.village_committee
    (party,) = case.parties.all()
    assert party.name == "王大爷" and party.phone == "13700137000"
    sms = Outbox.objects.get(case=case, channel="sms", template_key="registered")
    assert reg.tracking_code in sms.body


def test_the_agent_sees_only_the_cases_they_filed(county):
    a = agent("agent", county.village_committee)
    b = agent("agent2", county.village_committee)
    mine = _file(a).case
    theirs = _file(b).case
    # A case the village committee itself registered, and one held at the county.
    grid_case = services.register(
        actor=county.users["grid"],
        body=county.village_committee,
        channel="grid",
        content_type="appeal",
        title="邻里纠纷",
        text="两户因宅基地边界争执。",
        place=county.village,
        parties=[services.PartyInput(name="赵六", phone="13600136000")],
    ).case
    other = register_appeal(county).case
    assert list(access.cases_visible_to(a)) == [mine]
    for case in (theirs, grid_case, other):
        with pytest.raises(NotFound):
            access.case_get_for_user(a, case.number)
    assert access.case_get_for_user(a, mine.number) == mine
    # The village's grid worker still sees the committee's own cases, not the agents' alone.
    grid_sees = set(access.cases_visible_to(county.users["grid"]))
    assert grid_case in grid_sees


def test_an_agent_files_no_report_and_only_in_their_own_village(county):
    a = agent("agent", county.village_committee)
    with pytest.raises(InvalidInput) as e:
        _file(a, content_type="report")
    assert "content_type" in e.value.fields
    west = Division.objects.create(
        code="370687101202", name="西村", level=Level.VILLAGE, parent=county.town
    )
    with pytest.raises(InvalidInput) as e:
        _file(a, place=west)
    assert "place" in e.value.fields
    assert not Case.objects.filter(filed_by=a).exists()


def test_staff_who_are_not_agents_cannot_file_as_one(county):
    with pytest.raises(PermissionDenied):
        _file(county.users["clerk"])
    # Nor may an agent register through the general registration at another body.
    a = agent("agent", county.village_committee)
    town = Body.objects.get(kind=BodyKind.TOWNSHIP)
    with pytest.raises(PermissionDenied):
        services.register(
            actor=a,
            body=town,
            channel="agent",
            content_type="appeal",
            title="t",
            text="x",
            place=county.village,
            parties=[services.PartyInput(name="n", phone="13700137000")],
            filed_by=a,
        )


def test_the_agents_post_gives_no_sight_of_the_village_ledger(county):
    from xinfang.cases import selectors

    services.register_grid_item(
        actor=county.users["grid"],
        body=county.village_committee,
        kind="dispute",
        title="宅基地纠纷",
        description="两户争执",
        place=county.village,
        responsible_person="村主任",
        due_on=__import__("datetime").date(2099, 1, 1),
    )
    a = agent("agent", county.village_committee)
    assert not selectors.grid_items_visible_to(a).exists()
