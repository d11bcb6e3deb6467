"""Joint meetings (W39): a decision is a task for a body with a due date on the case clocks and
the supervision machinery; the W39 measures reuse the oversight moves."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.conftest import accepted_appeal
from xinfang.cases import selectors, services
from xinfang.cases.models import Clock, SupervisionNotice
from xinfang.core.errors import InvalidInput, PermissionDenied
from xinfang.reception import meeting_selectors as reception_selectors
from xinfang.reception.models import CORRECTION, LISTED, MEETING, SUMMONS, Task
from xinfang.reception.services import meetings as reception

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing
MONDAY = dt.date(2026, 3, 2)


def _meeting(county):
    return reception.create_meeting(
        actor=county.users["supervisor"],
        held_on=MONDAY,
        title="第一季度信访工作联席会议",
        convenor=county.office,
        bodies=[county.housing, county.land],
        place="市政府第一会议室",
    )


@time_machine.travel(START, tick=False)
def test_w39_a_decision_without_a_case_is_a_task_due_in_15_working_days(county):
    meeting = _meeting(county)
    reception.add_agenda_item(
        actor=county.users["supervisor"], meeting=meeting, kind="hot_issue", topic="老旧小区漏水"
    )
    task = reception.record_decision(
        actor=county.users["supervisor"],
        meeting=meeting,
        body=county.housing,
        text="住建局牵头排查全市老旧小区屋面防水",
    )
    # 15 working days counted from the day after the meeting (the period's default).
    assert (task.source, task.due_on, task.case) == (MEETING, dt.date(2026, 3, 23), None)
    assert reception_selectors.open_tasks_for(county.users["handler"]) == [task]
    assert reception_selectors.open_tasks_for(county.users["land_handler"]) == []
    assert reception_selectors.late_tasks(county.users["supervisor"], dt.date(2026, 3, 23)) == []
    late = reception_selectors.late_tasks(county.users["supervisor"], dt.date(2026, 3, 24))
    assert late == [task]


@time_machine.travel(START, tick=False)
def test_w39_a_decision_on_a_case_runs_on_the_case_clock_and_is_reported_done(county):
    case = accepted_appeal(county)
    meeting = _meeting(county)
    item = reception.add_agenda_item(
        actor=county.users["supervisor"],
        meeting=meeting,
        kind="backlog",
        case_number=case.number,
    )
    assert item.topic == f"{case.number} {case.title}"
    task = reception.record_decision(
        actor=county.users["supervisor"],
        meeting=meeting,
        body=county.housing,
        text="限期修复楼顶防水层",
        due_on=dt.date(2026, 3, 14),  # a Saturday: the next working day
        measure=SUMMONS,
        agenda_item=item,
    )
    clock = Clock.objects.get(case=case, period="meeting_task", status=Clock.RUNNING)
    assert task.due_on == clock.due_on == dt.date(2026, 3, 16)
    event = case.events.get(kind="meeting_decision")
    assert event.extra["decision"] == "限期修复楼顶防水层" and not event.citizen_visible

    with pytest.raises(PermissionDenied):
        reception.complete_task(actor=county.users["land_handler"], task=task, report="已修复")
    done = reception.complete_task(actor=county.users["handler"], task=task, report="已修复")
    assert done.done_on == MONDAY
    clock.refresh_from_db()
    assert clock.status == Clock.STOPPED and clock.met is True
    assert case.events.filter(kind="task_done").count() == 1
    assert reception_selectors.open_tasks_for(county.users["handler"]) == []


def test_w39_w40_a_late_meeting_task_on_a_case_is_overdue_in_supervision(county):
    with time_machine.travel(START, tick=False):
        case = accepted_appeal(county)
        meeting = _meeting(county)
        item = reception.add_agenda_item(
            actor=county.users["supervisor"], meeting=meeting, kind="other", case_number=case.number
        )
        reception.record_decision(
            actor=county.users["supervisor"],
            meeting=meeting,
            body=county.housing,
            text="一周内拿出维修方案",
            due_on=dt.date(2026, 3, 9),
            agenda_item=item,
        )
    day = dt.date(2026, 3, 10)
    assert services.flag_overdue(on=day) == 1
    overdue = selectors.overdue_for_user(county.users["supervisor"], day, offset=0, limit=50)
    assert [(c.case_id, c.period) for c in overdue] == [(case.pk, "meeting_task")]
    late = reception_selectors.late_tasks(county.users["supervisor"], day)
    assert [t.case_id for t in late] == [case.pk]


@time_machine.travel(START, tick=False)
def test_w39_listed_supervision_and_correction_by_a_date_use_the_oversight_moves(county):
    case = accepted_appeal(county)
    meeting = _meeting(county)
    item = reception.add_agenda_item(
        actor=county.users["supervisor"], meeting=meeting, kind="backlog", case_number=case.number
    )
    listed = reception.record_decision(
        actor=county.users["supervisor"],
        meeting=meeting,
        body=county.housing,
        text="挂牌督办，月底前化解",
        measure=LISTED,
        agenda_item=item,
    )
    case.refresh_from_db()
    assert case.listed_supervision and listed.period == "meeting_task"
    correction = reception.record_decision(
        actor=county.users["supervisor"],
        meeting=meeting,
        body=county.housing,
        text="限期整改物业推诿问题",
        due_on=dt.date(2026, 3, 20),
        measure=CORRECTION,
        agenda_item=item,
    )
    notice = SupervisionNotice.objects.get(case=case)
    assert notice.due_on == correction.due_on == dt.date(2026, 3, 20)
    assert correction.period == "supervision"
    reception.complete_task(actor=county.users["handler"], task=correction, report="已整改")
    notice.refresh_from_db()
    assert notice.answered_at is not None and notice.answer == "已整改"


@time_machine.travel(START, tick=False)
def test_w39_measures_on_a_case_need_a_case_and_only_overseers_convene(county):
    meeting = _meeting(county)
    with pytest.raises(InvalidInput):
        reception.record_decision(
            actor=county.users["supervisor"],
            meeting=meeting,
            body=county.housing,
            text="挂牌督办",
            measure=LISTED,
        )
    with pytest.raises(PermissionDenied):
        reception.create_meeting(
            actor=county.users["handler"],
            held_on=MONDAY,
            title="x",
            convenor=county.office,
            bodies=[],
        )
    with pytest.raises(PermissionDenied):
        reception.record_decision(
            actor=county.users["head"], meeting=meeting, body=county.housing, text="x"
        )
    with pytest.raises(InvalidInput):
        reception.record_decision(
            actor=county.users["supervisor"],
            meeting=meeting,
            body=county.housing,
            text="x",
            due_on=dt.date(2026, 3, 1),
        )
    assert Task.objects.count() == 0
