"""The inbox as a list to work through: counts on the queue tabs, category and place picked by
name, ordering by deadline or registration, and the filtered list exported to Excel with people
in it only where access allows (W30, W46 for reporters)."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from tests.conftest import register_appeal, report_against
from xinfang.cases import services
from xinfang.cases.selectors import InboxFilters, inbox, queue_counts

TZ = ZoneInfo("Asia/Shanghai")
DAY0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=TZ)  # a Monday


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def taxonomy(tmp_path):
    from xinfang.taxonomy.selectors import leaves
    from xinfang.taxonomy.services import load_taxonomy

    csv = tmp_path / "taxonomy.csv"
    csv.write_text(
        "level1,level2,level3\n城乡建设,住房保障,物业管理\n劳动和社会保障,工资福利,拖欠工资\n",
        encoding="utf-8",
    )
    load_taxonomy(path=csv)
    return {c.name: c for c in leaves()}


def to_housing(county, when, **overrides):
    with at(when):
        case = register_appeal(county, **overrides).case
        return services.transfer(case=case, actor=county.users["clerk"], body=county.housing)


def sign_in(client, user):
    client.force_login(user)
    return client


def test_queue_tabs_show_how_many_cases_each_queue_holds(county, client):
    u = county.users
    first = to_housing(county, DAY0)
    to_housing(county, DAY0 + dt.timedelta(hours=1), title="小区停车收费过高")
    with at(DAY0 + dt.timedelta(days=1)):
        services.accept(case=first, actor=u["handler"])
        services.supervise(case=first, actor=u["supervisor"], grounds="久拖不办")
        page = sign_in(client, u["handler"]).get("/desk/?queue=new").content.decode()
        html = client.get("/desk/queue-counts/?queue=new").content.decode()
        counts = queue_counts(u["handler"])
    assert counts["all"] == 2 and counts["new"] == 1 and counts["supervised"] == 1
    # The page shows its tabs at once and asks for their counts when it is shown.
    assert 'data-queue="all"' in page and 'class="count"' not in page
    assert 'hx-get="/desk/queue-counts/?queue=new" hx-trigger="load"' in page
    assert '<span class="count" data-count="2">2</span>' in html
    assert '<span class="count" data-count="1">1</span>' in html
    assert 'data-queue="new" class="current"' in html and "hx-get" not in html
    # The counts follow the filters in force: searching narrows every tab.
    with at(DAY0 + dt.timedelta(days=1)):
        narrowed = queue_counts(u["handler"], InboxFilters(q="停车"))
    assert narrowed["all"] == 1 and narrowed["supervised"] == 0


def test_a_tab_counts_up_to_its_cap_and_then_says_more(county, client, monkeypatch):
    """Counting every case of a county on each page would read them all: past the cap a tab
    reads "N+" and its count stops there."""
    inbox_module = importlib.import_module("xinfang.cases.selectors.inbox")
    monkeypatch.setattr(inbox_module, "COUNT_CAP", 2)
    for hour in range(4):
        to_housing(county, DAY0 + dt.timedelta(hours=hour), title=f"楼道灯不亮{hour}")
    with at(DAY0 + dt.timedelta(days=1)):
        counts = queue_counts(county.users["handler"])
        sign_in(client, county.users["handler"])
        html = client.get("/desk/queue-counts/").content.decode()
    assert counts["all"] == 3 and counts["new"] == 3  # stopped one past the cap
    assert '<span class="count" data-count="3">2+</span>' in html
    with at(DAY0 + dt.timedelta(days=1)):
        narrowed = queue_counts(county.users["handler"], InboxFilters(q="楼道灯不亮1"))
    assert narrowed["all"] == 1


def test_category_and_place_are_picked_by_name(county, client, taxonomy):
    u = county.users
    wages = to_housing(county, DAY0, title="拖欠工资", category=taxonomy["拖欠工资"])
    leak = to_housing(
        county,
        DAY0 + dt.timedelta(hours=1),
        title="小区漏水",
        category=taxonomy["物业管理"],
        place=county.town,
    )
    sign_in(client, u["supervisor"])
    with at(DAY0 + dt.timedelta(days=1)):
        page = client.get("/desk/").content.decode()
        # The pickers read names; codes are only the submitted values.
        assert (
            ">劳动和社会保障（全部）</option>" in page or ">劳动和社会保障 (all)</option>" in page
        )
        assert ">工资福利</option>" in page
        assert "留格庄镇</option>" in page
        town = client.get("/desk/", {"division": county.town.code}).content.decode()
        wages_only = client.get("/desk/", {"category": taxonomy["拖欠工资"].code[:4]})
    assert leak.number in town and wages.number not in town
    body = wages_only.content.decode()
    assert wages.number in body and leak.number not in body


def test_sorting_by_due_date_puts_the_nearest_deadline_first_across_pages(county):
    u = county.users
    old = to_housing(county, DAY0)  # registered first: its 15-day clock ends first
    new = to_housing(county, DAY0 + dt.timedelta(days=3), title="小区停车收费过高")
    with at(DAY0 + dt.timedelta(days=3, hours=1)):
        done = register_appeal(county, title="已办结的事").case  # the office's: no staff clock
        services.accept(case=new, actor=u["handler"])  # 60-day clock: further away
        by_reg = [c.number for c in inbox(u["supervisor"], "all", InboxFilters(), None, 10).items]
        seen, cursor = [], None
        while True:
            page = inbox(u["supervisor"], "all", InboxFilters(sort="due"), cursor, 1)
            seen += [c.number for c in page.items]
            cursor = page.next_cursor
            if not cursor:
                break
    assert by_reg == [done.number, new.number, old.number]
    # old: 15 days to say whether it is accepted (from day 0); done: 15 days to route it (from
    # day 3); new: accepted on day 3, 60 days to handle.
    assert seen == [old.number, done.number, new.number]


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    data = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.values)
    return rows[0], rows[1:]


def test_export_holds_the_filtered_list_with_chinese_headers(county, client):
    u = county.users
    leak = to_housing(county, DAY0, title="小区楼顶漏水")
    lamp = to_housing(county, DAY0 + dt.timedelta(hours=1), title="小区停车收费过高")
    sign_in(client, u["handler"])
    with at(DAY0 + dt.timedelta(days=1)):
        head, rows = _sheet(client.get("/desk/inbox.xlsx", {"q": "停车"}))
        _head, every = _sheet(client.get("/desk/inbox.xlsx", {"sort": "due"}))
    assert head[:3] == ("事项编号", "标题", "内容类别")
    assert "下一办理期限" in head and "剩余天数" in head and "登记时间" in head
    assert [r[0] for r in rows] == [lamp.number]
    # Both are due the same day: the newer one first.
    assert [r[0] for r in every] == [lamp.number, leak.number]
    # The handler works cases: petitioners appear masked, as on the case page.
    assert "信访人" in head
    assert rows[0][head.index("信访人")] == "张**"
    assert "13800138000" not in repr(rows) and "138****8000" in repr(rows)


def test_export_names_nobody_for_roles_without_identity_access(county, client):
    to_housing(county, DAY0)
    sign_in(client, county.users["supervisor"])
    with at(DAY0 + dt.timedelta(days=1)):
        head, rows = _sheet(client.get("/desk/inbox.xlsx"))
    assert len(rows) == 1
    assert "信访人" not in head
    assert "张" not in "".join(str(v) for v in rows[0] if v)


def test_export_never_names_a_reporter_the_user_may_not_see(county, client):
    """W30, W46: the county office that registered a report follows it up, but its export
    withholds the reporter; the discipline body handling it sees the masked name."""
    with at(DAY0):
        report = report_against(county, county.housing)
    sign_in(client, county.users["clerk"])
    with at(DAY0 + dt.timedelta(days=1)):
        head, rows = _sheet(client.get("/desk/inbox.xlsx"))
    row = next(r for r in rows if r[0] == report.number)
    assert row[head.index("信访人")] == "（依法保密）"
    assert "李" not in "".join(str(v) for v in row if v)
    client.force_login(county.users["discipline_handler"])
    with at(DAY0 + dt.timedelta(days=1)):
        head, rows = _sheet(client.get("/desk/inbox.xlsx"))
    assert [r[head.index("信访人")] for r in rows if r[0] == report.number] == ["李**"]
    # The accused body's staff never find the report at all.
    client.force_login(county.users["handler"])
    with at(DAY0 + dt.timedelta(days=1)):
        _head, rows = _sheet(client.get("/desk/inbox.xlsx"))
    assert report.number not in [r[0] for r in rows]


def test_export_needs_a_signed_in_user(client, county):
    response = client.get("/desk/inbox.xlsx")
    assert response.status_code == 302 and "/login" in response["Location"]
