"""A supervisor reads an early warning about an issue at desktop and phone width, opens the
cases behind its count, acknowledges it with a note, and later closes it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import login
from tests.insights.alerts.conftest import SMALL, W0, W1, W2, W3, make_categories, register_on
from xinfang.insights import fold
from xinfang.insights.alerts import jobs
from xinfang.insights.models import Alert

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-alerts")


def _keep(path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def test_supervisor_acknowledges_an_alert(
    live_server, desktop_page, phone_page, shot, county, settings
):
    settings.XINFANG = {**settings.XINFANG, "ALERTS": dict(SMALL)}
    leak = make_categories()["leak"]
    register_on(county, W0, category=leak, i=0)
    register_on(county, W1, category=leak, i=1)
    cases = [
        register_on(county, W2 + dt.timedelta(days=i % 5), category=leak, i=2 + i) for i in range(6)
    ]
    fold.rebuild()
    jobs.warn_issues(today=W3, send=False)
    alert = Alert.objects.get()

    page = desktop_page
    login(page, live_server, "supervisor", "pw-supervisor")
    page.get_by_role("link", name="问题预警").click()
    page.wait_for_url("**/desk/alerts/")
    card = page.locator(f"#alert-{alert.pk}")
    assert "留格庄镇 · 房屋质量" in card.inner_text()
    assert "预警线" in card.inner_text() and "待处理" in card.inner_text()
    _keep(shot(page, "1-list-desktop"))
    card.get_by_role("link", name="涉及信访事项：6件").click()
    page.wait_for_selector("#alert-cases")
    listed = set(page.locator("#alert-cases td.mono").all_inner_texts())
    assert listed == {c.number for c in cases}
    page.fill("#alert-note-input", "已通知住建局核查该小区")
    page.get_by_role("button", name="确认收悉").click()
    page.wait_for_selector(".alert-note")
    assert "已确认收悉" in page.inner_text("#alert-facts")
    assert "已通知住建局核查该小区" in page.inner_text("#alert-facts")
    _keep(shot(page, "2-acknowledged-desktop"))
    alert.refresh_from_db()
    assert alert.status == Alert.ACKNOWLEDGED

    page = phone_page
    login(page, live_server, "supervisor", "pw-supervisor")
    page.goto(f"{live_server.url}/desk/alerts/")
    card = page.locator(f"#alert-{alert.pk}")
    assert "已确认收悉" in card.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the list fits the phone's width"
    _keep(shot(page, "3-list-phone"))
    card.get_by_role("link", name="涉及信访事项：6件").click()
    page.wait_for_selector("#alert-cases")
    assert page.locator("#alert-cases td.mono").count() == 6
    page.fill("#alert-note-input", "开发商已统一维修屋面，住户确认")
    page.get_by_role("button", name="关闭预警").click()
    page.wait_for_selector(".alert-status-closed")
    _keep(shot(page, "4-closed-phone"))
    page.locator("#alert-cases td.mono a").first.click()
    page.wait_for_url("**/desk/case/**")
    alert.refresh_from_db()
    assert alert.status == Alert.CLOSED and alert.note.startswith("开发商")
