"""Entering next year's schedule moves the due dates of cases already running into it."""

import datetime as dt

import time_machine
from django.utils import timezone

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.models import Clock
from xinfang.core.models import Holiday
from xinfang.core.selectors import forget_cached_calendars


def test_2027_schedule_moves_a_running_handling_clock(county, django_capture_on_commit_callbacks):
    """W34 + STATUTE "Counting periods": a rest day entered later moves the due date."""
    try:
        with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
            reg = register_appeal(county)
            case = services.transfer(
                case=reg.case, actor=county.users["clerk"], body=county.housing
            )
            services.accept(case=case, actor=county.users["handler"])
        handle = Clock.objects.get(case=reg.case, period="handle")
        # 60 days from 2026-12-01 is Sat 2027-01-30; weekends only: Mon 2027-02-01.
        assert handle.due_on == dt.date(2027, 2, 1)
        unrelated_stopped = Clock.objects.get(case=reg.case, period="route")
        with django_capture_on_commit_callbacks(execute=True):
            Holiday.objects.create(date=dt.date(2027, 2, 1), name="春节（示例）")
        handle.refresh_from_db()
        assert handle.due_on == dt.date(2027, 2, 2)
        with django_capture_on_commit_callbacks(execute=True):
            Holiday.objects.create(date=dt.date(2027, 1, 30), is_workday=True, name="调休上班")
        handle.refresh_from_db()
        assert handle.due_on == dt.date(2027, 1, 30)
        with django_capture_on_commit_callbacks(execute=True):
            Holiday.objects.filter(date=dt.date(2027, 1, 30)).delete()
        handle.refresh_from_db()
        assert handle.due_on == dt.date(2027, 2, 2)
        assert Clock.objects.get(pk=unrelated_stopped.pk).due_on == unrelated_stopped.due_on
    finally:
        forget_cached_calendars()


def test_an_ended_case_keeps_no_clock_running(county):
    """W22/X36: declining an assigned suggestion stops its result-report and feedback clocks."""
    from tests.conftest import register_appeal as reg_

    reg = reg_(county, content_type="suggestion", title="建议增设公交站")
    case = services.assign(
        case=reg.case,
        actor=county.users["clerk"],
        body=county.housing,
        report_due=timezone.localdate() + dt.timedelta(days=20),
    )
    assert {"result_report", "proposal_feedback"} <= set(
        case.clocks.exclude(status=Clock.STOPPED).values_list("period", flat=True)
    )
    services.decline(case=case, actor=county.users["handler"], reason="不属于本部门职责范围")
    assert not Clock.objects.filter(case=reg.case).exclude(status=Clock.STOPPED).exists()


def test_a_reply_stops_the_suggestion_feedback_clock(county):
    """X36 (default): written feedback on a proposal is given by the reply."""
    from tests.conftest import register_appeal as reg_

    u = county.users
    reg = reg_(county, content_type="suggestion", title="建议增设公交站")
    case = services.transfer(case=reg.case, actor=u["clerk"], body=county.housing)
    case = services.accept(case=case, actor=u["handler"])
    case = services.decide(
        case=case, actor=u["handler"], decision="explain", facts="已研究", reasons="纳入明年计划"
    )
    case = services.reply(case=case, actor=u["head"])
    feedback = Clock.objects.get(case=reg.case, period="proposal_feedback")
    assert feedback.status == Clock.STOPPED and feedback.met is True


def test_head_refuses_an_extension_and_the_handler_may_ask_again(county):
    """W34: the extension needs the head's approval; a refusal keeps the 60-day limit."""
    from xinfang.core.errors import MoveNotAllowed

    u = county.users
    from tests.conftest import register_appeal as reg_

    reg = reg_(county)
    case = services.transfer(case=reg.case, actor=u["clerk"], body=county.housing)
    case = services.accept(case=case, actor=u["handler"])
    due = Clock.objects.get(case=reg.case, period="handle").due_on
    case = services.request_extension(case=case, actor=u["handler"], days=20, reason="需鉴定")
    try:
        services.request_extension(case=case, actor=u["handler"], days=25, reason="再申请")
        raise AssertionError("a second request while one is pending must be refused")
    except MoveNotAllowed as exc:
        assert "等待负责人审批" in str(exc)
    case = services.refuse_extension(case=case, actor=u["head"], reason="期限内可以办结")
    assert case.extension_requested is False and case.extension_used is False
    assert Clock.objects.get(case=reg.case, period="handle").due_on == due
    case = services.request_extension(case=case, actor=u["handler"], days=10, reason="补充材料")
    case = services.extend(case=case, actor=u["head"])
    assert Clock.objects.get(case=reg.case, period="handle").due_on > due


def test_a_deadlock_between_two_moves_is_a_clear_conflict(county):
    """Two repeats merged into each other at once: the loser gets the stale-form message, not a
    database error."""
    import psycopg
    import pytest
    from django.db import OperationalError

    from tests.conftest import register_appeal as reg_
    from xinfang.core.errors import StaleVersion

    reg = reg_(county)

    def deadlocked(case, day):
        exc = OperationalError("deadlock detected")
        exc.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
        raise exc

    with pytest.raises(StaleVersion):
        services.transition(
            "transfer", case=reg.case, actor=county.users["clerk"], apply=deadlocked
        )
    reg.case.refresh_from_db()
    assert reg.case.state == "registered" and reg.case.version == 1
