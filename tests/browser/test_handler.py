"""A handler accepts a transferred case and asks for an extension, the head approves it; the
handler drafts the decision and the head signs the reply; the citizen downloads the reply PDF
from the track page (W23, W32, W34)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login
from tests.conftest import build_county, register_appeal
from xinfang.cases import services
from xinfang.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _render_now(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def open_case(page, live_server, number: str, queue: str) -> None:
    page.goto(f"{live_server.url}/desk/?queue={queue}")
    page.locator("#inbox-table").get_by_role("link", name=number).click()
    page.wait_for_url(f"**/desk/case/{number}/")


def make_move(page, move: str, fields: dict[str, str] | None = None) -> None:
    box = page.locator(f"#move-{move}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for name, value in (fields or {}).items():
        field = box.locator(f"[name='{move}-{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    box.locator("button[type=submit]").click()
    page.wait_for_selector(".msg.success")


def test_handler_extends_and_replies_and_the_citizen_gets_the_pdf(
    live_server, desktop_page, phone_page, shot
):
    county = build_county()
    reg = register_appeal(county, title="小区拆迁补偿不到位", text="拆迁补偿款至今未发放到位。")
    case = services.transfer(case=reg.case, actor=county.users["clerk"], body=county.housing)
    number = case.number
    page = desktop_page

    # The handler finds it among the new cases, accepts it and asks for more time.
    login(page, live_server, "handler", "pw-handler")
    page.goto(f"{live_server.url}/desk/?queue=new")
    assert number in page.inner_text("#inbox-table")
    # The tabs' counts arrive once the page is shown.
    new_tab = page.locator("#queues a[data-queue=new] .count")
    new_tab.wait_for()
    assert new_tab.inner_text() == "1"
    assert page.locator("#queues a[data-queue=new]").get_attribute("aria-current") == "page"
    shot(page, "1-handler-inbox")
    open_case(page, live_server, number, "new")
    assert page.locator("#parties").inner_text().count("张**") == 1
    make_move(page, "accept")
    assert "已受理办理中" in page.inner_text("#case-head")
    make_move(page, "request_extension", {"days": "20", "reason": "需委托第三方评估补偿标准"})
    assert "已申请延期" in page.inner_text("#case-head")
    assert page.locator("#move-extend").count() == 0  # only the head approves (W34)
    shot(page, "2-handler-case")

    # The head sees it awaiting sign-off and approves the extension.
    login(page, live_server, "head", "pw-head")
    page.goto(f"{live_server.url}/desk/?queue=signoff")
    assert number in page.inner_text("#inbox-table")
    open_case(page, live_server, number, "signoff")
    make_move(page, "extend")
    assert Case.objects.get(number=number).extension_used

    # The handler drafts the decision; the head signs off the reply.
    login(page, live_server, "handler", "pw-handler")
    open_case(page, live_server, number, "all")
    make_move(
        page,
        "decide",
        {
            "decision": "support",
            "facts": "经核实，补偿款因资金拨付延迟未发放。",
            "reasons": "补偿款应依法及时足额发放。",
            "basis": "《国有土地上房屋征收与补偿条例》第二十七条",
        },
    )
    assert "处理意见待签发" in page.inner_text("#case-head")
    login(page, live_server, "head", "pw-head")
    page.goto(f"{live_server.url}/desk/?queue=signoff")
    assert number in page.inner_text("#inbox-table")
    open_case(page, live_server, number, "signoff")
    make_move(page, "reply")
    assert "已答复" in page.inner_text("#case-head")
    page.wait_for_selector("#notices a:has-text('信访处理意见书')")
    shot(page, "3-head-case-replied")

    # The citizen tracks the case and downloads the reply.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/track/")
    page.get_by_label("查询码").fill(reg.tracking_code)
    page.get_by_label("查询密码").fill(reg.query_password)
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_url(f"**/track/{number}/")
    link = page.get_by_role("link", name="信访处理意见书")
    assert link.count() == 1
    shot(page, "4-citizen-track")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    # The same inbox on a phone.
    login(phone_page, live_server, "head", "pw-head")
    phone_page.goto(f"{live_server.url}/desk/")
    assert number in phone_page.inner_text("#inbox-table")
    shot(phone_page, "5-phone-inbox")
    open_case(phone_page, live_server, number, "all")
    shot(phone_page, "6-phone-case")
