"""Statute gaps closed: the result report of an assigned case (W22), a hearing while handling
(W31), recusal of staff with a direct interest (W28), and carrying out a supported decision, whose
neglect is a ground for supervision (W32, W40)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from tests.conftest import accepted_appeal, register_appeal, replied_appeal
from xinfang.cases import selectors, services
from xinfang.cases.models import Clock, Recusal
from xinfang.core.errors import InvalidInput, MoveNotAllowed, PermissionDenied
from xinfang.documents.models import Notice

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


def _clock(case, period):
    return Clock.objects.filter(case=case, period=period).order_by("-pk").first()


def _names(actor, case):
    return {m.name for m in services.available_moves(actor, case)}


def _assigned_and_replied(county, decision="explain"):
    u = county.users
    case = register_appeal(county).case
    case = services.assign(case=case, actor=u["clerk"], body=county.housing)
    case = services.accept(case=case, actor=u["handler"])
    case = services.decide(
        case=case, actor=u["handler"], decision=decision, facts="漏水属实", reasons="已安排维修"
    )
    return services.reply(case=case, actor=u["head"])


# ---------------------------------------------------------------------------------------------
# W22: 交办 — the body reports the result to the office that assigned the case


@time_machine.travel(START, tick=False)
def test_w22_assigned_case_reports_its_result_to_the_assigning_office(county):
    case = _assigned_and_replied(county)
    # The reply to the petitioner does not discharge the report owed to the office.
    assert _clock(case, "result_report").status == Clock.RUNNING
    assert "report_result" in _names(county.users["handler"], case)
    case = services.report_result(
        case=case, actor=county.users["handler"], note="已组织维修，信访人表示认可"
    )
    clock = _clock(case, "result_report")
    assert clock.status == Clock.STOPPED and clock.met is True
    event = case.events.get(kind="report_result")
    assert event.citizen_visible is False and event.notice == "result_report"
    notice = Notice.objects.get(event=event)
    assert notice.kind == "result_report" and notice.issuing_body == county.housing
    assert notice.context["addressee"] == county.office.name  # to the assigning office
    assert notice.context["note"] == "已组织维修，信访人表示认可"
    # Reported once: nothing more is owed.
    assert "report_result" not in _names(county.users["handler"], case)
    with pytest.raises(MoveNotAllowed):
        services.report_result(case=case, actor=county.users["handler"])


@time_machine.travel(START, tick=False)
def test_w22_a_transferred_case_owes_no_result_report(county):
    case = replied_appeal(county, decision="explain")
    assert _clock(case, "result_report") is None
    assert "report_result" not in _names(county.users["handler"], case)
    with pytest.raises(MoveNotAllowed):
        services.report_result(case=case, actor=county.users["handler"])


@time_machine.travel(START, tick=False)
def test_w22_only_the_assigned_body_sends_the_report(county):
    case = _assigned_and_replied(county)
    with pytest.raises(PermissionDenied):
        services.report_result(case=case, actor=county.users["land_handler"])


@time_machine.travel(START, tick=False)
def test_w22_x36_an_unreported_result_is_overdue_with_its_ground(county):
    case = _assigned_and_replied(county)
    due = _clock(case, "result_report").due_on
    late = selectors.overdue_for_user(county.users["supervisor"], due + dt.timedelta(days=1))
    row = next(c for c in late if c.case_id == case.pk and c.period == "result_report")
    with translation.override("zh-hans"):
        assert str(row.ground_label) == "未向交办机关报送办结报告"


# ---------------------------------------------------------------------------------------------
# W31: a hearing while handling; only re-review leaves hearing time out (W36)


@time_machine.travel(START, tick=False)
def test_w31_a_hearing_is_recorded_while_handling_on_the_petitioners_timeline(county):
    case = accepted_appeal(county)
    due_before = _clock(case, "handle").due_on
    case = services.record_hearing(
        case=case,
        actor=county.users["handler"],
        held_on=dt.date(2026, 3, 1),
        participants="信访人张三、物业公司代表、社区代表",
        summary="各方确认漏水原因为楼顶防水层老化",
    )
    event = case.events.get(kind="record_hearing")
    assert event.citizen_visible is True
    assert event.extra["held_on"] == "2026-03-01"
    assert event.extra["participants"] == "信访人张三、物业公司代表、社区代表"
    assert event.extra["summary"] == "各方确认漏水原因为楼顶防水层老化"
    # W34 knows no pause: the 60-day handling limit stands.
    clock = _clock(case, "handle")
    assert clock.status == Clock.RUNNING and clock.due_on == due_before
    assert clock.paused_days == 0 and not case.hearing_active
    with translation.override("zh-hans"):
        entries = selectors.timeline_entries(case, for_citizen=True)
        entry = next(e for e in entries if e["kind"] == "record_hearing")
        assert str(entry["words"]) == "已就该事项举行听证。"
        assert entry["note"] == "听证日期：2026-03-01"


@time_machine.travel(START, tick=False)
def test_w31_a_hearing_is_recorded_after_it_was_held_not_before(county):
    case = accepted_appeal(county)
    with pytest.raises(InvalidInput) as info:
        services.record_hearing(
            case=case,
            actor=county.users["handler"],
            held_on=dt.date(2026, 3, 9),
            participants="信访人张三",
            summary="拟召开",
        )
    assert "held_on" in info.value.fields
    with pytest.raises(InvalidInput) as info:
        services.record_hearing(
            case=case,
            actor=county.users["handler"],
            held_on=dt.date(2026, 3, 1),
            participants=" ",
            summary="查明",
        )
    assert "participants" in info.value.fields


@time_machine.travel(START, tick=False)
def test_w31_no_hearing_is_recorded_once_the_case_is_answered(county):
    case = replied_appeal(county)
    with pytest.raises(MoveNotAllowed):
        services.record_hearing(
            case=case,
            actor=county.users["handler"],
            held_on=dt.date(2026, 3, 1),
            participants="张三",
            summary="查明",
        )


# ---------------------------------------------------------------------------------------------
# W28: recusal


@time_machine.travel(START, tick=False)
def test_w28_a_recused_handler_comes_off_the_case_and_cannot_act_on_it(county):
    u = county.users
    case = accepted_appeal(county)
    assert case.handler == u["handler"]
    case = services.recuse(case=case, actor=u["handler"], reason="信访人系本人近亲属")
    assert case.handler is None
    assert Recusal.objects.filter(case=case, person=u["handler"]).exists()
    event = case.events.get(kind="recuse")
    assert event.citizen_visible is False and event.extra["reason"] == "信访人系本人近亲属"
    # Off the case: no move is offered, and none is accepted.
    assert _names(u["handler"], case) == set()
    with pytest.raises(PermissionDenied):
        services.decide(
            case=case, actor=u["handler"], decision="support", facts="属实", reasons="应予维修"
        )
    with pytest.raises(PermissionDenied):
        services.make_move(
            actor=u["handler"],
            number=case.number,
            move="mediate",
            payload={"agreement": "双方同意"},
        )
    # Colleagues carry on.
    case = services.decide(
        case=case, actor=u["handler2"], decision="support", facts="属实", reasons="应予维修"
    )
    assert case.state == "decided"


@time_machine.travel(START, tick=False)
def test_w28_the_head_sets_a_handler_aside_and_may_not_give_them_the_case_again(county):
    u = county.users
    case = register_appeal(county).case
    case = services.transfer(case=case, actor=u["clerk"], body=county.housing)
    case = services.recuse(
        case=case, actor=u["head"], reason="与被反映物业公司有利害关系", person=u["handler"]
    )
    assert Recusal.objects.get(case=case).person == u["handler"]
    with pytest.raises(InvalidInput) as info:
        services.accept(case=case, actor=u["head"], handler=u["handler"])
    assert "handler" in info.value.fields
    case = services.accept(case=case, actor=u["head"], handler=u["handler2"])
    assert case.handler == u["handler2"]


@time_machine.travel(START, tick=False)
def test_w28_only_the_head_sets_someone_else_aside_and_nobody_twice(county):
    u = county.users
    case = accepted_appeal(county)
    with pytest.raises(InvalidInput):
        services.recuse(case=case, actor=u["handler2"], reason="不同意", person=u["handler"])
    services.recuse(case=case, actor=u["handler"], reason="近亲属")
    with pytest.raises(PermissionDenied):
        services.recuse(case=case, actor=u["handler"], reason="再次")
    with pytest.raises(InvalidInput):
        services.recuse(case=case, actor=u["head"], reason="再次", person=u["handler"])


# ---------------------------------------------------------------------------------------------
# W32, W40: a supported decision is carried out; not doing so is a ground for supervision


@time_machine.travel(START, tick=False)
def test_w32_a_supported_decision_gets_a_period_to_be_carried_out(county):
    case = replied_appeal(county, decision="support")
    clock = _clock(case, "carry_out")
    assert clock.status == Clock.RUNNING
    assert clock.started_on == dt.date(2026, 3, 2) and clock.due_on == dt.date(2026, 4, 1)
    explained = replied_appeal(county, decision="explain", title="路灯不亮")
    assert _clock(explained, "carry_out") is None
    assert "record_carried_out" not in _names(county.users["handler"], explained)


@time_machine.travel(START, tick=False)
def test_w32_carrying_out_is_recorded_and_the_petitioner_reads_it(county):
    case = replied_appeal(county, decision="support")
    case = services.record_carried_out(
        case=case, actor=county.users["handler"], account="已完成楼顶防水维修"
    )
    clock = _clock(case, "carry_out")
    assert clock.status == Clock.STOPPED and clock.met is True
    event = case.events.get(kind="record_carried_out")
    assert event.citizen_visible is True and event.extra["account"] == "已完成楼顶防水维修"
    assert case.decision_detail["carried_out"]["account"] == "已完成楼顶防水维修"
    with translation.override("zh-hans"):
        from xinfang.cases import workflow

        assert workflow.citizen_words("record_carried_out") == "支持你的信访请求的处理意见已落实。"
    with pytest.raises(MoveNotAllowed):
        services.record_carried_out(case=case, actor=county.users["handler"], account="再次")


@time_machine.travel(START, tick=False)
def test_w32_w40_not_carrying_out_is_a_supervision_ground_listed_for_supervisors(county):
    case = replied_appeal(county, decision="support")
    day = _clock(case, "carry_out").due_on + dt.timedelta(days=1)
    late = selectors.overdue_for_user(county.users["supervisor"], day)
    row = next(c for c in late if c.case_id == case.pk and c.period == "carry_out")
    with translation.override("zh-hans"):
        assert str(row.ground_label) == "支持的处理意见未落实"
    assert services.flag_overdue(on=day) >= 1
    assert case.events.filter(kind="overdue_flagged", extra__period="carry_out").exists()
    # Once carried out it is no longer listed.
    services.record_carried_out(case=case, actor=county.users["handler"], account="已维修")
    late = selectors.overdue_for_user(county.users["supervisor"], day)
    assert not [c for c in late if c.case_id == case.pk and c.period == "carry_out"]


@time_machine.travel(START, tick=False)
def test_w35_a_review_that_no_longer_supports_ends_the_carrying_out(county):
    u = county.users
    case = replied_appeal(county, decision="support")
    case = services.request_review(case=case, actor=u["clerk"], reasons="不服")
    case = services.decide_review(
        case=case, actor=u["city_handler"], decision="explain", opinion="维持解释说明"
    )
    assert _clock(case, "carry_out").status == Clock.STOPPED
    assert not Clock.objects.filter(case=case, period="carry_out", status=Clock.RUNNING).exists()


@time_machine.travel(START, tick=False)
def test_w40_a_supervision_notice_names_not_carrying_out_as_its_ground(county):
    from xinfang.cases.models import SupervisionNotice

    case = replied_appeal(county, decision="support")
    services.make_move(
        actor=county.users["supervisor"],
        number=case.number,
        move="supervise",
        payload={"grounds": "逾期未完成楼顶维修", "ground": "not_carried_out"},
    )
    notice = SupervisionNotice.objects.get(case=case)
    assert notice.grounds == "支持的处理意见未落实：逾期未完成楼顶维修"
    with pytest.raises(InvalidInput) as info:
        services.make_move(
            actor=county.users["supervisor"],
            number=case.number,
            move="supervise",
            payload={"grounds": "x", "ground": "whatever"},
        )
    assert "ground" in info.value.fields
