"""Every move of cases/services.py against a real database: given a case in a state, when a person
makes the move, then the state, holder, timeline event, clocks and version are what the law says.

Dates are pinned with time_machine on the 2025 calendar, so due dates can be checked by hand:
2025-04-04..06 (清明) and 2025-05-01..05 (劳动节) are official rest days.
"""

from __future__ import annotations

import pytest

from tests.cases.steps import D, assert_event, citizen, clock, last_event, on, reload, running
from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.audit import verify_audit_chain
from xinfang.cases.models import Case, CaseEvent, Clock, Party
from xinfang.core.errors import (
    InvalidInput,
    MoveNotAllowed,
    PermissionDenied,
    StaleVersion,
)

# ---------------------------------------------------------------------------------------------
# Registration (W17, W19, W20, W21)


def test_register_w21_gives_a_number_a_route_clock_and_the_first_event(world, time_machine):
    on(time_machine, "2025-03-03")
    reg = register_appeal(world.county)
    case = reload(reg.case)

    assert case.number == "XF-370687-20250303-000001"
    assert (case.state, case.holder_body, case.version) == ("registered", world.county.office, 1)
    assert assert_event(case, "register", actor=world["clerk"], citizen_visible=True).seq == 1
    assert running(case) == {"route": D("2025-03-18")}  # W22: 15 days to route
    assert reg.query_password and reg.tracking_code == case.tracking_code
    assert case.parties.get().phone == "13800138000"


def test_register_w20_group_with_six_representatives_is_refused(world):
    reps = [
        services.PartyInput(name=f"代表{i}", phone="13800138000", kind=Party.REPRESENTATIVE)
        for i in range(6)
    ]
    with pytest.raises(InvalidInput) as exc:
        register_appeal(world.county, is_group=True, group_size=40, parties=reps)
    assert exc.value.fields["representatives"] == [
        "多人走访应推选代表，代表人数不超过5人（《信访工作条例》第二十条）"
    ]
    assert not Case.objects.exists()

    case = register_appeal(world.county, is_group=True, group_size=40, parties=reps[:5]).case
    assert case.is_group and case.group_size == 40 and case.parties.count() == 5


def test_register_w19_appeal_without_a_name_is_refused_with_a_field_message(world):
    with pytest.raises(InvalidInput) as exc:
        register_appeal(world.county, parties=[services.PartyInput(phone="13800138000")])
    assert exc.value.fields == {"petitioner.name": ["请填写信访人姓名"]}


def test_register_refused_to_a_body_the_actor_does_not_belong_to(world):
    with pytest.raises(PermissionDenied):
        register_appeal(world.county, actor=world["handler"], body=world.county.office)


# ---------------------------------------------------------------------------------------------
# Main path: register → transfer → accept → ... → close


def test_transfer_w22_sends_to_the_body_and_starts_the_w23_clocks(path, world):
    case = path.before("transfer")
    case = services.transfer(
        case=case, actor=world["clerk"], body=world.county.housing, expected_version=1
    )
    case = reload(case)
    assert (case.state, case.holder_body, case.sender_body_id) == (
        "transferred",
        world.county.housing,
        world.county.office.pk,
    )
    assert case.version == 2
    event = assert_event(
        case, "transfer", actor=world["clerk"], citizen_visible=True, notice="transfer_slip"
    )
    assert event.extra["citizen_note"] == "已转海阳市住房和城乡建设局办理"
    assert running(case) == {
        "accept_notice": D("2025-03-18"),  # W23: 15 days to tell the petitioner
        "remit_objection": D("2025-03-10"),  # W23: 5 working days to object
    }
    assert clock(case, "route").met is True


def test_transfer_refused_to_a_handler_and_from_a_later_state(path, world):
    case = path.before("transfer")
    with pytest.raises(PermissionDenied):
        services.transfer(case=case, actor=world["handler"], body=world.county.land)
    with pytest.raises(InvalidInput) as exc:
        services.transfer(case=case, actor=world["clerk"], body=world.county.office)
    assert exc.value.fields == {"body": ["不能转送给本单位"]}

    case = path.before("accept", case)
    with pytest.raises(MoveNotAllowed) as exc:
        services.transfer(case=case, actor=world["clerk"], body=world.county.land)
    assert str(exc.value) == "事项当前状态为“已转送交办”，不能执行“转送”"


def test_accept_w23_w34_starts_the_60_day_clock_ending_after_the_may_holiday(path, world):
    case = path.before("accept")
    case = reload(services.accept(case=case, actor=world["handler"], expected_version=2))
    assert (case.state, case.handler, case.version) == ("accepted", world["handler"], 3)
    assert_event(
        case, "accept", actor=world["handler"], citizen_visible=True, notice="acceptance_notice"
    )
    # 2025-03-03 + 60 = 05-02, inside 劳动节 (05-01..05): the period ends on 05-06.
    assert running(case) == {"handle": D("2025-05-06")}
    assert clock(case, "accept_notice").met is True


def test_accept_refused_to_the_clerk_and_to_another_body(path, world):
    case = path.before("accept")
    with pytest.raises(PermissionDenied) as exc:
        services.accept(case=case, actor=world["clerk"])
    assert str(exc.value) == "您没有权限对该事项执行“受理”"
    with pytest.raises(PermissionDenied):
        services.accept(case=case, actor=world["land_handler"])
    assert reload(case).version == 2


def test_stale_version_is_refused_with_a_clear_sentence(path, world):
    case = path.before("accept")
    with pytest.raises(StaleVersion) as exc:
        services.accept(case=case, actor=world["handler"], expected_version=1)
    assert str(exc.value) == "该事项已被他人处理，请刷新后查看最新情况再操作"
    assert reload(case).state == "transferred"


def test_request_extension_w34_is_internal_and_leaves_the_clock(path, world):
    case = path.before("request_extension")
    case = reload(
        services.request_extension(
            case=case, actor=world["handler"], days=20, reason="需委托第三方检测"
        )
    )
    assert case.extension_requested and not case.extension_used
    assert (case.state, case.version) == ("accepted", 4)
    event = assert_event(case, "request_extension", actor=world["handler"], citizen_visible=False)
    assert (event.from_state, event.to_state) == ("accepted", "accepted")
    assert event.extra["days"] == 20
    assert running(case) == {"handle": D("2025-05-06")}


def test_request_extension_w34_of_31_days_is_refused_and_nothing_changes(path, world):
    case = path.before("request_extension")
    with pytest.raises(InvalidInput) as exc:
        services.request_extension(case=case, actor=world["handler"], days=31, reason="x")
    assert exc.value.fields == {"days": ["延期天数须在1至30天之间"]}
    with pytest.raises(InvalidInput) as exc:
        services.request_extension(case=case, actor=world["handler"], days=10, reason=" ")
    assert exc.value.fields == {"reason": ["请说明延期理由"]}
    after = reload(case)
    assert (after.version, after.extension_requested, after.event_count) == (3, False, 3)


def test_extend_w34_head_approves_and_the_petitioner_is_told(path, world):
    case = path.before("extend")
    with pytest.raises(PermissionDenied):
        services.extend(case=case, actor=world["handler"])
    case = reload(services.extend(case=case, actor=world["head"]))
    assert case.extension_used and not case.extension_requested
    assert case.version == 5
    event = assert_event(
        case, "extend", actor=world["head"], citizen_visible=True, notice="extension_notice"
    )
    assert event.extra["reason"] == "需委托第三方检测房屋渗漏原因"
    assert running(case) == {"handle": D("2025-05-22")}  # 60 + 20 days from 03-03


def test_extend_w34_only_once(path, world):
    case = path.before("decide")
    with pytest.raises(MoveNotAllowed) as exc:
        services.request_extension(case=case, actor=world["handler"], days=5, reason="再延")
    assert str(exc.value) == "办理期限已延期一次，不能再次延期（《信访工作条例》第三十四条）"


def test_extend_needs_a_request_first(path, world):
    case = path.before("request_extension")
    with pytest.raises(MoveNotAllowed) as exc:
        services.extend(case=case, actor=world["head"], days=10, reason="x")
    assert str(exc.value) == "承办人尚未提出延期申请"


def test_decide_w32_drafts_the_written_decision(path, world):
    case = path.before("decide")
    with pytest.raises(InvalidInput) as exc:
        services.decide(case=case, actor=world["handler"], decision="", facts="f", reasons="r")
    assert exc.value.fields == {"decision": ["请选择处理意见"]}
    with pytest.raises(InvalidInput) as exc:
        services.decide(
            case=case, actor=world["handler"], decision="support", facts="", reasons="r"
        )
    assert exc.value.fields == {"facts": ["请填写查明的事实"]}

    case = reload(
        services.decide(
            case=case,
            actor=world["handler"],
            decision="reject",
            facts="已维修",
            reasons="无新情况",
            basis="无",
        )
    )
    assert (case.state, case.decision, case.version) == ("decided", "reject", 6)
    assert case.decision_detail["request"] == case.title
    assert_event(case, "decide", actor=world["handler"], citizen_visible=False)
    assert running(case) == {"handle": D("2025-05-22")}  # still running until the reply


def test_decide_refused_before_acceptance(path, world):
    case = path.before("accept")
    with pytest.raises(MoveNotAllowed) as exc:
        services.decide(
            case=case, actor=world["handler"], decision="support", facts="f", reasons="r"
        )
    assert str(exc.value) == "事项当前状态为“已转送交办”，不能执行“拟定处理意见”"


def test_reply_w32_w35_head_signs_and_the_review_window_opens(path, world):
    case = path.before("reply")
    with pytest.raises(PermissionDenied):
        services.reply(case=case, actor=world["handler"])
    case = reload(services.reply(case=case, actor=world["head"]))
    assert (case.state, case.version) == ("replied", 7)
    assert case.decision_detail["replied_on"] == "2025-04-01"
    assert_event(case, "reply", actor=world["head"], citizen_visible=True, notice="reply_opinion")
    # 04-01 + 30 = 05-01, a holiday: both windows end on 05-06.
    # Supported (W32): it is to be carried out within 30 days, also ending on 05-06.
    assert running(case) == {
        "review_request": D("2025-05-06"),
        "rating": D("2025-05-06"),
        "carry_out": D("2025-05-06"),
    }
    handle = clock(case, "handle")
    assert (handle.status, handle.stopped_on, handle.met) == (
        Clock.STOPPED,
        D("2025-04-01"),
        True,
    )


def test_rate_w22_by_the_petitioner_once(path, world):
    case = path.before("rate")
    with pytest.raises(PermissionDenied):
        services.rate(
            case=case, actor=services.CitizenActor(case_id=case.pk + 999), rating="satisfied"
        )
    with pytest.raises(InvalidInput) as exc:
        services.rate(case=case, actor=citizen(case), rating="great")
    assert exc.value.fields == {"rating": ["请选择评价"]}

    case = reload(services.rate(case=case, actor=citizen(case), rating="basically"))
    assert (case.state, case.rating, case.version) == ("replied", "basically", 8)
    event = assert_event(case, "rate", actor=None, citizen_visible=True)
    assert event.actor_label == "信访人"
    assert clock(case, "rating").status == Clock.STOPPED
    with pytest.raises(MoveNotAllowed) as exc:
        services.rate(case=case, actor=citizen(case), rating="satisfied")
    assert str(exc.value) == "已经评价过"


def test_request_review_w35_goes_to_the_superior_of_the_deciding_body(path, world):
    case = path.before("request_review")
    case = reload(services.request_review(case=case, actor=citizen(case), reasons="不服"))
    assert (case.state, case.holder_body, case.sender_body_id, case.handler) == (
        "under_review",
        world.county.city_housing,
        world.county.housing.pk,
        None,
    )
    assert case.version == 9
    event = assert_event(case, "request_review", actor=None, citizen_visible=True)
    assert event.extra["to_body"] == "烟台市住房和城乡建设局"
    # The supported decision is still to be carried out while the review runs (W32).
    assert running(case) == {"review_decide": D("2025-05-07"), "carry_out": D("2025-05-06")}


def test_request_review_w35_on_the_last_day_of_the_window(path, world, time_machine):
    case = path.before("rate")
    on(time_machine, "2025-05-06")
    case = services.request_review(case=case, actor=world["clerk"], reasons="来访申请复查")
    assert reload(case).state == "under_review"


def test_request_review_w35_refused_after_30_days(path, world, time_machine):
    case = path.before("rate")
    on(time_machine, "2025-05-07")
    with pytest.raises(MoveNotAllowed) as exc:
        services.request_review(case=case, actor=citizen(case), reasons="不服")
    assert (
        str(exc.value) == "已超过收到处理意见之日起30日的复查申请期限（《信访工作条例》第三十五条）"
    )
    assert reload(case).state == "replied"


def test_decide_review_w35_by_the_superior_body(path, world):
    case = path.before("decide_review")
    with pytest.raises(PermissionDenied):
        services.decide_review(case=case, actor=world["handler"], decision="support", opinion="x")
    case = reload(
        services.decide_review(
            case=case, actor=world["city_handler"], decision="support", opinion="维持"
        )
    )
    assert (case.state, case.holder_body, case.version) == (
        "review_decided",
        world.county.city_housing,
        10,
    )
    assert case.rating == ""  # a new opinion is rated afresh
    assert_event(
        case,
        "decide_review",
        actor=world["city_handler"],
        citizen_visible=True,
        notice="review_opinion",
    )
    # The review supports the request: its carrying out is counted afresh (W32).
    assert running(case) == {
        "rereview_request": D("2025-05-20"),
        "rating": D("2025-05-20"),
        "carry_out": D("2025-05-20"),
    }
    assert clock(case, "review_decide").met is True


def test_request_rereview_w36_goes_one_level_further_up(path, world):
    case = path.before("request_rereview")
    case = reload(services.request_rereview(case=case, actor=citizen(case), reasons="不服"))
    assert (case.state, case.holder_body, case.version) == (
        "under_rereview",
        world.province_housing,
        11,
    )
    assert_event(case, "request_rereview", actor=None, citizen_visible=True)
    assert running(case) == {"rereview_decide": D("2025-05-21"), "carry_out": D("2025-05-20")}


def test_request_rereview_without_a_superior_is_refused_with_a_reason(path, world):
    world.county.city_housing.parent = None
    world.county.city_housing.save()
    case = path.before("request_rereview")
    with pytest.raises(InvalidInput) as exc:
        services.request_rereview(case=case, actor=citizen(case), reasons="不服")
    assert str(exc.value) == "烟台市住房和城乡建设局没有配置上级单位，无法申请复查（复核）"


def test_start_hearing_w36_pauses_the_rereview_clock(path, world):
    case = path.before("start_hearing")
    case = reload(
        services.start_hearing(
            case=case,
            actor=world["province_handler"],
            held_on=D("2025-04-25"),
            place="听证室",
            host="副局长",
            panel="律师 王某\n人大代表 李某",
        )
    )
    assert case.hearing_active and case.version == 12
    assert_event(
        case,
        "start_hearing",
        actor=world["province_handler"],
        citizen_visible=True,
        notice="hearing_notice",
    )
    paused = clock(case, "rereview_decide")
    assert (paused.status, paused.paused_since) == (Clock.PAUSED, D("2025-04-22"))
    with pytest.raises(MoveNotAllowed) as exc:
        services.decide_rereview(
            case=case, actor=world["province_handler"], decision="support", opinion="x"
        )
    assert str(exc.value) == "听证正在进行"


def test_end_hearing_w36_hearing_days_do_not_count(path, world):
    case = path.before("end_hearing")
    case = reload(
        services.end_hearing(
            case=case, actor=world["province_handler"], minutes="各方陈述", conclusion="维持"
        )
    )
    assert not case.hearing_active and case.version == 13
    assert last_event(case).extra["paused_days"] == 7
    c = clock(case, "rereview_decide")
    assert (c.status, c.paused_days, c.due_on) == (Clock.RUNNING, 7, D("2025-05-28"))
    with pytest.raises(MoveNotAllowed) as exc:
        services.end_hearing(
            case=case, actor=world["province_handler"], minutes="再次", conclusion="再次"
        )
    assert str(exc.value) == "当前没有进行中的听证"


def test_decide_rereview_w36_is_final(path, world):
    case = path.before("decide_rereview")
    case = reload(
        services.decide_rereview(
            case=case, actor=world["province_handler"], decision="explain", opinion="复核维持"
        )
    )
    assert (case.state, case.decision, case.version) == ("final", "explain", 14)
    assert_event(
        case,
        "decide_rereview",
        actor=world["province_handler"],
        citizen_visible=True,
        notice="rereview_opinion",
    )
    assert running(case) == {"rating": D("2025-06-05")}
    assert clock(case, "rereview_decide").met is True


def test_close_w36_archives_and_stops_every_clock(path, world):
    case = path.before("close")
    with pytest.raises(PermissionDenied):
        services.close(case=case, actor=world["clerk"])  # the county office is below the holder
    # The petitioner keeps the chance to rate the final answer before the case is archived.
    with pytest.raises(MoveNotAllowed, match="评价期限未满"):
        services.close(case=case, actor=world["province_handler"])
    services.rate(case=case, actor=citizen(case), rating="unsatisfied")
    case = reload(services.close(case=case, actor=world["province_handler"], note="归档"))
    assert (case.state, case.version) == ("closed", 16)
    assert case.closed_at is not None
    assert_event(case, "close", actor=world["province_handler"], citizen_visible=True)
    assert running(case) == {}
    assert case.event_count == 16 == CaseEvent.objects.filter(case=case).count()
    assert verify_audit_chain().intact


def test_close_refused_while_the_review_window_is_open_and_unrated(path, world):
    """W35/W36: a replied case stays open while the petitioner may still ask for review."""
    case = path.before("rate")
    with pytest.raises(MoveNotAllowed) as exc:
        services.close(case=case, actor=world["head"])
    assert str(exc.value) == "申请复查（复核）期限未满，且信访人未表示满意，暂不能办结"
    services.rate(case=case, actor=citizen(case), rating="satisfied")
    assert reload(services.close(case=case, actor=world["head"])).state == "closed"
