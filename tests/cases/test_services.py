"""Every move of cases/services.py against a real database: given a case in a state, when a person
makes the move, then the state, holder, timeline event, clocks and version are what the law says.

Dates are pinned with time_machine on the 2025 calendar, so due dates can be checked by hand:
2025-04-04..06 (清明) and 2025-05-01..05 (劳动节) are official rest days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tests.conftest import County, register_appeal
from xinfang.cases import services
from xinfang.cases.audit import verify_audit_chain
from xinfang.cases.models import Case, CaseEvent, Clock, Party
from xinfang.core import events
from xinfang.core.errors import (
    InvalidInput,
    MoveNotAllowed,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from xinfang.orgs.models import Body, BodyKind, Membership

D = dt.date.fromisoformat


def on(time_machine, day: str) -> None:
    """Move the clock to 10:00 Beijing time on `day`."""
    time_machine.move_to(dt.datetime.fromisoformat(f"{day}T10:00:00+08:00"), tick=False)


def reload(case: Case) -> Case:
    return Case.objects.select_related("holder_body").get(pk=case.pk)


def last_event(case: Case) -> CaseEvent:
    return CaseEvent.objects.filter(case=case).order_by("-seq").first()


def clock(case: Case, period: str) -> Clock:
    """The latest clock of `period` on the case."""
    return Clock.objects.filter(case=case, period=period).order_by("-pk").first()


def running(case: Case) -> dict[str, dt.date]:
    return {
        c.period: c.due_on for c in Clock.objects.filter(case=case).exclude(status=Clock.STOPPED)
    }


def _staff(username: str, body: Body, *roles: str):
    user = get_user_model().objects.create_user(username, password="x", first_name=username)
    for role in roles:
        Membership.objects.create(user=user, body=body, role=role)
    return user


@dataclass
class World:
    county: County
    province_housing: Body
    users: dict

    def __getitem__(self, name: str):
        return self.users[name]


@pytest.fixture
def world(county) -> World:
    """The county, plus a provincial department above the city one so re-review has a superior."""
    province_housing = Body.objects.create(
        name="山东省住房和城乡建设厅", kind=BodyKind.DEPARTMENT, division=county.province
    )
    county.city_housing.parent = province_housing
    county.city_housing.save()
    users = dict(county.users)
    users["province_handler"] = _staff("province_handler", province_housing, "handler")
    users["office_handler"] = _staff("office_handler", county.office, "handler")
    return World(county, province_housing, users)


def citizen(case: Case) -> services.CitizenActor:
    return services.CitizenActor(case_id=case.pk)


# The main path, one step a line: (move, day it is made, how).
Step = tuple[str, str, Callable[[World, Case], Case]]
MAIN_PATH: list[Step] = [
    (
        "transfer",
        "2025-03-03",
        lambda w, c: services.transfer(case=c, actor=w["clerk"], body=w.county.housing),
    ),
    ("accept", "2025-03-03", lambda w, c: services.accept(case=c, actor=w["handler"])),
    (
        "request_extension",
        "2025-03-10",
        lambda w, c: services.request_extension(
            case=c, actor=w["handler"], days=20, reason="需委托第三方检测房屋渗漏原因"
        ),
    ),
    ("extend", "2025-03-10", lambda w, c: services.extend(case=c, actor=w["head"])),
    (
        "decide",
        "2025-04-01",
        lambda w, c: services.decide(
            case=c,
            actor=w["handler"],
            decision="support",
            facts="屋面防水层老化",
            reasons="属于保修范围",
            basis="《物业管理条例》",
        ),
    ),
    ("reply", "2025-04-01", lambda w, c: services.reply(case=c, actor=w["head"])),
    (
        "rate",
        "2025-04-02",
        lambda w, c: services.rate(case=c, actor=citizen(c), rating="unsatisfied"),
    ),
    (
        "request_review",
        "2025-04-07",
        lambda w, c: services.request_review(case=c, actor=citizen(c), reasons="维修方案不合理"),
    ),
    (
        "decide_review",
        "2025-04-20",
        lambda w, c: services.decide_review(
            case=c, actor=w["city_handler"], decision="support", opinion="维持原处理意见"
        ),
    ),
    (
        "request_rereview",
        "2025-04-21",
        lambda w, c: services.request_rereview(case=c, actor=citizen(c), reasons="仍不同意"),
    ),
    (
        "start_hearing",
        "2025-04-22",
        lambda w, c: services.start_hearing(case=c, actor=w["province_handler"]),
    ),
    (
        "end_hearing",
        "2025-04-29",
        lambda w, c: services.end_hearing(case=c, actor=w["province_handler"]),
    ),
    (
        "decide_rereview",
        "2025-05-06",
        lambda w, c: services.decide_rereview(
            case=c, actor=w["province_handler"], decision="explain", opinion="复核维持"
        ),
    ),
    ("close", "2025-05-06", lambda w, c: services.close(case=c, actor=w["province_handler"])),
]
STEP_NAMES = [s[0] for s in MAIN_PATH]


@pytest.fixture
def path(world, time_machine):
    """`path.before(move)`: a case registered on 2025-03-03 and moved along the main path up to
    (not including) `move`, with the clock set to the day that move is made."""

    class Path:
        def register(self, **overrides) -> Case:
            on(time_machine, "2025-03-03")
            return register_appeal(world.county, **overrides).case

        def before(self, move: str, case: Case | None = None) -> Case:
            case = case or self.register()
            for name, day, make in MAIN_PATH:
                on(time_machine, day)
                if name == move:
                    return reload(case)
                case = make(world, case)
            return reload(case)

    return Path()


def assert_event(case: Case, kind: str, *, actor, citizen_visible: bool, notice: str = ""):
    event = last_event(case)
    assert event.kind == kind
    assert event.actor_id == (actor.pk if actor is not None else None)
    assert event.citizen_visible is citizen_visible
    assert event.notice == notice
    return event


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
    assert exc.value.fields["representatives"] == ["多人走访应推选代表，代表人数不超过5人（W20）"]
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
    assert str(exc.value) == "办理期限已延期一次，不能再次延期（W34）"


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
    assert running(case) == {"review_request": D("2025-05-06"), "rating": D("2025-05-06")}
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
    assert running(case) == {"review_decide": D("2025-05-07")}


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
    assert str(exc.value) == "已超过收到处理意见之日起30日的复查申请期限（W35）"
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
    assert running(case) == {"rereview_request": D("2025-05-20"), "rating": D("2025-05-20")}
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
    assert running(case) == {"rereview_decide": D("2025-05-21")}


def test_request_rereview_without_a_superior_is_refused_with_a_reason(path, world):
    world.county.city_housing.parent = None
    world.county.city_housing.save()
    case = path.before("request_rereview")
    with pytest.raises(InvalidInput) as exc:
        services.request_rereview(case=case, actor=citizen(case), reasons="不服")
    assert str(exc.value) == "烟台市住房和城乡建设局没有配置上级单位，无法申请复查（复核）"


def test_start_hearing_w36_pauses_the_rereview_clock(path, world):
    case = path.before("start_hearing")
    case = reload(services.start_hearing(case=case, actor=world["province_handler"]))
    assert case.hearing_active and case.version == 12
    assert_event(case, "start_hearing", actor=world["province_handler"], citizen_visible=True)
    paused = clock(case, "rereview_decide")
    assert (paused.status, paused.paused_since) == (Clock.PAUSED, D("2025-04-22"))
    with pytest.raises(MoveNotAllowed) as exc:
        services.decide_rereview(
            case=case, actor=world["province_handler"], decision="support", opinion="x"
        )
    assert str(exc.value) == "听证正在进行"


def test_end_hearing_w36_hearing_days_do_not_count(path, world):
    case = path.before("end_hearing")
    case = reload(services.end_hearing(case=case, actor=world["province_handler"]))
    assert not case.hearing_active and case.version == 13
    assert last_event(case).extra["paused_days"] == 7
    c = clock(case, "rereview_decide")
    assert (c.status, c.paused_days, c.due_on) == (Clock.RUNNING, 7, D("2025-05-28"))
    with pytest.raises(MoveNotAllowed) as exc:
        services.end_hearing(case=case, actor=world["province_handler"])
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


# ---------------------------------------------------------------------------------------------
# Routing branches


def test_assign_w22_sets_the_result_report_date(path, world):
    case = path.before("transfer")
    # 04-05 is 清明: a date the office sets still ends on a working day.
    case = reload(
        services.assign(
            case=case, actor=world["clerk"], body=world.county.housing, report_due=D("2025-04-05")
        )
    )
    assert (case.state, case.holder_body, case.version) == (
        "transferred",
        world.county.housing,
        2,
    )
    event = assert_event(
        case, "assign", actor=world["clerk"], citizen_visible=True, notice="assign_slip"
    )
    assert event.extra["report_due"] == "2025-04-05"
    report = clock(case, "result_report")
    assert (report.due_on, report.fixed_due) == (D("2025-04-07"), True)
    assert running(case)["accept_notice"] == D("2025-03-18")


def test_assign_w22_without_a_date_uses_the_60_day_default(path, world):
    case = path.before("transfer")
    case = services.assign(case=case, actor=world["clerk"], body=world.county.housing)
    assert clock(case, "result_report").due_on == D("2025-05-06")
    assert clock(case, "result_report").fixed_due is False


def test_assign_refuses_a_report_date_in_the_past(path, world):
    case = path.before("transfer")
    with pytest.raises(InvalidInput) as exc:
        services.assign(
            case=case, actor=world["clerk"], body=world.county.housing, report_due=D("2025-03-01")
        )
    assert exc.value.fields == {"due_on": ["期限不能早于今天"]}
    assert reload(case).state == "registered"


def test_object_remit_w23_within_five_working_days(path, world, time_machine):
    case = path.before("accept")
    on(time_machine, "2025-03-10")  # the 5th working day after 03-03
    with pytest.raises(InvalidInput) as exc:
        services.object_remit(case=case, actor=world["handler"], reason="")
    assert exc.value.fields == {"reason": ["请说明不属于本单位职责的理由"]}
    case = reload(
        services.object_remit(case=case, actor=world["handler"], reason="属于自然资源局职责")
    )
    assert (case.state, case.holder_body, case.version) == (
        "remit_objected",
        world.county.housing,
        3,
    )
    assert_event(case, "object_remit", actor=world["handler"], citizen_visible=False)
    assert clock(case, "remit_objection").met is True
    assert running(case) == {"accept_notice": D("2025-03-18")}


def test_object_remit_w23_refused_after_five_working_days(path, world, time_machine):
    case = path.before("accept")
    on(time_machine, "2025-03-11")
    with pytest.raises(MoveNotAllowed) as exc:
        services.object_remit(case=case, actor=world["handler"], reason="不属于本单位")
    assert str(exc.value) == "已超过5个工作日的异议期限（W23）"


def test_agree_return_w23_only_the_sender_and_the_item_goes_back(path, world, time_machine):
    case = path.before("accept")
    case = services.object_remit(case=case, actor=world["handler"], reason="不属于本单位")
    on(time_machine, "2025-03-05")
    with pytest.raises(PermissionDenied):
        services.agree_return(case=case, actor=world["head"])  # the objecting body itself
    case = reload(services.agree_return(case=case, actor=world["clerk"]))
    assert (case.state, case.holder_body, case.sender_body, case.version) == (
        "registered",
        world.county.office,
        None,
        4,
    )
    event = assert_event(case, "agree_return", actor=world["clerk"], citizen_visible=False)
    assert event.extra["returned_from"] == "海阳市住房和城乡建设局"
    assert running(case) == {"route": D("2025-03-20")}  # a fresh 15 days to route again


def test_reject_objection_w23_w24_keeps_the_item_with_the_body(path, world):
    case = path.before("accept")
    case = services.object_remit(case=case, actor=world["handler"], reason="不属于本单位")
    case = reload(services.reject_objection(case=case, actor=world["clerk"], reason="属于住建职责"))
    assert (case.state, case.holder_body, case.version) == (
        "transferred",
        world.county.housing,
        4,
    )
    assert_event(case, "reject_objection", actor=world["clerk"], citizen_visible=False)
    with pytest.raises(MoveNotAllowed):
        services.reject_objection(case=case, actor=world["clerk"], reason="again")


def test_decline_w23_non_acceptance_notice(path, world):
    case = path.before("accept")
    with pytest.raises(InvalidInput) as exc:
        services.decline(case=case, actor=world["handler"], reason="")
    assert exc.value.fields == {"reason": ["请填写不予受理的理由"]}
    case = reload(services.decline(case=case, actor=world["handler"], reason="已进入诉讼程序"))
    assert (case.state, case.version) == ("not_accepted", 3)
    event = assert_event(
        case,
        "decline",
        actor=world["handler"],
        citizen_visible=True,
        notice="non_acceptance_notice",
    )
    assert event.extra["citizen_note"] == "已进入诉讼程序"
    assert running(case) == {}
    with pytest.raises(MoveNotAllowed):
        services.accept(case=case, actor=world["handler"])


def test_not_reaccept_w36_same_matter_after_rereview(path, world, time_machine):
    final = path.before("close")
    assert final.state == "final"
    on(time_machine, "2025-05-07")
    again = register_appeal(world.county, title="再次反映楼顶漏水").case
    open_one = register_appeal(world.county, title="另一件").case

    with pytest.raises(InvalidInput) as exc:
        services.not_reaccept(
            case=again, actor=world["clerk"], reason="同一事实", final_case=open_one.number
        )
    assert exc.value.fields == {"final_case": ["所引用的事项尚未复核终结"]}

    case = reload(
        services.not_reaccept(
            case=again,
            actor=world["clerk"],
            reason="同一事实和理由已复核终结",
            final_case=final.number,
        )
    )
    assert (case.state, case.version) == ("not_accepted", 2)
    event = assert_event(
        case,
        "not_reaccept",
        actor=world["clerk"],
        citizen_visible=True,
        notice="non_reacceptance_notice",
    )
    assert event.extra["final_case"] == final.number
    assert running(case) == {}


def test_redirect_w31_to_a_statutory_channel(path, world):
    case = path.before("transfer")
    with pytest.raises(InvalidInput) as exc:
        services.redirect_to_legal_channel(case=case, actor=world["clerk"], legal_channel="x")
    assert exc.value.fields == {"legal_channel": ["请选择法定途径"]}
    case = reload(
        services.redirect_to_legal_channel(
            case=case, actor=world["clerk"], legal_channel="arbitration", reason="劳动争议"
        )
    )
    assert (case.state, case.legal_channel, case.version) == ("redirected", "arbitration", 2)
    event = assert_event(
        case,
        "redirect_to_legal_channel",
        actor=world["clerk"],
        citizen_visible=True,
        notice="legal_channel_notice",
    )
    assert event.extra["citizen_note"] == "请通过仲裁途径依法解决"
    assert running(case) == {}


def test_redirect_w31_refused_once_accepted(path, world):
    case = path.before("request_extension")
    with pytest.raises(MoveNotAllowed):
        services.redirect_to_legal_channel(
            case=case, actor=world["handler"], legal_channel="litigation"
        )


def test_merge_repeat_w21_both_timelines_record_it(path, world):
    original = path.before("transfer")
    repeat = register_appeal(world.county, title="楼顶漏水（重复来信）").case
    before_count = original.event_count

    with pytest.raises(InvalidInput) as exc:
        services.merge_repeat(case=repeat, actor=world["clerk"], into=repeat.number)
    assert exc.value.fields == {"into": ["请填写被重复的事项编号"]}

    merged = reload(
        services.merge_repeat(
            case=repeat, actor=world["clerk"], into=original.number, reason="同一人同一事项"
        )
    )
    assert (merged.state, merged.repeat_of_id, merged.version) == ("merged", original.pk, 2)
    event = assert_event(merged, "merge_repeat", actor=world["clerk"], citizen_visible=True)
    assert event.extra["citizen_note"] == f"与事项{original.number}合并办理"

    original = reload(original)
    note = last_event(original)
    assert original.event_count == before_count + 1
    assert (note.kind, note.actor_id, note.citizen_visible) == (
        "repeat_merged",
        world["clerk"].pk,
        False,
    )
    assert note.extra["repeat"] == repeat.number
    # W21: the repeat is kept, queryable and linked, never dropped.
    assert Case.objects.filter(pk=repeat.pk, repeat_of=original).exists()
    assert verify_audit_chain().intact


def test_merge_repeat_refused_into_a_closed_case(path, world, time_machine):
    done = path.before("transfer")
    services.decline(case=done, actor=world["clerk"], reason="不属于信访事项")
    repeat = register_appeal(world.county).case
    with pytest.raises(InvalidInput) as exc:
        services.merge_repeat(case=repeat, actor=world["clerk"], into=done.number)
    assert exc.value.fields == {"into": ["被重复的事项已经办结"]}
    assert reload(repeat).state == "registered"
    assert reload(done).event_count == 2


# ---------------------------------------------------------------------------------------------
# Handling branches


def test_mediate_w33_ends_handling_with_an_agreement(path, world):
    case = path.before("request_extension")
    with pytest.raises(InvalidInput) as exc:
        services.mediate(case=case, actor=world["handler"], agreement="")
    assert exc.value.fields == {"agreement": ["请填写调解协议内容"]}
    case = reload(
        services.mediate(case=case, actor=world["handler"], agreement="物业三日内维修屋面")
    )
    assert (case.state, case.version) == ("mediated", 4)
    assert case.decision_detail["mediation_agreement"] == "物业三日内维修屋面"
    assert_event(
        case, "mediate", actor=world["handler"], citizen_visible=True, notice="mediation_agreement"
    )
    assert running(case) == {"rating": D("2025-04-09")}  # 03-10 + 30
    assert clock(case, "handle").met is True
    with pytest.raises(MoveNotAllowed):
        services.request_review(case=case, actor=citizen(case), reasons="x")


# ---------------------------------------------------------------------------------------------
# Supervision, leaders, escalation (W18, W39, W40)


def test_supervise_w40_and_answer(path, world):
    case = path.before("request_extension")
    with pytest.raises(PermissionDenied):
        services.supervise(case=case, actor=world["handler"], grounds="x")
    with pytest.raises(MoveNotAllowed) as exc:
        services.answer_supervision(case=case, actor=world["handler"], answer="x")
    assert str(exc.value) == "没有待回复的督办单"

    case = reload(services.supervise(case=case, actor=world["supervisor"], grounds="推诿拖延"))
    assert (case.state, case.supervised, case.version) == ("accepted", True, 4)
    assert_event(
        case,
        "supervise",
        actor=world["supervisor"],
        citizen_visible=False,
        notice="supervision_notice",
    )
    assert running(case)["supervision"] == D("2025-03-24")  # 10 working days from 03-10

    with pytest.raises(InvalidInput) as exc:
        services.answer_supervision(case=case, actor=world["handler"], answer="")
    assert exc.value.fields == {"answer": ["请填写督办回复内容"]}
    case = reload(
        services.answer_supervision(case=case, actor=world["handler"], answer="已安排维修")
    )
    assert (case.supervised, case.version) == (False, 5)
    assert_event(case, "answer_supervision", actor=world["handler"], citizen_visible=False)
    assert clock(case, "supervision").met is True
    assert "supervision" not in running(case)


def test_supervise_w40_with_a_date_on_the_notice(path, world):
    case = path.before("request_extension")
    case = services.supervise(
        case=case, actor=world["supervisor"], grounds="逾期未报结果", due_on=D("2025-03-15")
    )  # a Saturday
    c = clock(case, "supervision")
    assert (c.due_on, c.fixed_due) == (D("2025-03-17"), True)


def test_list_supervision_w39_once(path, world):
    case = path.before("request_extension")
    with pytest.raises(PermissionDenied):
        services.list_supervision(case=case, actor=world["clerk"], reason="x")
    case = reload(
        services.list_supervision(case=case, actor=world["leader"], reason="联席会议决定挂牌督办")
    )
    assert case.listed_supervision and case.supervised and case.version == 4
    assert_event(case, "list_supervision", actor=world["leader"], citizen_visible=False)
    with pytest.raises(MoveNotAllowed) as exc:
        services.list_supervision(case=case, actor=world["supervisor"], reason="again")
    assert str(exc.value) == "该事项已挂牌督办"
    assert reload(case).version == 4


def test_assign_leader_w18_needs_all_four_fixed(path, world):
    case = path.before("request_extension")
    with pytest.raises(InvalidInput) as exc:
        services.assign_leader(
            case=case,
            actor=world["leader"],
            level="D",
            leader=None,
            body=None,
            plan=" ",
            deadline=None,
        )
    assert str(exc.value) == "包案信息不完整（定领导、定单位、定方案、定时限）"
    assert set(exc.value.fields) == {"level", "leader", "body", "plan", "deadline"}
    with pytest.raises(InvalidInput) as exc:
        services.assign_leader(
            case=case,
            actor=world["leader"],
            level="A",
            leader=world["leader"],
            body=world.county.housing,
            plan="p",
            deadline=D("2025-03-01"),
        )
    assert exc.value.fields == {"deadline": ["化解时限不能早于今天"]}
    with pytest.raises(PermissionDenied):
        services.assign_leader(
            case=case,
            actor=world["handler"],
            level="A",
            leader=world["leader"],
            body=world.county.housing,
            plan="p",
            deadline=D("2025-04-30"),
        )

    case = reload(
        services.assign_leader(
            case=case,
            actor=world["leader"],
            level="B",
            leader=world["leader"],
            body=world.county.housing,
            plan="召开现场协调会",
            deadline=D("2025-04-30"),
        )
    )
    assert (case.leader_level, case.leader, case.leader_body, case.leader_deadline) == (
        "B",
        world["leader"],
        world.county.housing,
        D("2025-04-30"),
    )
    assert case.leader_plan == "召开现场协调会" and case.version == 4
    event = assert_event(case, "assign_leader", actor=world["leader"], citizen_visible=False)
    assert event.new["leader_level"] == "B"


def test_escalate_w40_to_a_leader(path, world):
    case = path.before("request_extension")
    with pytest.raises(PermissionDenied):
        services.escalate(case=case, actor=world["leader"], reason="x")
    case = reload(services.escalate(case=case, actor=world["supervisor"], reason="部门间推诿"))
    assert case.escalated and case.version == 4
    event = assert_event(case, "escalate", actor=world["supervisor"], citizen_visible=False)
    assert event.old == {"escalated": False} and event.new == {"escalated": True}


def test_escalate_grid_w17_village_to_town_to_county(world, time_machine):
    on(time_machine, "2025-03-03")
    case = register_appeal(
        world.county,
        actor=world["grid"],
        body=world.county.village_committee,
        channel="grid",
        place=world.county.village,
        title="邻里宅基地纠纷",
    ).case
    assert case.number == "XF-370687-20250303-000001"
    assert case.holder_body == world.county.village_committee

    case = reload(services.escalate_grid(case=case, actor=world["grid"], reason="村里调解不成"))
    assert (case.state, case.holder_body, case.sender_body_id, case.version) == (
        "registered",
        world.county.town_gov,
        world.county.village_committee.pk,
        2,
    )
    event = assert_event(case, "escalate_grid", actor=world["grid"], citizen_visible=True)
    assert event.extra["to_body"] == "留格庄镇人民政府"
    with pytest.raises(PermissionDenied):
        services.escalate_grid(case=case, actor=world["grid"], reason="again")

    case = reload(
        services.escalate_grid(case=case, actor=world["town_handler"], reason="镇里协调不成")
    )
    assert (case.holder_body, case.version) == (world.county.office, 3)
    with pytest.raises(MoveNotAllowed) as exc:
        services.escalate_grid(case=case, actor=world["office_handler"], reason="再上报")
    assert str(exc.value) == "已在县级，不能再逐级上报"


def test_escalate_grid_only_for_grid_cases(path, world):
    case = path.before("transfer")
    with pytest.raises(MoveNotAllowed) as exc:
        services.escalate_grid(case=case, actor=world["office_handler"], reason="x")
    assert str(exc.value) == "只有网格上报的事项逐级上报"


def test_unknown_case_number_is_not_found(world):
    with pytest.raises(NotFound):
        services.accept(case="XF-370687-20250303-999999", actor=world["handler"])


# ---------------------------------------------------------------------------------------------
# Publishing: in the transaction, and after commit (DESIGN.md, "Side effects after commit")


@pytest.fixture
def subscriber():
    """Subscribe handlers for one test and always unsubscribe them."""
    added = []

    def add(handler, *, after_commit=False):
        events.subscribe(handler, after_commit=after_commit)
        added.append(handler)

    yield add
    for handler in added:
        events.unsubscribe(handler)


def test_after_commit_subscribers_run_only_after_commit(
    path, world, subscriber, django_capture_on_commit_callbacks
):
    """With the database queue, the move's own transaction writes one task for its event; the
    subscribers run when a worker takes it, never inside the move."""
    from django_tasks_db.models import DBTaskResult

    from xinfang.core import tasks

    case = path.before("accept")
    delivered: list[int] = []
    subscriber(delivered.append, after_commit=True)
    before = set(DBTaskResult.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        services.accept(case=case, actor=world["handler"])
    assert delivered == []  # the move has committed; the worker has not run yet
    (queued,) = DBTaskResult.objects.exclude(pk__in=before)  # one task for the whole move
    assert queued.task_path == "xinfang.core.tasks.after_commit"

    tasks.after_commit.call(*queued.args_kwargs["args"])  # what the worker does
    assert delivered == [last_event(case).pk]


def test_without_the_database_queue_subscribers_wait_for_the_commit(
    path, world, subscriber, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    case = path.before("accept")
    delivered: list[int] = []
    subscriber(delivered.append, after_commit=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.accept(case=case, actor=world["handler"])
    assert delivered == []  # the move returned, but nothing has committed yet
    assert len(callbacks) == 1  # one hand-off for the event, whatever the subscribers

    for callback in callbacks:
        callback()
    assert delivered == [last_event(case).pk]


def test_in_transaction_subscribers_see_the_event_inside_the_move(path, world, subscriber):
    case = path.before("accept")
    seen = []

    def outbox(event):
        seen.append(
            (
                event.kind,
                event.pk,
                connection.in_atomic_block,
                CaseEvent.objects.filter(pk=event.pk).exists(),
            )
        )

    subscriber(outbox)
    services.accept(case=case, actor=world["handler"])
    assert seen == [("accept", last_event(case).pk, True, True)]


def test_a_failing_in_transaction_subscriber_rolls_the_whole_move_back(
    path, world, subscriber, django_capture_on_commit_callbacks
):
    case = path.before("accept")
    delivered: list[int] = []

    def broken_outbox(event):
        raise RuntimeError("outbox unavailable")

    subscriber(broken_outbox)
    subscriber(delivered.append, after_commit=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            services.accept(case=case, actor=world["handler"])

    after = reload(case)
    assert (after.state, after.version, after.handler) == ("transferred", 2, None)
    assert after.event_count == 2 == CaseEvent.objects.filter(case=case).count()
    assert not Clock.objects.filter(case=case, period="handle").exists()
    assert running(after) == {"accept_notice": D("2025-03-18"), "remit_objection": D("2025-03-10")}
    assert callbacks == [] and delivered == []
