"""The hotline at the desk: the phone intake form (same service as the signed push) and the
page of rates."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.cases import services
from xinfang.cases.models import Case, Clock
from xinfang.channels.models import HotlineOrder
from xinfang.orgs.models import Membership

from .conftest import order_body, push


def call(**extra) -> dict:
    data = {
        "order_number": "DH20260302001",
        "caller_phone": "139 0013 9000",
        "caller_name": "王五",
        "call_time": "2026-03-02T09:40",
        "content_type": "appeal",
        "urgency": "urgent",
        "title": "",
        "content": "楼下饭店油烟直排，家里窗户都不敢开。",
        "address": "海阳市某小区5号楼",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_a_call_taken_at_the_desk_becomes_a_hotline_case(client, county, platform, monday):
    client.force_login(county.users["clerk"])
    page = client.get("/desk/hotline/phone/")
    assert page.status_code == 200
    html = page.content.decode()
    for words in ("来电号码", "来电时间", "工单编号"):
        assert words in html
    r = client.post("/desk/hotline/phone/", call())
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/desk/case/{case.number}/"
    assert (case.channel, case.registering_body) == ("hotline", county.office)
    assert case.parties.get().phone == "13900139000"
    order = HotlineOrder.objects.get()
    assert order.order_number == "DH20260302001"
    assert order.call_time == dt.datetime.fromisoformat("2026-03-02T09:40:00+08:00")
    assert Clock.objects.get(case=case, period="hotline_urgent").due_on == dt.date(2026, 3, 3)
    # The same order number again (a second clerk, or the platform's push) is the same case.
    r = client.post("/desk/hotline/phone/", call())
    assert r.status_code == 302 and Case.objects.count() == 1


@pytest.mark.django_db
def test_the_desk_and_the_push_reach_the_same_order(client, county, platform, monday):
    first = push(client, order_body(order_number="DH1", content="路灯坏了。"))
    client.force_login(county.users["clerk"])
    r = client.post(
        "/desk/hotline/phone/",
        call(
            order_number="DH1",
            caller_name="李四",
            caller_phone="13900139000",
            call_time="2026-03-02T09:30",
            content="路灯坏了。",
            urgency="pressing",
            address="",
            title="",
        ),
    )
    assert r.status_code == 302
    assert r["Location"] == f"/desk/case/{first.json()['case_number']}/"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_mistakes_come_back_on_their_fields_and_keep_the_text(client, county, platform, monday):
    client.force_login(county.users["clerk"])
    r = client.post("/desk/hotline/phone/", call(caller_name="", call_time="2026-03-03T09:00"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "来电时间不能晚于当前时间" in html
    assert "楼下饭店油烟直排" in html
    r = client.post("/desk/hotline/phone/", call(caller_name=""))
    assert "请填写信访人姓名" in r.content.decode()
    # A question may come without a name.
    r = client.post("/desk/hotline/phone/", call(caller_name="", content_type="consultation"))
    assert r.status_code == 302
    assert Case.objects.get().content_type == "consultation"


@pytest.mark.django_db
def test_only_intake_clerks_take_calls(client, county, platform, monday):
    client.force_login(county.users["handler"])
    assert client.get("/desk/hotline/phone/").status_code == 403


@pytest.mark.django_db
def test_the_hotline_page_shows_the_three_rates(client, county, platform, monday):
    out = push(client, order_body()).json()
    case = Case.objects.get(number=out["case_number"])
    u = county.users
    case = services.transfer(case=case, actor=u["clerk"], body=county.housing)
    case = services.accept(case=case, actor=u["handler"])
    case = services.decide(
        case=case, actor=u["handler"], decision="support", facts="属实", reasons="已修复"
    )
    case = services.reply(case=case, actor=u["head"])
    services.record_return_visit(
        case=case,
        actor=u["clerk"],
        means="phone",
        held_on=dt.date(2026, 3, 2),
        view="satisfied",
        solved="no",
        summary="已修复，但还会漏",
    )
    analyst = u["clerk"].__class__.objects.create_user("analyst", password="x")
    Membership.objects.create(user=analyst, body=county.office, role="analyst")
    client.force_login(analyst)
    html = client.get("/desk/hotline/").content.decode()
    assert "响应率" in html and "解决率" in html and "满意率" in html
    assert 'id="rate-response"' in html
    # One order answered on time; one return call: satisfied, not solved.
    assert "100.0%" in html and "0.0%" in html
    assert "GD20260302001" in html
    assert "接听来电" not in html  # an analyst reads, does not take calls
    client.force_login(u["handler"])
    assert client.get("/desk/hotline/").status_code == 403


@pytest.mark.django_db
def test_return_call_and_consultation_answer_from_the_case_page(client, county, platform, monday):
    """The return call is made on the case page of an answered case, and a question is answered
    there directly; the platform is told."""
    client.force_login(county.users["clerk"])
    client.post("/desk/hotline/phone/", call(caller_name="", content_type="consultation"))
    case = Case.objects.get()
    page = client.get(f"/desk/case/{case.number}/").content.decode()
    assert "答复咨询" in page
    url = f"/desk/case/{case.number}/move/"
    r = client.post(
        url + "answer_consultation/",
        {
            "answer_consultation-version": case.version,
            "answer_consultation-answer": "油烟问题请拨打环保热线，已为您转告。",
        },
    )
    assert r.status_code == 302
    case.refresh_from_db()
    page = client.get(f"/desk/case/{case.number}/").content.decode()
    r = client.post(
        url + "record_return_visit/",
        {
            "record_return_visit-version": case.version,
            "record_return_visit-means": "phone",
            "record_return_visit-held_on": "2026-03-02",
            "record_return_visit-view": "satisfied",
            "record_return_visit-solved": "no",
            "record_return_visit-summary": "来电人说答复清楚，但油烟还在",
        },
    )
    assert r.status_code == 302
    order = HotlineOrder.objects.get()
    assert (order.satisfied, order.solved) == (True, False)
    assert [p.status for p in order.pushes.order_by("pk")] == ["received", "replied"]
