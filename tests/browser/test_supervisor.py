"""A supervisor sees an overdue case and issues a supervision notice with its own reply date; the
handler answers it on a phone; the supervisor reads the reply (W40, X36)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import login
from tests.conftest import RETOLD_LEAK, build_county, register_appeal
from xinfang.cases import services
from xinfang.cases.models import SupervisionNotice
from xinfang.core.selectors import work_calendar
from xinfang.core.timeutil import as_of, today

pytestmark = pytest.mark.django_db(transaction=True)


def test_supervisor_issues_a_notice_on_an_overdue_case_and_reads_the_answer(
    live_server, desktop_page, phone_page, shot
):
    county = build_county()
    # Accepted 70 days ago: the 60-day handling period (W34) has run out.
    with as_of(dt.datetime.now(dt.UTC) - dt.timedelta(days=70)):
        reg = register_appeal(county, title="小区拆迁补偿不到位", text="拆迁补偿款至今未发放。")
        case = services.transfer(case=reg.case, actor=county.users["clerk"], body=county.housing)
        case = services.accept(case=case, actor=county.users["handler"])
    assert services.flag_overdue() == 1
    number = case.number
    reply_by = work_calendar().next_workday(today() + dt.timedelta(days=7)).isoformat()

    # The supervisor finds it among the overdue cases of the county.
    page = desktop_page
    login(page, live_server, "supervisor", "pw-supervisor")
    page.goto(f"{live_server.url}/desk/supervision/")
    overdue = page.locator("section[aria-labelledby=overdue]")
    assert number in overdue.inner_text() and "已标记超期" in overdue.inner_text()
    shot(page, "1-overdue-desktop")
    overdue.get_by_role("row").filter(has_text=number).get_by_role("link", name="督办").click()
    # The link carries the deadline's ground, which the notice starts from (W40).
    page.wait_for_url(f"**/desk/supervision/{number}/?ground=overdue")

    page.fill("[name=supervise-grounds]", "办理超期，请于期限内报告办理进展和原因")
    page.fill("[name=supervise-due_on]", reply_by)
    page.get_by_role("button", name="下达督办单").click()
    page.wait_for_selector(".msg.success")
    assert "待回复" in page.inner_text("main")
    shot(page, "2-notice-issued-desktop")
    notice = SupervisionNotice.objects.get(case__number=number)
    assert notice.due_on.isoformat() == reply_by and not notice.answered_at

    # The handler sees the notice on the phone and answers it.
    phone = phone_page
    login(phone, live_server, "handler", "pw-handler")
    phone.goto(f"{live_server.url}/desk/supervision/")
    to_answer = phone.locator("section[aria-labelledby=to-answer]")
    assert "办理超期，请于期限内报告办理进展和原因" in to_answer.inner_text()
    shot(phone, "3-to-answer-phone")
    to_answer.get_by_role("link", name="回复").click()
    phone.wait_for_url(f"**/desk/supervision/{number}/")
    phone.fill("[name=answer_supervision-answer]", "已完成现场核查，补偿款将于本周内发放到位")
    phone.get_by_role("button", name="回复督办单").click()
    phone.wait_for_selector(".msg.success")
    shot(phone, "4-answered-phone")
    notice.refresh_from_db()
    assert notice.answered_at is not None

    # The supervisor reads the reply beside the notice.
    page.goto(f"{live_server.url}/desk/supervision/")
    notices = page.locator("section[aria-labelledby=notices]")
    assert "补偿款将于本周内发放到位" in notices.inner_text()
    shot(page, "5-reply-read-desktop")
    login(phone, live_server, "supervisor", "pw-supervisor")
    phone.goto(f"{live_server.url}/desk/supervision/")
    assert (
        "补偿款将于本周内发放到位" in phone.locator("section[aria-labelledby=notices]").inner_text()
    )
    shot(phone, "6-supervision-phone")


def test_supervisor_sees_a_matter_many_people_raise_and_opens_its_typical_case(
    live_server, desktop_page, phone_page, shot
):
    from xinfang.triage.services import reindex_all

    county = build_county()
    for i, (title, text) in enumerate(RETOLD_LEAK):
        person = [services.PartyInput(name=f"居民{i}", phone=f"1390000000{i}")]
        register_appeal(county, title=title, text=text, parties=person)
    register_appeal(county, title="工地拖欠农民工工资", text="包工头拖欠工资三十六万元。")
    reindex_all()

    for page, size in ((desktop_page, "desktop"), (phone_page, "phone")):
        login(page, live_server, "supervisor", "pw-supervisor")
        page.goto(f"{live_server.url}/desk/supervision/")
        hot = page.locator("section[aria-labelledby=hot]")
        assert "多人反映的问题" in hot.inner_text()
        rows = hot.locator("tbody tr")
        rows.first.wait_for()  # the section arrives once the page is shown
        assert rows.count() == 1 and "幸福家园" in rows.first.inner_text()
        hot.scroll_into_view_if_needed()
        shot(page, f"hot-issues-{size}")
    page = desktop_page
    page.locator("section[aria-labelledby=hot] tbody tr a").first.click()
    page.wait_for_url("**/desk/case/**")
    assert "幸福家园" in page.inner_text("main")
    page.goto(f"{live_server.url}/desk/supervision/")
    page.get_by_role("link", name="近 7 天").click()
    page.wait_for_url("**/desk/supervision/?days=7*")
    page.locator("section[aria-labelledby=hot] tbody tr").first.wait_for()
    assert page.locator("section[aria-labelledby=hot] tbody tr").count() == 1
