"""A clerk takes a 12345 call at the desk: caller's number, call time, work-order number; the
case opens with the hotline's time class running. Then the hotline page with its rates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import login
from tests.conftest import build_county
from xinfang.cases.models import Case, Clock
from xinfang.channels.models import HotlineOrder, HotlinePlatform
from xinfang.orgs.models import Membership

pytestmark = pytest.mark.browser


@pytest.fixture
def hotline_desk(transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    county = build_county()
    HotlinePlatform.objects.create(
        code="hy12345",
        name="海阳12345热线",
        body=county.office,
        account=county.users["clerk"],
        place=county.county,
    )
    return county


def test_clerk_takes_a_hotline_call_at_desk_width(live_server, desktop_page, shot, hotline_desk):
    page = desktop_page
    login(page, live_server, "clerk", "pw-clerk")
    page.click("nav >> text=12345热线")
    page.click("text=接听来电")
    page.wait_for_url("**/desk/hotline/phone/")
    called = timezone.localtime() - dt.timedelta(minutes=20)
    page.fill("#id_order_number", "HY20260302017")
    page.fill("#id_caller_phone", "13900139000")
    page.fill("#id_call_time", called.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_caller_name", "王五")
    page.select_option("#id_urgency", "pressing")
    page.fill("#id_content", "楼下饭店油烟直排，家里窗户都不敢开，请环保部门来查一查。")
    # Every field of the call is in view at desk width without scrolling sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for field in ("#id_order_number", "#id_caller_phone", "#id_call_time"):
        assert page.locator(field).is_visible()
    # The call time is as wide as the fields beside it, a target a finger can hit.
    box = page.locator("#id_call_time").bounding_box()
    assert (
        box["height"] >= 44
        and box["width"] >= page.locator("#id_order_number").bounding_box()["width"] - 1
    )
    shot(page, "phone-form")
    page.click("#phone-intake [type=submit]")
    case = Case.objects.get()
    page.wait_for_url(f"**/desk/case/{case.number}/")
    assert "HY20260302017" in page.content() or case.number in page.content()
    assert case.channel == "hotline"
    assert Clock.objects.filter(case=case, period="hotline_pressing").exists()
    assert HotlineOrder.objects.get().order_number == "HY20260302017"
    shot(page, "case")

    analyst = hotline_desk.users["clerk"].__class__.objects.create_user("analyst", password="pw-a")
    Membership.objects.create(user=analyst, body=hotline_desk.office, role="analyst")
    page.goto(f"{live_server.url}/desk/hotline/")
    page.wait_for_selector("#rate-response")
    assert "HY20260302017" in page.inner_text("#hotline-orders")
    shot(page, "hotline-page")


def test_the_phone_form_fits_a_phone(live_server, phone_page, shot, hotline_desk):
    page = phone_page
    login(page, live_server, "clerk", "pw-clerk")
    page.goto(f"{live_server.url}/desk/hotline/phone/")
    page.wait_for_selector("#phone-intake")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "phone-form-phone")
