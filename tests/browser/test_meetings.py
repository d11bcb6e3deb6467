"""A supervisor convenes a joint meeting, puts a case on the agenda and records a decision; the
responsible body finds it as a task with its deadline in its inbox, on a phone, and reports it
done (W39)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import login
from tests.conftest import accepted_appeal, build_county
from xinfang.core.selectors import work_calendar
from xinfang.core.timeutil import today
from xinfang.reception.models import Task

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-meetings")


def _keep(path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def test_a_joint_meeting_decision_appears_as_a_task_with_its_deadline_in_the_bodys_inbox(
    live_server, desktop_page, phone_page, shot
):
    county = build_county()
    case = accepted_appeal(county, title="老旧小区屋面漏水多年未修")
    due = work_calendar().next_workday(today() + dt.timedelta(days=10))
    days_left = (due - today()).days

    page = desktop_page
    login(page, live_server, "supervisor", "pw-supervisor")
    page.get_by_role("link", name="联席会议").first.click()
    page.wait_for_url("**/desk/meetings/")
    page.fill("[name=title]", "信访工作联席会议（第三次）")
    page.fill("[name=held_on]", today().isoformat())
    page.select_option("[name=convenor]", label="海阳市信访局")
    page.fill("[name=place]", "市政府第一会议室")
    page.get_by_label("海阳市住房和城乡建设局").check()
    page.get_by_label("海阳市自然资源局").check()
    page.get_by_role("button", name="召开").click()
    page.wait_for_url("**/desk/meetings/*/")

    page.select_option("#add-agenda [name=kind]", "backlog")
    page.fill("#add-agenda [name=case_number]", case.number)
    page.locator("#add-agenda").get_by_role("button", name="列入").first.click()
    page.wait_for_selector(f"#agenda >> text={case.number}")

    form = page.locator("#record-decision")
    form.locator("[name=agenda_item]").select_option(index=1)
    form.locator("[name=text]").fill("住建局牵头，限期修复屋面防水并向信访人答复")
    form.locator("[name=body]").select_option(label="海阳市住房和城乡建设局")
    form.locator("[name=measure]").select_option(label="约谈")
    form.locator("[name=due_on]").fill(due.isoformat())
    form.get_by_role("button", name="记录议定事项").click()
    page.wait_for_selector(".msg.success")
    decisions = page.locator("#decisions").inner_text()
    assert "住建局牵头" in decisions and due.isoformat() in decisions
    _keep(shot(page, "1-meeting-desktop"))
    assert Task.objects.get().due_on == due

    phone = phone_page
    login(phone, live_server, "handler", "pw-handler")
    tasks = phone.locator("#tasks")
    text = tasks.inner_text()
    assert "住建局牵头，限期修复屋面防水并向信访人答复" in text
    assert due.isoformat() in text and f"剩{days_left}天" in text
    assert case.number in text and "约谈" in text
    _keep(shot(phone, "2-inbox-task-phone"))

    tasks.locator("textarea[name=report]").fill("已修复屋面防水，并当面答复信访人")
    tasks.get_by_role("button", name="报告办结").click()
    phone.wait_for_selector(".msg.success")
    assert phone.locator("#tasks").count() == 0
    assert Task.objects.get().done_on == today()

    # The meeting page on a phone: the decision now shows as done.
    login(phone, live_server, "supervisor", "pw-supervisor")
    phone.goto(page.url)
    assert "已办结" in phone.locator("#decisions").inner_text()
    _keep(shot(phone, "3-meeting-phone"))
