"""Printed papers: the registration receipt a visitor or letter writer takes home (tracking
code, the query password this once, date, where to ask, how to follow up), the registration
form (登记表) and the notices such as the 交办单 as pages to print; a print stylesheet that leaves
out navigation and controls. A report's reporter is withheld as everywhere (W30, W46)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.conftest import register_appeal, report_against
from tests.desk.test_intake import form_data, scan  # noqa: F401  the intake desk's form
from xinfang.cases import services
from xinfang.cases.access import case_get_for_citizen
from xinfang.cases.models import Case
from xinfang.documents.models import Notice
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy

TZ = ZoneInfo("Asia/Shanghai")
DAY0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=TZ)  # a Monday


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def desk(county, tmp_path, client):
    csv = tmp_path / "taxonomy.csv"
    csv.write_text("level1,level2,level3\n城乡建设,住房保障,物业管理\n", encoding="utf-8")
    load_taxonomy(path=csv)
    county.leaf = leaves().get(name="物业管理")
    county.office.reception_address = "海阳市海阳路1号 人民来访接待中心"
    county.office.reception_phone = "0535-3212345"
    county.office.save()
    client.force_login(county.users["clerk"])
    return county


def words(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("channel", ["visit", "letter"])
def test_a_visitor_or_letter_writer_gets_a_receipt_with_the_password_once(desk, client, channel):
    with time_machine.travel(DAY0, tick=False):
        data = form_data(desk, channel)
        check = client.post("/desk/intake/", {**data, "files": [scan()]}).url
        saved = client.post(check, {"action": "new"})
        case = Case.objects.get()
        assert saved.url == f"/desk/intake/case/{case.number}/receipt/"
        first = client.get(saved.url)
        again = client.get(saved.url).content.decode()
    assert first["Cache-Control"].startswith("max-age=0") or "no-cache" in first["Cache-Control"]
    page = words(first)
    password = re.search(r'id="query-password">([0-9A-Z]+)<', first.content.decode()).group(1)
    # The password on the receipt is the one that opens the case on the portal.
    assert case_get_for_citizen(case.tracking_code, password) == case
    for shown in (
        "信访事项登记回执",
        case.number,
        case.tracking_code,
        "2026年3月2日 09:30",
        "海阳市海阳路1号 人民来访接待中心",
        "0535-3212345",
        "http://testserver/track/",
        "2026年3月17日前",  # routing within 15 days of receipt
        "《信访工作条例》第二十二条、第二十三条",
        "海阳市信访局",
    ):
        assert shown in page, shown
    assert "W22" not in page
    # Shown once: the password is not kept, a reprint says so.
    assert password not in again and case.tracking_code in again
    assert "仅在登记时显示一次" in again


def test_only_the_registering_office_prints_the_receipt(desk, client):
    case = register_appeal(desk).case
    case = services.transfer(case=case, actor=desk.users["clerk"], body=desk.housing)
    client.force_login(desk.users["handler"])  # sees the case, did not register it
    assert client.get(f"/desk/intake/case/{case.number}/receipt/").status_code in (403, 404)
    client.force_login(desk.users["clerk"])
    assert client.get(f"/desk/intake/case/{case.number}/receipt/").status_code == 200


def test_the_registration_form_holds_what_was_registered(desk, client):
    with time_machine.travel(DAY0, tick=False):
        case = register_appeal(desk, category=desk.leaf).case
    page = words(client.get(f"/desk/case/{case.number}/print/registration/"))
    for shown in (
        "信访事项登记表",
        case.number,
        "2026年3月2日 09:30",
        "城乡建设",
        "小区楼顶漏水无人维修",
        "我家住顶楼，雨天漏水，物业不管。",
        "张*",
        "138****8000",
        "登记人（签名）",
    ):
        assert shown in page, shown
    assert "13800138000" not in page


def test_the_registration_form_of_a_report_withholds_the_reporter(desk, client):
    report = report_against(desk, desk.housing)
    page = words(client.get(f"/desk/case/{report.number}/print/registration/"))
    assert "信访事项登记表" in page and "（依法保密）" in page
    assert "李*" not in page and "139****9000" not in page
    client.force_login(desk.users["handler"])  # the accused body never sees it
    assert client.get(f"/desk/case/{report.number}/print/registration/").status_code == 404
    client.force_login(desk.users["discipline_handler"])
    assert "李*" in words(client.get(f"/desk/case/{report.number}/print/registration/"))


def test_the_assignment_slip_prints_as_a_page(desk, client):
    case = register_appeal(desk).case
    case = services.assign(case=case, actor=desk.users["clerk"], body=desk.housing)
    slip = Notice.objects.get(case=case, kind="assign_slip")
    page = words(client.get(f"/desk/case/{case.number}/notices/{slip.pk}/print/"))
    assert "信访事项交办单" in page and slip.number in page and "海阳市住房和城乡建设局：" in page
    assert "办结报告" in page
    client.force_login(desk.users["land_handler"])
    assert client.get(f"/desk/case/{case.number}/notices/{slip.pk}/print/").status_code == 404


def test_every_page_carries_the_print_stylesheet_that_hides_controls(desk, client):
    from django.contrib.staticfiles import finders

    html = client.get("/desk/").content.decode()
    assert 'href="/static/css/print.css" media="print"' in html
    css = open(finders.find("css/print.css"), encoding="utf-8").read()
    hidden = css.split("{ display: none !important; }")[0]
    for selector in (".site-header", "nav", "button", "form", ".no-print", ".tabs"):
        assert selector in hidden
