"""An analyst filters the statistics, drills down to the cases behind a number and exports
them to Excel, at desktop and phone width; then requests a monthly report and downloads it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook

from tests.browser.conftest import login
from tests.insights.conftest import at, build_month

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/shots-reports")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def _snap(page, shot, name):
    shot(page, name)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _filter_web_november(page):
    if not page.locator("#id_period").is_visible():
        page.locator("#stat-filters summary").click()
    page.select_option("#id_period", "month")
    page.fill("#id_year", "2026")
    page.select_option("#id_month", "11")
    page.select_option("#id_channel", "web")
    page.get_by_role("button", name="查询").click()


def _download(page, link) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_analyst_filters_drills_down_and_exports(
    live_server, desktop_page, phone_page, shot, county, width
):
    month = build_month(county)
    n = {k: v.number for k, v in month.cases.items()}
    page = desktop_page if width == "desktop" else phone_page
    with time_machine.travel(at(2026, 12, 20), tick=True):
        login(page, live_server, "analyst", "pw-analyst")
        page.goto(f"{live_server.url}/desk/statistics/")
        _filter_web_november(page)
        page.wait_for_url("**channel=web**")
        assert page.inner_text("#fig-intake .v") == "3"
        _snap(page, shot, f"1-filtered-{width}")

        name, data = _download(page, page.locator("#export-xlsx"))
        assert name.endswith(".xlsx")
        wb = load_workbook(io.BytesIO(data))
        key = wb.worksheets[0]
        assert key["A2"].value == "统计周期：2026年11月；信访渠道：网上信访"
        assert key["A4"].value == "登记信访件" and key["B4"].value == 3

        page.locator("#fig-intake a.v").click()
        page.wait_for_selector("#figure-cases")
        listed = set(page.locator("#figure-cases td.mono").all_inner_texts())
        assert listed == {n["A"], n["C"], n["F"]}
        _snap(page, shot, f"2-cases-{width}")
        name, data = _download(page, page.locator("#export-xlsx"))
        rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
        assert rows[2][0] == "事项编号"
        assert {r[0] for r in rows[3:]} == listed


def test_analyst_requests_a_monthly_report_and_downloads_it(
    live_server, desktop_page, phone_page, shot, county
):
    build_month(county)
    with time_machine.travel(at(2026, 12, 20), tick=True):
        page = desktop_page
        login(page, live_server, "analyst", "pw-analyst")
        page.goto(f"{live_server.url}/desk/statistics/")
        page.get_by_role("link", name="信访工作月报").click()
        page.wait_for_url("**/desk/reports/")
        page.fill("#rp-year", "2026")
        page.select_option("#rp-month", "11")
        page.get_by_role("button", name="生成月报").click()
        page.wait_for_selector("tr[data-status=done]", timeout=60000)
        _snap(page, shot, "3-reports-desktop")
        name, data = _download(page, page.locator("a.report-pdf").first)
        assert name == "信访工作月报-2026-11.pdf"
        assert data.startswith(b"%PDF")

        phone = phone_page
        login(phone, live_server, "analyst", "pw-analyst")
        phone.goto(f"{live_server.url}/desk/reports/")
        assert "已生成" in phone.inner_text("#reports")
        _snap(phone, shot, "4-reports-phone")
        name, data = _download(phone, phone.locator("a.report-pdf").first)
        assert data.startswith(b"%PDF")
