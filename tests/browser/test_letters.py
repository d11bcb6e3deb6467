"""A letter to a leader: the clerk passes it on, the leader reads it on a phone and instructs;
the instruction shows on the case and the body gets the task (W18). A hearing's conclusion shows
beside the decision (W31)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import login
from tests.conftest import accepted_appeal, build_county, register_appeal
from xinfang.cases import services
from xinfang.core.selectors import work_calendar
from xinfang.core.timeutil import today
from xinfang.reception.models import Task

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-meetings")


def _keep(path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def test_a_leader_instructs_on_a_letter_and_a_hearing_conclusion_shows_when_deciding(
    live_server, desktop_page, phone_page, shot
):
    county = build_county()
    case = register_appeal(county, title="致市长的信：小区供暖不热").case
    limit = work_calendar().next_workday(today() + dt.timedelta(days=7))

    page = desktop_page
    login(page, live_server, "clerk", "pw-clerk")
    page.goto(f"{live_server.url}/desk/case/{case.number}/")
    page.locator("#move-address_leader summary").click()
    page.select_option("[name=address_leader-leader]", label="leader")
    page.get_by_role("button", name="呈领导阅批").click()
    page.wait_for_selector("#letter-pending")

    phone = phone_page
    login(phone, live_server, "leader", "pw-leader")
    phone.goto(f"{live_server.url}/desk/letters/")
    assert case.number in phone.locator("#letters-table").inner_text()
    _keep(shot(phone, "1-letters-phone"))
    phone.get_by_role("link", name=case.number).click()
    phone.locator("#move-instruct summary").click()
    phone.fill(
        "[name=instruct-instruction]", "请住建局七日内查明供暖不热原因，答复信访人并报结果。"
    )
    phone.select_option("[name=instruct-body]", label="海阳市住房和城乡建设局")
    phone.fill("[name=instruct-deadline]", limit.isoformat())
    phone.get_by_role("button", name="领导批示").click()
    phone.wait_for_selector("#instruction")
    assert "请住建局七日内" in phone.locator("#instruction").inner_text()
    _keep(shot(phone, "2-instruction-phone"))
    assert Task.objects.get(case=case).due_on == limit

    accepted = accepted_appeal(county)
    accepted = services.start_hearing(
        case=accepted,
        actor=county.users["handler"],
        held_on=today(),
        place="海阳市信访局听证室",
        host="海阳市住建局副局长",
        panel="律师 王某（法律顾问）\n人大代表 李某\n群众代表 邻居赵某",
    )
    services.end_hearing(
        case=accepted,
        actor=county.users["handler"],
        minutes="信访人陈述，物业说明，听证员询问。",
        conclusion="听证员一致认为漏水属实，物业应当维修。",
    )
    login(page, live_server, "handler", "pw-handler")
    page.goto(f"{live_server.url}/desk/case/{accepted.number}/")
    assert "听证员一致认为漏水属实" in page.locator("#hearing").inner_text()
    assert page.locator("#move-decide").count() == 1
    _keep(shot(page, "3-hearing-desktop"))
