"""Branch moves of cases/services.py against a real database: routing branches, handling
branches, supervision, leaders and escalation, and publishing. The main path and registration
are in test_services.py, whose builders these tests share.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.cases.steps import D, assert_event, citizen, clock, last_event, on, reload, running
from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.audit import verify_audit_chain
from xinfang.cases.models import Case, CaseEvent, Clock
from xinfang.core import events
from xinfang.core.errors import (
    InvalidInput,
    MoveNotAllowed,
    NotFound,
    PermissionDenied,
)

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
    assert str(exc.value) == "已超过5个工作日的异议期限（《信访工作条例》第二十三条）"


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
