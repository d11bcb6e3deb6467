"""Desk pages as staff use them, in chromium at desktop and phone widths: the inbox with its
counts, order and Excel export; the head's sign-off page with the whole draft and the notice;
the visitor's receipt and the case page printed without navigation or controls."""

from __future__ import annotations

import io

import pytest

from tests.browser.conftest import login
from tests.conftest import accepted_appeal, build_county
from xinfang.cases import services
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    county = build_county()
    csv = tmp_path / "taxonomy.csv"
    csv.write_text("level1,level2,level3\n城乡建设,住房保障,物业管理\n", encoding="utf-8")
    load_taxonomy(path=csv)
    county.office.reception_address = "海阳市海阳路1号 人民来访接待中心"
    county.office.reception_phone = "0535-3212345"
    county.office.save()
    return county


def hidden_when_printed(page, selector: str) -> bool:
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).display") == "none"


def test_a_visitor_is_registered_and_takes_a_printed_receipt(
    live_server, desktop_page, shot, county
):
    page = desktop_page
    login(page, live_server, "clerk", "pw-clerk")
    page.goto(f"{live_server.url}/desk/intake/?channel=visit")
    page.select_option("#id_content_type", "appeal")
    page.fill("#id_title", "小区楼顶漏水物业不修")
    page.fill("#id_body", "我家住顶楼，每逢下雨屋顶就漏水，物业一直不修。")
    page.fill("input[name=category_q]", "物业")
    page.locator(f"#category-results input[value='{leaves().get().code}']").check()
    page.select_option("#id_place", county.county.code)
    page.fill("#id_name", "王五")
    page.fill("#id_phone", "13700137000")
    page.click("#check-button")
    page.wait_for_url("**/desk/intake/check/**")
    page.click("#save-new")
    page.wait_for_url("**/receipt/")
    receipt = page.locator("#receipt").inner_text()
    assert "信访事项登记回执" in receipt and "0535-3212345" in receipt
    assert len(page.locator("#query-password").inner_text().strip()) >= 6
    shot(page, "1-receipt-screen")
    page.emulate_media(media="print")
    for selector in (".site-header", ".actions", "#print-receipt", ".site-footer"):
        assert hidden_when_printed(page, selector), selector
    assert not hidden_when_printed(page, "#receipt")
    shot(page, "2-receipt-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    from tests.browser.conftest import ARTIFACTS

    (ARTIFACTS / "receipt.pdf").write_bytes(pdf)


def test_the_head_reads_the_draft_and_notice_and_the_page_prints_clean(
    live_server, desktop_page, phone_page, shot, county
):
    case = accepted_appeal(county)
    case = services.decide(
        case=case,
        actor=county.users["handler"],
        decision="support",
        facts="经现场查看，顶层防水层老化破损，渗漏属实。",
        reasons="物业服务企业应当履行共用部位维修义务。",
        basis="《物业管理条例》第三十五条",
    )
    for page, name in ((desktop_page, "desktop"), (phone_page, "phone")):
        login(page, live_server, "head", "pw-head")
        page.goto(f"{live_server.url}/desk/?queue=signoff")
        count = page.locator("#queues a[data-queue=signoff] .count")
        count.wait_for()  # the tabs' counts arrive once the page is shown
        assert count.inner_text() == "1"
        shot(page, f"1-inbox-{name}")
        page.goto(f"{live_server.url}/desk/case/{case.number}/")
        draft = page.locator("#draft").inner_text()
        assert "顶层防水层老化破损" in draft and "《物业管理条例》第三十五条" in draft
        assert "信访处理意见书" in page.locator("#preview-reply").inner_text()
        shot(page, f"2-signoff-{name}")
    page = desktop_page
    page.emulate_media(media="print")
    for selector in (".site-header", "#moves", "button", "#inbox-filters, .lang"):
        assert hidden_when_printed(page, selector), selector
    assert not hidden_when_printed(page, "#draft")
    shot(page, "3-signoff-print")


def test_the_inbox_exports_what_it_shows(live_server, desktop_page, county):
    accepted_appeal(county)
    page = desktop_page
    login(page, live_server, "handler", "pw-handler")
    page.goto(f"{live_server.url}/desk/?sort=due")
    with page.expect_download() as info:
        page.click("#inbox-export")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    from openpyxl import load_workbook

    with open(download.path(), "rb") as fh:
        rows = list(load_workbook(io.BytesIO(fh.read()), read_only=True).active.values)
    assert rows[0][0] == "事项编号" and len(rows) == 2
