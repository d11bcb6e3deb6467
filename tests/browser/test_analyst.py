"""An analyst opens the statistics of a month, reads the figures and charts at desktop and phone
width, and drills down from a number and from a chart segment to the cases behind them."""

from __future__ import annotations

import pytest
import time_machine

from tests.browser.conftest import login
from tests.insights.conftest import at, build_month

pytestmark = pytest.mark.django_db(transaction=True)

QUERY = "period=month&year=2026&month=11"


def test_analyst_reads_the_statistics_and_drills_down(
    live_server, desktop_page, phone_page, shot, county
):
    month = build_month(county)
    n = {k: v.number for k, v in month.cases.items()}
    errors = []
    with time_machine.travel(at(2026, 12, 20), tick=True):
        page = desktop_page
        page.on(
            "console",
            lambda m: errors.append(f"{m.text} at {m.location}") if m.type == "error" else None,
        )
        login(page, live_server, "analyst", "pw-analyst")
        page.get_by_role("link", name="统计分析").click()
        page.wait_for_url("**/desk/statistics/")
        page.select_option("#id_period", "month")
        page.fill("#id_year", "2026")
        page.select_option("#id_month", "11")
        page.get_by_role("button", name="查询").click()
        page.wait_for_selector("[data-chart=chart-channel] canvas")
        assert page.inner_text("#fig-intake .v") == "6"
        assert "50.0%" in page.inner_text("#fig-online")
        assert "40.0%" in page.inner_text("#fig-satisfaction")  # the rating rate beside it
        shot(page, "1-statistics-desktop")

        # A number opens its cases.
        page.locator("#by-channel").get_by_role("row").filter(has_text="网上").get_by_role(
            "link"
        ).click()
        page.wait_for_selector("#figure-cases")
        listed = set(page.locator("#figure-cases td.mono").all_inner_texts())
        assert listed == {n["A"], n["C"], n["F"]}
        shot(page, "2-web-cases-desktop")

        # A chart segment opens its cases: the township bar chart's bar for 留格庄镇.
        page.go_back()
        chart = page.locator("[data-chart=chart-township]")
        chart.locator("canvas").wait_for()
        box = chart.bounding_box()
        # Two bars, the larger first, spanning the grid: a quarter across, a quarter down.
        chart.click(position={"x": box["width"] / 4, "y": 16 + (box["height"] - 50) / 4})
        page.wait_for_selector("#figure-cases")
        assert "共5件" in page.inner_text("#list-count")

        phone = phone_page
        login(phone, live_server, "analyst", "pw-analyst")
        phone.goto(f"{live_server.url}/desk/statistics/?{QUERY}")
        phone.wait_for_selector("[data-chart=chart-rating] canvas")
        assert phone.inner_text("#fig-intake .v") == "6"
        shot(phone, "3-statistics-phone")
    assert not [e for e in errors if "Content Security Policy" in e], "\n".join(sorted(set(errors)))


def test_leader_publishes_a_scorecard_and_keeps_the_backlog_ledger(
    live_server, desktop_page, phone_page, shot, county
):
    from xinfang.insights import backlog
    from xinfang.insights.models import BacklogEntry

    month = build_month(county)
    with time_machine.travel(at(2026, 12, 20), tick=True):
        backlog.flag(day=at(2026, 12, 20).date())
        page = desktop_page
        login(page, live_server, "leader", "pw-leader")
        page.get_by_role("link", name="考核评价").click()
        page.select_option("#sc-month", "11")
        page.fill("#sc-year", "2026")
        page.get_by_role("button", name="查询").click()
        page.wait_for_selector("#scorecard")
        assert "海阳市住房和城乡建设局" in page.inner_text("#scorecard")
        page.get_by_role("button", name="发布并锁定").click()
        page.wait_for_selector("#locked")
        shot(page, "1-scorecard-desktop")

        page.get_by_role("link", name="积案台账").click()
        h = month.cases["H"]
        entry = page.locator(f"#entry-{BacklogEntry.objects.get(case=h).pk}")
        entry.locator("textarea").fill("督促村委会按月更新公开栏")
        entry.locator("input[type=text]").fill("包村干部")
        entry.locator("select").select_option("resolved")
        entry.get_by_role("button", name="保存").click()
        page.wait_for_selector(".msg.success")
        assert h.number not in page.inner_text("main")  # cleared: off the open list
        shot(page, "2-backlog-desktop")

        phone = phone_page
        login(phone, live_server, "leader", "pw-leader")
        phone.goto(
            f"{live_server.url}/desk/scorecards/?unit=township&period=month&year=2026&month=11"
        )
        assert "留格庄镇" in phone.inner_text("#scorecard")
        shot(phone, "3-scorecard-phone")
        phone.goto(f"{live_server.url}/desk/backlog/")
        shot(phone, "4-backlog-phone")
