"""A work order's life: statuses sent back on moves (with retries), the time classes as clocks,
the return call, the three rates."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error

import pytest

from xinfang.cases import services
from xinfang.cases.models import Case, Clock, PeriodSetting
from xinfang.channels import push as push_module
from xinfang.channels import signing
from xinfang.channels.models import HotlineOrder, StatusPush
from xinfang.channels.rates import hotline_rates
from xinfang.channels.services import OrderInput, receive_order
from xinfang.core.errors import InvalidInput

from .conftest import KEY, MONDAY


def order(number="GD001", urgency="normal", **kw) -> OrderInput:
    fields = dict(
        order_number=number,
        caller_name="李四",
        caller_phone="13900139000",
        call_time=MONDAY - dt.timedelta(minutes=30),
        content="小区门口路灯坏了，请修复。",
        urgency=urgency,
    )
    fields.update(kw)
    return OrderInput(**fields)


@pytest.fixture
def sent(monkeypatch):
    """What reached the platform: (url, payload, headers) of each POST."""
    calls = []

    def post(url, body, headers):
        calls.append((url, json.loads(body), headers, body))

    monkeypatch.setattr(push_module, "post", post)
    return calls


def statuses(case) -> list[tuple[str, str]]:
    return list(
        StatusPush.objects.filter(order__case=case).order_by("pk").values_list("status", "answer")
    )


def answer_the_order(county, case) -> Case:
    case = services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    case = services.accept(case=case, actor=county.users["handler"])
    case = services.decide(
        case=case,
        actor=county.users["handler"],
        decision="support",
        facts="路灯损坏属实。",
        reasons="已安排维修，三日内修复。",
    )
    return services.reply(case=case, actor=county.users["head"])


@pytest.mark.django_db
def test_moves_send_their_status_back_signed(county, platform, monday, sent):
    case = receive_order(platform=platform, order=order()).order.case
    case = answer_the_order(county, case)
    assert statuses(case) == [
        ("received", ""),
        ("accepted", ""),
        ("replied", "支持：已安排维修，三日内修复。"),
    ]
    # Moves the platform is not told of (transfer, decide) send nothing.
    report = push_module.deliver()
    assert report["sent"] == 3
    url, payload, headers, body = sent[-1]
    assert url == "https://hotline.invalid/status"
    assert payload["order_number"] == "GD001" and payload["case_number"] == case.number
    assert payload["status"] == "replied"
    assert signing.verify(
        KEY,
        headers[signing.TIMESTAMP_HEADER],
        body,
        headers[signing.SIGNATURE_HEADER],
        now=MONDAY.timestamp(),
        window=300,
    )
    # Delivered once: a second sweep sends nothing again.
    assert push_module.deliver()["sent"] == 0
    # A consultation is answered at once and then closed: the answer goes with both.
    ask = receive_order(
        platform=platform, order=order(number="GD002", content_type="consultation")
    ).order.case
    ask = services.answer_consultation(
        case=ask, actor=county.users["clerk"], answer="社保卡补办请到市民中心二楼。"
    )
    services.close(case=ask, actor=county.users["clerk"])
    assert statuses(ask) == [
        ("received", ""),
        ("replied", "社保卡补办请到市民中心二楼。"),
        ("closed", "社保卡补办请到市民中心二楼。"),
    ]


@pytest.mark.django_db
def test_a_status_the_platform_did_not_take_is_retried(
    county, platform, monday, monkeypatch, time_machine
):
    receive_order(platform=platform, order=order())
    tries = []

    def flaky(url, body, headers):
        tries.append(1)
        if len(tries) == 1:
            raise urllib.error.URLError("connection refused")

    monkeypatch.setattr(push_module, "post", flaky)
    assert push_module.deliver() == {"sent": 0, "failed": 1, "dead": 0}
    row = StatusPush.objects.get()
    assert (row.delivery, row.attempts) == ("failed", 1)
    assert "connection refused" in row.last_error
    # Not before its backoff has passed.
    assert push_module.deliver()["failed"] == 0 and len(tries) == 1
    time_machine.move_to(MONDAY + dt.timedelta(minutes=2), tick=False)
    assert push_module.deliver()["sent"] == 1
    row.refresh_from_db()
    assert (row.delivery, row.attempts, row.last_error) == ("sent", 2, "")


@pytest.mark.django_db
def test_a_refused_status_is_given_up_and_tries_run_out(county, platform, monday, monkeypatch):
    receive_order(platform=platform, order=order())

    def refused(url, body, headers):
        raise push_module.PermanentFailure("HTTP 400")

    monkeypatch.setattr(push_module, "post", refused)
    assert push_module.deliver()["dead"] == 1
    assert StatusPush.objects.get().delivery == "dead"


@pytest.mark.django_db
def test_a_retried_push_makes_no_second_case_or_status(county, platform, monday, sent):
    first = receive_order(platform=platform, order=order())
    again = receive_order(platform=platform, order=order())
    assert first.created and not again.created
    assert again.order.case_id == first.order.case_id
    assert Case.objects.count() == 1
    assert StatusPush.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "urgency,period,due",
    [
        ("urgent", "hotline_urgent", "2026-03-03"),
        ("pressing", "hotline_pressing", "2026-03-05"),
        ("normal", "hotline_normal", "2026-03-09"),
        ("routine", "hotline_routine", "2026-03-23"),
    ],
)
def test_each_time_class_is_a_working_day_clock(county, platform, monday, urgency, period, due):
    case = receive_order(platform=platform, order=order(urgency=urgency)).order.case
    clock = Clock.objects.get(case=case, period=period)
    assert clock.due_on == dt.date.fromisoformat(due)
    assert clock.unit == "working"


@pytest.mark.django_db
def test_a_time_class_is_configured_in_the_admin_table(county, platform, monday):
    PeriodSetting.objects.create(key="hotline_urgent", days=2, unit="working")
    case = receive_order(platform=platform, order=order(urgency="urgent")).order.case
    assert Clock.objects.get(case=case, period="hotline_urgent").due_on == dt.date(2026, 3, 4)


@pytest.mark.django_db
def test_a_call_logged_late_counts_from_the_day_of_the_call(county, platform, monday):
    friday = dt.datetime.fromisoformat("2026-02-27T16:00:00+08:00")
    case = receive_order(platform=platform, order=order(call_time=friday)).order.case
    clock = Clock.objects.get(case=case, period="hotline_normal")
    # Saturday 28 February 2026 is a working day (made up for the Spring Festival): it counts.
    assert (clock.started_on, clock.due_on) == (dt.date(2026, 2, 27), dt.date(2026, 3, 5))


@pytest.mark.django_db
def test_the_answer_stops_the_time_class_clock(county, platform, monday, sent):
    case = receive_order(platform=platform, order=order(urgency="pressing")).order.case
    answer_the_order(county, case)
    clock = Clock.objects.get(case=case, period="hotline_pressing")
    assert (clock.status, clock.met) == ("stopped", True)


def return_visit(case, actor, view, solved, summary="回访了来电人"):
    return services.record_return_visit(
        case=case,
        actor=actor,
        means="phone",
        held_on=dt.date(2026, 3, 2),
        view=view,
        solved=solved,
        summary=summary,
    )


@pytest.mark.django_db
def test_the_return_visit_records_satisfied_and_solved(county, platform, monday, sent):
    case = answer_the_order(county, receive_order(platform=platform, order=order()).order.case)
    clerk = county.users["clerk"]
    return_visit(case, clerk, "unsatisfied", "yes", summary="修得太慢")
    o = HotlineOrder.objects.get()
    assert (o.satisfied, o.solved, o.returned_at is not None) == (False, True, True)
    # Another call later: the last one counts; 基本满意 counts as satisfied.
    return_visit(case, clerk, "basically", "yes")
    o.refresh_from_db()
    assert (o.satisfied, o.solved) == (True, True)
    # A call nobody answered changes nothing, and cannot say the matter is solved.
    with pytest.raises(InvalidInput):
        return_visit(case, clerk, "no_answer", "no")
    return_visit(case, clerk, "no_answer", "")
    o.refresh_from_db()
    assert (o.satisfied, o.solved) == (True, True)
    # Someone reached is asked whether the matter is solved.
    with pytest.raises(InvalidInput):
        return_visit(case, clerk, "satisfied", "")


@pytest.mark.django_db
@pytest.mark.clocks_set_by_hand
def test_the_three_rates_against_hand_worked_values(county, platform, monday, sent):
    """Five orders: A answered on time, B answered late, C still open past its due date,
    D open and not yet due, E a consultation answered on time. Return calls: A satisfied and
    solved, B not satisfied but solved, E satisfied, not solved.
    响应率 = on time / judged = 2 / 4 (A, E of A, B, C, E); 解决率 = 2 / 3; 满意率 = 2 / 3."""
    made = {
        k: receive_order(platform=platform, order=order(number=k, urgency="urgent")).order.case
        for k in "ABCD"
    }
    made["E"] = receive_order(
        platform=platform, order=order(number="E", content_type="consultation", urgency="urgent")
    ).order.case
    clerk = county.users["clerk"]
    made["A"] = answer_the_order(county, made["A"])
    made["E"] = services.answer_consultation(case=made["E"], actor=clerk, answer="办理地点在三楼。")
    for key, view, solved in (("A", "satisfied", "yes"), ("E", "satisfied", "no")):
        return_visit(made[key], clerk, view, solved)
    # B is answered after its limit has passed.
    Clock.objects.filter(case=made["B"]).update(due_on=dt.date(2026, 2, 27))
    made["B"] = answer_the_order(county, made["B"])
    return_visit(made["B"], clerk, "unsatisfied", "yes")
    Clock.objects.filter(case=made["C"], period="hotline_urgent").update(
        due_on=dt.date(2026, 2, 27)
    )
    rates = hotline_rates(HotlineOrder.objects.all(), day=dt.date(2026, 3, 2))
    assert (rates.orders, rates.judged, rates.responded) == (5, 4, 2)
    assert (rates.called_back, rates.solved, rates.satisfied) == (3, 2, 2)
    assert rates.response_rate == 0.5
    assert rates.solved_rate == pytest.approx(2 / 3)
    assert rates.satisfaction_rate == pytest.approx(2 / 3)
    assert hotline_rates(HotlineOrder.objects.none(), day=dt.date(2026, 3, 2)).response_rate is None
