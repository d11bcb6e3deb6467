"""Excel exports of the statistics pages (desk/tables.py): Chinese headers, the page's figures
as numbers, dates as dates, the filters in the title rows, masked petitioners and never a
protected reporter."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import report_against
from xinfang.insights import backlog, fold
from xinfang.insights.models import BacklogEntry
from xinfang.insights.selectors import StatFilters, statistics, windows
from xinfang.orgs.models import Membership

from .conftest import TODAY, at

NOVEMBER = "period=month&year=2026&month=11"


def _book(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(r.streaming_content)))


def _rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture(autouse=True)
def _december():
    # The pages count "today" as 2026-12-20, and sign-ins are fresh on that day.
    with time_machine.travel(at(2026, 12, 20), tick=False):
        yield


@pytest.fixture
def analyst_client(client, month):
    client.force_login(month.analyst)
    return client


def test_statistics_workbook_holds_the_page_figures_in_chinese(month, analyst_client):
    wb = _book(analyst_client, f"{reverse('desk:statistics_xlsx')}?{NOVEMBER}")
    s = statistics(month.analyst, StatFilters(window=windows.month(2026, 11)), day=TODAY)
    key = wb["主要指标"]
    rows = _rows(key)
    assert rows[0][0] == "主要指标"
    assert rows[1][0] == "统计周期：2026年11月"
    assert rows[2][:2] == ["指标", "数值"]
    figures = {r[0]: r[1] for r in rows[3:]}
    assert figures["登记信访件"] == s.intake.count == 6
    assert figures["按期办结率 (%)"] == s.on_time.value == 90.5
    assert isinstance(figures["平均办理天数"], float)
    channel = _rows(wb["按渠道统计来件"])
    assert channel[2] == ["信访渠道", "件数", "上期", "环比 (%)", "上年同期", "同比 (%)"]
    by_label = {r[0]: r[1:] for r in channel[3:]}
    web = next(r for r in s.by_channel if r.key == "channel:web")
    assert by_label[web.label] == [3, 1, 200.0, 0, None]
    body = _rows(wb["按单位统计的按期办结率"])
    assert {r[0]: (r[1], r[2]) for r in body[3:]} == {
        r.label: (r.whole, r.missed) for r in s.on_time_by_body
    }


def test_filters_are_honoured_and_named_in_the_title_rows(month, analyst_client):
    wb = _book(analyst_client, f"{reverse('desk:statistics_xlsx')}?{NOVEMBER}&channel=web")
    rows = _rows(wb["主要指标"])
    assert rows[1][0] == "统计周期：2026年11月；信访渠道：网上信访"
    assert {r[0]: r[1] for r in rows[3:]}["登记信访件"] == 3  # A C F


def test_drill_down_exports_the_cases_of_the_figure(month, analyst_client):
    url = f"{reverse('desk:statistics_cases_xlsx')}?{NOVEMBER}&figure=intake&key=channel:web"
    ws = _book(analyst_client, url).active
    rows = _rows(ws)
    assert rows[0][0] == "登记信访件"
    assert "分组：channel:web" in rows[1][0]
    assert rows[2][:3] == ["事项编号", "标题", "内容类别"]
    numbers = {r[0] for r in rows[3:]}
    assert numbers == {month.cases[k].number for k in "ACF"}
    # An analyst exports no identities at all.
    assert len(rows[2]) == 12
    # Registration time is a date-time cell, not text.
    assert isinstance(rows[3][11], dt.datetime)


def test_petitioners_are_masked_and_a_reporter_never_appears(month, client):
    c = month.county
    with time_machine.travel(at(2026, 11, 15), tick=False):
        report = report_against(c, c.housing)
    fold.rebuild()
    # An intake clerk who also analyses: may export identities, masked.
    Membership.objects.create(user=c.users["clerk"], body=c.office, role="analyst")
    client.force_login(c.users["clerk"])
    url = f"{reverse('desk:statistics_cases_xlsx')}?{NOVEMBER}&figure=intake"
    rows = _rows(_book(client, url).active)
    assert rows[2][-2:] == ["信访人", "联系电话"]
    by_number = {r[0]: r for r in rows[3:]}
    a = by_number[month.cases["A"].number]
    assert a[-2] != "张三" and a[-2].startswith("张")
    assert "13800138000" not in a[-1]
    flat = repr(rows)
    assert "李四" not in flat and "13900139000" not in flat
    assert by_number[report.number][-2:] == ["（依法保密）", "（依法保密）"]


def test_scorecard_and_backlog_workbooks(month, analyst_client):
    wb = _book(analyst_client, f"{reverse('desk:scorecards_xlsx')}?unit=body&{NOVEMBER}")
    rows = _rows(wb.active)
    assert rows[0][0] == "考核评价"
    assert rows[2][:2] == ["排名", "单位"]
    assert len(rows) > 3
    backlog.flag(day=TODAY)
    wb = _book(analyst_client, f"{reverse('desk:backlog_xlsx')}?show=all")
    rows = _rows(wb.active)
    assert rows[0][0] == "积案台账"
    assert rows[2][:5] == ["事项编号", "标题", "当前承办单位", "列入日期", "列入原因"]
    listed = {r[0]: r for r in rows[3:]}
    entries = BacklogEntry.objects.all()
    assert set(listed) == {e.case.number for e in entries} and listed
    e = entries.first()
    assert listed[e.case.number][3] == dt.datetime.combine(e.flagged_on, dt.time())


def test_each_page_links_its_export_with_the_same_filters(month, analyst_client):
    page = analyst_client.get(f"{reverse('desk:statistics')}?{NOVEMBER}&channel=web")
    cases = analyst_client.get(f"{reverse('desk:statistics_cases')}?{NOVEMBER}&figure=intake")
    query = f"{NOVEMBER}&channel=web".replace("&", "&amp;")
    assert f"statistics.xlsx?{query}" in page.content.decode()
    assert "cases.xlsx?" in cases.content.decode()
    assert "figure=intake" in cases.content.decode().split("cases.xlsx?")[1][:200]


def test_export_needs_the_statistics_page(month, client):
    client.force_login(month.county.users["handler"])
    assert client.get(reverse("desk:statistics_xlsx")).status_code == 403
