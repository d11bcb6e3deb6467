"""Oversight services: joint handling (W24), supervision notices and overdue flags (W40, X36),
leader ownership protection (W18, W30), the grid ledger (W17 grid channel) and staff reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import accepted_appeal, register_appeal, report_against
from xinfang.cases import selectors, services
from xinfang.cases.models import CaseEvent, CoHandler, GridItem, SupervisionNotice
from xinfang.core.errors import InvalidInput, MoveNotAllowed, NotFound, PermissionDenied
from xinfang.notify.models import Outbox

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday


def _report(county):
    """A report accusing the housing bureau, sent to the discipline body."""
    return report_against(
        county,
        county.housing,
        title="住建局某科长收受好处",
        text="反映住建局某科长收受开发商好处。",
    )


# ---------------------------------------------------------------------------------------------
# Joint handling (W24)


def test_w24_lead_body_adds_a_co_handler_who_sees_the_case_and_answers_its_part(county):
    case = accepted_appeal(county)
    land = county.users["land_handler"]
    assert not selectors.cases_visible_to(land).filter(pk=case.pk).exists()

    case = services.add_co_handler(
        case=case, actor=county.users["handler"], body=county.land, part="核实土地权属"
    )
    row = CoHandler.objects.get(case=case)
    assert (row.body, row.part, row.answer) == (county.land, "核实土地权属", "")
    event = case.events.get(kind="add_co_handler")
    assert event.citizen_visible is False and event.extra["article"] == "W24"
    assert selectors.cases_visible_to(land).filter(pk=case.pk).count() == 1
    assert "answer_co_handling" in {m.name for m in services.available_moves(land, case)}
    # The lead body's own handler has nothing to answer.
    assert "answer_co_handling" not in {
        m.name for m in services.available_moves(county.users["handler"], case)
    }

    services.answer_co_handling(case=case, actor=land, answer="权属清楚，属集体土地")
    row.refresh_from_db()
    assert row.answer == "权属清楚，属集体土地" and row.answered_at is not None
    assert case.events.filter(kind="answer_co_handling", citizen_visible=False).count() == 1


def test_w24_petition_office_that_routed_it_may_add_a_co_handler(county):
    case = register_appeal(county).case
    case = services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    services.add_co_handler(
        case=case, actor=county.users["clerk"], body=county.land, part="土地部分"
    )
    assert CoHandler.objects.filter(case=case, body=county.land).exists()


def test_w24_others_may_not_add_or_answer(county):
    case = accepted_appeal(county)
    with pytest.raises(PermissionDenied):
        services.add_co_handler(
            case=case, actor=county.users["land_handler"], body=county.land, part="自己加入"
        )
    services.add_co_handler(case=case, actor=county.users["head"], body=county.land, part="土地")
    with pytest.raises(InvalidInput):  # twice the same body
        services.add_co_handler(
            case=case, actor=county.users["head"], body=county.land, part="再次"
        )
    with pytest.raises(PermissionDenied):  # not a co-handler
        services.answer_co_handling(
            case=case, actor=county.users["town_handler"], answer="不是我们的事"
        )


def test_w30_w46_a_report_never_gets_the_accused_body_as_co_handler(county):
    case = _report(county)
    case = services.accept(case=case, actor=county.users["discipline_handler"])
    for body in (county.housing, county.land):
        with pytest.raises(InvalidInput) as info:
            services.add_co_handler(
                case=case, actor=county.users["discipline_handler"], body=body, part="协助"
            )
        assert info.value.fields["body"]
    assert not CoHandler.objects.filter(case=case).exists()
    with pytest.raises(NotFound):  # the accused body's own head cannot even reach it
        services.add_co_handler(
            case=case, actor=county.users["head"], body=county.land, part="协助"
        )


# ---------------------------------------------------------------------------------------------
# Supervision notices (W40, X36)


def test_w40_supervise_issues_a_notice_row_and_the_answer_is_recorded_on_it(county):
    case = accepted_appeal(county)
    due = timezone.localdate() + dt.timedelta(days=20)
    services.supervise(
        case=case, actor=county.users["supervisor"], grounds="超期未办结", due_on=due
    )
    notice = SupervisionNotice.objects.get(case=case)
    clock = case.clocks.get(period="supervision", status="running")
    assert notice.due_on == clock.due_on
    assert (notice.grounds, notice.issuing_body, notice.answer) == ("超期未办结", county.office, "")

    services.answer_supervision(case=case, actor=county.users["handler"], answer="已约谈整改")
    notice.refresh_from_db()
    assert notice.answer == "已约谈整改" and notice.answered_at is not None


def test_x36_default_reply_date_is_ten_working_days(county):
    with time_machine.travel(START, tick=False):
        case = accepted_appeal(county)
        services.supervise(case=case, actor=county.users["supervisor"], grounds="久拖不办")
    assert SupervisionNotice.objects.get(case=case).due_on == dt.date(2026, 3, 16)


def test_w40_overdue_is_flagged_once_per_clock_and_never_for_citizen_windows(county):
    with time_machine.travel(START, tick=False):
        case = accepted_appeal(county)
    handle_due = case.clocks.get(period="handle").due_on
    version = case.version
    day = handle_due + dt.timedelta(days=1)
    assert services.flag_overdue(on=handle_due) == 0
    assert services.flag_overdue(on=day) == 1
    assert services.flag_overdue(on=day + dt.timedelta(days=5)) == 0
    event = CaseEvent.objects.get(case=case, kind=services.OVERDUE_FLAGGED)
    assert event.extra["period"] == "handle" and event.citizen_visible is False
    case.refresh_from_db()
    assert case.version == version  # a mark, not a move: open forms stay valid

    # A replied case whose rating and review windows have passed is not overdue for staff.
    with time_machine.travel(START, tick=False):
        other = accepted_appeal(county, title="路灯不亮")
        # Explained, not supported: nothing is left to carry out (W32).
        other = services.decide(
            case=other,
            actor=county.users["handler"],
            decision="explain",
            facts="属实",
            reasons="已列入明年维修计划",
        )
        services.reply(case=other, actor=county.users["head"])
    assert services.flag_overdue(on=dt.date(2026, 6, 30)) == 0
    assert not CaseEvent.objects.filter(case=other, kind=services.OVERDUE_FLAGGED).exists()


# ---------------------------------------------------------------------------------------------
# Due-soon reminders to the holding body


def test_due_soon_reminders_go_to_the_handler_once_per_clock_per_day(county, settings):
    settings.NOTIFY = {**settings.NOTIFY, "BACKENDS": {"email": "console"}}
    handler = county.users["handler"]
    handler.email = "handler@example.gov.cn"
    handler.save()
    with time_machine.travel(START, tick=False):
        case = accepted_appeal(county)
    due = case.clocks.get(period="handle").due_on
    from xinfang.notify import staff

    first = staff.queue_due_soon_reminders(on=due - dt.timedelta(days=2))
    again = staff.queue_due_soon_reminders(on=due - dt.timedelta(days=2))
    assert len(first) == 1 and again == first
    row = Outbox.objects.get(pk=first[0])
    assert row.template_key == "staff_due_soon" and row.channel == "email"
    assert case.number in row.body and "办理期限" in row.body
    assert "张三" not in row.body  # no petitioner identity in a staff message
    next_day = staff.queue_due_soon_reminders(on=due - dt.timedelta(days=1))
    assert len(next_day) == 1 and next_day != first
    assert staff.queue_due_soon_reminders(on=due - dt.timedelta(days=10)) == []


def test_due_soon_reminders_also_go_by_sms_to_a_work_mobile(county, settings):
    from xinfang.core import crypto
    from xinfang.notify import staff
    from xinfang.orgs.models import StaffContact

    settings.NOTIFY = {**settings.NOTIFY, "BACKENDS": {"email": "console", "sms": "console"}}
    handler = county.users["handler"]  # no e-mail address, only a work mobile
    StaffContact.objects.create(user=handler, work_phone="139 0000 1111")
    with time_machine.travel(START, tick=False):
        case = accepted_appeal(county)
    due = case.clocks.get(period="handle").due_on
    ids = staff.queue_due_soon_reminders(on=due - dt.timedelta(days=2))
    (row,) = Outbox.objects.filter(pk__in=ids)
    assert row.channel == "sms" and crypto.decrypt(row.recipient_enc) == "13900001111"
    assert case.number in row.body and "张三" not in row.body
    # With an e-mail address as well, the handler gets both, each once.
    handler.email = "handler@example.gov.cn"
    handler.save()
    ids = staff.queue_due_soon_reminders(on=due - dt.timedelta(days=1))
    assert sorted(Outbox.objects.filter(pk__in=ids).values_list("channel", flat=True)) == [
        "email",
        "sms",
    ]
    assert staff.queue_due_soon_reminders(on=due - dt.timedelta(days=1)) == ids


def test_a_work_mobile_must_be_a_mobile_number(county):
    from django.core.exceptions import ValidationError

    from xinfang.orgs.models import StaffContact

    contact = StaffContact(user=county.users["handler"], work_phone="12345")
    with pytest.raises(ValidationError) as err:
        contact.full_clean()
    assert "work_phone" in err.value.message_dict


def test_run_supervision_command_flags_and_reminds(county, settings, capsys):
    settings.NOTIFY = {**settings.NOTIFY, "BACKENDS": {"email": "console"}}
    county.users["head"].email = "head@example.gov.cn"
    county.users["head"].save()
    with time_machine.travel(START, tick=False):
        case = register_appeal(county).case
        services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    # The body has not said within 15 days whether it accepts: overdue (W23).
    call_command("run_supervision", "--date", "2026-03-20")
    out = capsys.readouterr().out
    assert "flagged 1 overdue" in out  # the passed remit objection window is no duty
    (event,) = CaseEvent.objects.filter(case=case, kind=services.OVERDUE_FLAGGED)
    assert event.extra["period"] == "accept_notice"


# ---------------------------------------------------------------------------------------------
# Leader ownership (W18) never goes to the accused body (W30)


def test_w18_w30_leader_ownership_never_given_to_the_accused_body(county):
    case = _report(county)
    deadline = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(InvalidInput) as info:
        services.assign_leader(
            case=case,
            actor=county.users["supervisor"],
            level="A",
            leader=county.users["leader"],
            body=county.housing,
            plan="约谈",
            deadline=deadline,
        )
    assert "body" in info.value.fields
    services.assign_leader(
        case=case,
        actor=county.users["supervisor"],
        level="A",
        leader=county.users["leader"],
        body=county.discipline,
        plan="纪委牵头核查",
        deadline=deadline,
    )
    assert selectors.leader_cases(county.users["leader"]).get().pk == case.pk


# ---------------------------------------------------------------------------------------------
# Grid ledger: 小事不出村、大事不出镇


def _grid_item(county, **kw):
    data = dict(
        actor=county.users["grid"],
        body=county.village_committee,
        kind="dispute",
        title="宅基地边界纠纷",
        description="两户因院墙边界争执",
        place=county.village,
        responsible_person="王主任",
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    data.update(kw)
    return services.register_grid_item(**data)


def test_grid_worker_records_within_the_village_only(county):
    item = _grid_item(county)
    assert (item.status, item.holder_body, item.history[0]["action"]) == (
        "open",
        county.village_committee,
        "record",
    )
    with pytest.raises(InvalidInput) as info:
        _grid_item(county, place=county.town)
    assert "place" in info.value.fields
    with pytest.raises(PermissionDenied):
        _grid_item(county, actor=county.users["handler"])


def test_grid_escalates_village_town_county_and_stops_there(county):
    item = _grid_item(county)
    with pytest.raises(PermissionDenied):  # the township cannot act before it is sent up
        services.escalate_grid_item(item=item, actor=county.users["town_handler"], reason="x")
    item = services.escalate_grid_item(item=item, actor=county.users["grid"], reason="调解未果")
    assert item.holder_body == county.town_gov
    item = services.escalate_grid_item(
        item=item,
        actor=county.users["town_handler"],
        reason="涉及多部门",
        responsible_person="镇综治办张主任",
    )
    assert item.holder_body == county.office and item.responsible_person == "镇综治办张主任"
    with pytest.raises(MoveNotAllowed):
        services.escalate_grid_item(item=item, actor=county.users["clerk"], reason="再上报")
    assert [h["action"] for h in item.history] == ["record", "escalate", "escalate"]
    assert item.history[1]["to"] == county.town_gov.name


def test_grid_settle_records_the_outcome_and_closes_the_row(county):
    item = services.settle_grid_item(
        item=_grid_item(county), actor=county.users["grid"], outcome="双方签订调解协议"
    )
    assert item.status == GridItem.SETTLED and item.settled_at is not None
    with pytest.raises(MoveNotAllowed):
        services.settle_grid_item(item=item, actor=county.users["grid"], outcome="再次")


def test_grid_item_becomes_a_case_on_the_grid_channel(county):
    item = _grid_item(county)
    with pytest.raises(InvalidInput):  # an appeal names its petitioner (W19)
        services.convert_grid_item(item=item, actor=county.users["grid"])
    item.refresh_from_db()
    assert item.status == GridItem.OPEN and item.case is None

    reg = services.convert_grid_item(
        item=item,
        actor=county.users["grid"],
        petitioner_name="赵五",
        petitioner_phone="13700137000",
    )
    item.refresh_from_db()
    assert item.case == reg.case and item.status == GridItem.CONVERTED
    assert (reg.case.channel, reg.case.holder_body, reg.case.title) == (
        "grid",
        county.village_committee,
        "宅基地边界纠纷",
    )
    assert item.history[-1] == {**item.history[-1], "action": "convert", "case": reg.case.number}
