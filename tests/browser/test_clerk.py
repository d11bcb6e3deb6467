"""A clerk registers a letter with a scan, checks for repeats and routes it (W17-W22), in chromium."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.utils.timezone import localdate

from tests.browser.conftest import login
from tests.conftest import build_county, register_appeal
from xinfang.cases.models import Case
from xinfang.taxonomy.models import RoutingRule
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy

pytestmark = pytest.mark.browser


def png(width=120, height=80) -> bytes:
    """A small grey page with a dark band, like a scanned letter."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + (b"\x30" if 20 <= y < 28 else b"\xee") * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def clerk_desk(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Registrations reach the look-alike index through the queue after commit.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    county = build_county()
    csv = tmp_path / "taxonomy.csv"
    csv.write_text(
        "level1,level2,level3\n城乡建设,住房保障,物业管理\n城乡建设,住房保障,房屋质量\n",
        encoding="utf-8",
    )
    load_taxonomy(path=csv)
    leaf = leaves().get(name="物业管理")
    RoutingRule.objects.create(category=leaf, division=county.county, body=county.housing)
    return county


def test_clerk_registers_a_letter_with_a_scan_and_routes_it(
    live_server, desktop_page, shot, clerk_desk, tmp_path
):
    county = clerk_desk
    earlier = register_appeal(
        county, title="楼道灯坏了物业不修", text="凤城街道某小区5号楼楼道灯坏了三个月，物业不修。"
    ).case
    scan = tmp_path / "来信第1页.png"
    scan.write_bytes(png())
    page = desktop_page

    login(page, live_server, "clerk", "pw-clerk")
    page.goto(f"{live_server.url}/desk/intake/?channel=letter")
    page.select_option("#id_content_type", "appeal")
    page.fill("#id_title", "楼道灯坏了三个月物业不修")
    page.fill("#id_body", "我住凤城街道某小区5号楼，楼道灯坏了三个月，物业一直不修。")
    page.fill("input[name=category_q]", "物业")
    page.locator("#category-results input[value='010101']").check()
    page.select_option("#id_place", county.county.code)
    page.fill("#id_address", "凤城街道某小区5号楼")
    page.fill("#id_name", "王五")
    page.fill("#id_phone", "13700137000")
    page.set_input_files("#id_files", str(scan))
    shot(page, "1-form")

    page.click("#check-button")
    page.wait_for_url("**/desk/intake/check/**")
    assert earlier.number in page.locator("#lookalikes").inner_text()
    assert "来信第1页.png" in page.content()
    shot(page, "2-check")

    page.click("#save-new")
    page.wait_for_url("**/desk/intake/case/**/receipt/")
    case = Case.objects.exclude(pk=earlier.pk).get()
    assert case.channel == "letter" and case.attachments.count() == 1
    assert page.locator("#tracking-code").inner_text() == case.tracking_code
    page.click("#continue-route")
    page.wait_for_url(f"**/desk/intake/case/{case.number}/")
    # 15 days from today, moved to the next working day when it ends on a rest day (W22).
    due = case.clocks.get(period="route").due_on
    route_clock = page.locator("#route-clock").inner_text()
    assert f"剩余{(due - localdate()).days}天" in route_clock and due.isoformat() in route_clock
    assert county.housing.name in page.locator("#suggestion").inner_text()
    shot(page, "3-route")

    page.select_option("#id_transfer-body", str(county.housing.pk))
    page.fill("#id_transfer-note", "请依法处理并书面告知信访人")
    page.locator("#move-transfer button[type=submit]").click()
    page.wait_for_url("**/desk/intake/list/")
    row = page.locator("tr", has_text=case.number)
    assert "已转送交办" in row.inner_text()
    assert county.housing.name in row.inner_text()
    shot(page, "4-list")
    case.refresh_from_db()
    assert case.holder_body == county.housing


def test_intake_form_on_a_phone(live_server, phone_page, shot, clerk_desk):
    login(phone_page, live_server, "clerk", "pw-clerk")
    phone_page.goto(f"{live_server.url}/desk/intake/?channel=visit")
    assert phone_page.locator("#id_title").is_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
    shot(phone_page, "intake-form")
