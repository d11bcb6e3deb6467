"""A citizen books a video slot on a phone; the clerk records the session; the case's timeline
shows it (W18), in chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.browser.conftest import login
from tests.conftest import build_county, register_appeal
from xinfang.reception import services
from xinfang.reception.models import Appointment, DayMode

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-reception")
DAY = dt.date(2026, 3, 4)


@pytest.fixture
def reception_day(transactional_db, settings, time_machine):
    # 09:30 in Beijing on the reception day; the clock runs on.
    time_machine.move_to(dt.datetime(2026, 3, 4, 1, 30, tzinfo=dt.UTC), tick=True)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    county = build_county()
    county.office.reception_phone = "0535-3221234"
    county.office.save()
    county.town_gov.has_video_room = True
    county.town_gov.save()
    day = services.publish_days(
        actor=county.users["clerk"],
        data=services.DayInput(
            office=county.office,
            host=county.office,
            leader=county.users["leader"],
            leader_title="市委书记 王某某",
            day=DAY,
            starts_at=dt.time(14, 30),
            ends_at=dt.time(17, 0),
            mode=DayMode.BOTH,
            capacity=5,
            place="市民中心二楼接待室",
            topics="住房、物业",
            stations=(county.town_gov,),
        ),
    )[0]
    reg = register_appeal(county)
    return county, day, reg


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_citizen_books_video_on_a_phone_and_the_clerk_records_it(
    live_server, phone_page, desktop_page, reception_day
):
    county, day, reg = reception_day
    page = phone_page
    page.goto(live_server.url + "/")
    page.click("#reception-link")
    page.wait_for_selector("#reception-days")
    assert "0535-3221234" in page.content()
    _shot(page, "phone-1-days")
    page.click(f"a[href='/reception/{day.pk}/book/']")
    page.check("input[name=mode][value=video]")
    page.check("input[name=matter][value=case]")
    page.fill("#id_tracking_code", reg.tracking_code)
    page.fill("#id_password", reg.query_password)
    _shot(page, "phone-2-form")
    page.click("form.card button[type=submit]")
    page.wait_for_selector(".just-booked")
    link = page.inner_text("#room-link")
    assert link.startswith("https://meet.jit.si/xf-")
    _shot(page, "phone-3-booked")
    a = Appointment.objects.get(case=reg.case)
    assert a.mode == "video" and a.status == "booked"

    desk = desktop_page
    login(desk, live_server, "clerk", "pw-clerk")
    desk.goto(f"{live_server.url}/desk/reception/")
    desk.wait_for_selector("#reception-days")
    _shot(desk, "desk-0-calendar")
    desk.goto(f"{live_server.url}/desk/reception/day/{day.pk}/")
    assert reg.case.number in desk.content()
    _shot(desk, "desk-1-day")
    desk.click(f"#appointment-{a.pk} h3 a")
    desk.wait_for_selector("#record-form")
    assert desk.inner_text("#room-link") == link
    desk.fill("#id_attendees", "张三（视频）")
    desk.fill("#id_said", "反映顶楼漏水三年未修，物业推诿。")
    desk.fill("#id_decided", "交市住建局十日内派人查看并答复。")
    desk.click("#record-form button[type=submit]")
    desk.wait_for_selector("#record")
    _shot(desk, "desk-2-recorded")
    desk.goto(f"{live_server.url}/desk/case/{reg.case.number}/")
    assert "领导接待日接谈" in desk.content()
    assert "交市住建局十日内派人查看并答复。" in desk.content()
    _shot(desk, "desk-3-case")

    # The petitioner's own timeline shows it too.
    page.goto(f"{live_server.url}/track/{reg.case.number}/")
    assert "您已在领导接待日当面反映" in page.content()
    _shot(page, "phone-4-timeline")
