"""Leaders' letters (阅批, W18): a letter addressed to a leader waits in that leader's queue; the
instruction is kept on the case and given to a body with a time limit."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.models import Clock
from xinfang.core.errors import MoveNotAllowed, PermissionDenied
from xinfang.orgs.models import Membership
from xinfang.reception import meeting_selectors as reception_selectors
from xinfang.reception.models import INSTRUCTION, Task

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


def _letter(county):
    case = register_appeal(county, title="致市长的一封信：小区漏水").case
    return services.address_leader(
        case=case, actor=county.users["clerk"], leader=county.users["leader"], note="市长信箱"
    )


@time_machine.travel(START, tick=False)
def test_w18_a_letter_reaches_the_leaders_queue_and_the_instruction_goes_to_a_body(county):
    leader = county.users["leader"]
    case = _letter(county)
    assert list(reception_selectors.letters_for(leader)) == [case]
    assert "instruct" in {m.name for m in services.available_moves(leader, case)}

    case = services.instruct(
        case=case,
        actor=leader,
        instruction="请住建局牵头，十日内查明情况并答复。",
        body=county.housing,
        deadline=dt.date(2026, 3, 12),
    )
    assert case.decision_detail["instruction"]["text"] == "请住建局牵头，十日内查明情况并答复。"
    assert case.decision_detail["instruction"]["body_name"] == county.housing.name
    clock = Clock.objects.get(case=case, period="instruction", status=Clock.RUNNING)
    assert clock.due_on == dt.date(2026, 3, 12)
    task = Task.objects.get(case=case)
    assert (task.source, task.body, task.due_on) == (INSTRUCTION, county.housing, clock.due_on)
    assert reception_selectors.open_tasks_for(county.users["handler"]) == [task]
    assert list(reception_selectors.letters_for(leader)) == []
    # Given once: no letter awaits an instruction any more.
    with pytest.raises(MoveNotAllowed):
        services.instruct(case=case, actor=leader, instruction="再批", body=county.housing)


@time_machine.travel(START, tick=False)
def test_w18_only_the_leader_addressed_gives_the_instruction(county):
    other = get_user_model().objects.create_user("leader2", password="pw")
    Membership.objects.create(user=other, body=county.office, role="leader")
    case = _letter(county)
    assert list(reception_selectors.letters_for(other)) == []
    with pytest.raises(PermissionDenied):
        services.instruct(case=case, actor=other, instruction="阅", body=county.housing)
    with pytest.raises(PermissionDenied):
        services.instruct(
            case=case, actor=county.users["supervisor"], instruction="阅", body=county.housing
        )
    # Without a date the default of 15 working days applies.
    case = services.instruct(
        case=case, actor=county.users["leader"], instruction="阅处", body=county.housing
    )
    assert Task.objects.get(case=case).due_on == dt.date(2026, 3, 23)
