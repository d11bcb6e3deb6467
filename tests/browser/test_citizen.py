"""A citizen in a phone-sized WeChat-style browser: submit, keep the receipt, track, rate (W21, W22);
and a bad submission that shows its errors and keeps what was typed."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TAXONOMY_CSV, build_county
from xinfang.cases import services
from xinfang.cases.models import Case
from xinfang.taxonomy.services import load_taxonomy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def county(transactional_db):
    county = build_county()
    load_taxonomy(path=TAXONOMY_CSV)
    return county


def reply_to(case: Case, county) -> None:
    u = county.users
    case = services.transfer(case=case, actor=u["clerk"], body=county.housing)
    case = services.accept(case=case, actor=u["handler"])
    case = services.decide(
        case=case, actor=u["handler"], decision="support", facts="漏水属实", reasons="物业应当维修"
    )
    services.reply(case=case, actor=u["head"])


def test_citizen_on_a_phone_submits_tracks_and_rates(live_server, county, phone_page, shot):
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_role("link", name="我要信访").first.click()

    page.get_by_label("申诉求决").check()
    page.get_by_label("搜索内容分类").fill("物业")
    page.wait_for_selector("#category-count:has-text('物业')")
    options = page.locator("#id_category option[value]:not([value=''])")
    assert 0 < options.count() <= 20
    page.select_option("#id_category", value=options.first.get_attribute("value"))

    # The cascade starts at the county; choosing the township loads its villages.
    page.get_by_label("乡镇（街道）").select_option(label="留格庄镇")
    page.get_by_label("村（社区）").select_option(label="东村")
    page.get_by_label("详细地址").fill("东村三组")
    page.get_by_label("标题").fill("村里路灯坏了三个月")
    page.get_by_label("事实经过和诉求").fill("东村主路路灯一直不亮，晚上出行不安全，请求尽快维修。")
    page.get_by_label("姓名").fill("李四")
    page.get_by_label("联系电话").fill("13900139000")
    page.get_by_label("我同意将本事项及答复意见隐去个人信息后公开").check()
    shot(page, "1-form")
    with page.expect_request(lambda r: r.method == "POST" and "/submit/" in r.url) as sent:
        page.get_by_role("button", name="提交信访事项").click()
    # Nothing attached: the page sends the form URL-encoded, the lighter body to read.
    assert sent.value.headers["content-type"].startswith("application/x-www-form-urlencoded")

    page.wait_for_url("**/submit/done/")
    code = page.locator("#tracking-code").inner_text().strip()
    password = page.locator("#query-password").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{10}", code) and re.fullmatch(r"\d{10}", password)
    assert page.get_by_role("button", name="打印回执").is_visible()
    shot(page, "2-receipt")
    case = Case.objects.get(tracking_code=code)
    assert case.place.code == "370687101201" and case.channel == "mobile"
    assert case.category is not None and case.public_consent

    # Later, in a fresh visit: the tracking code and the password open the case.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(password)
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_url(f"**/track/{case.number}/")
    assert "您的信访事项已收到并登记" in page.inner_text("main")
    assert "转送交办期限" in page.inner_text("main")
    shot(page, "3-tracked")

    reply_to(case, county)
    page.reload()
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("评价意见（选填）").fill("修好了，谢谢")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=感谢您的评价")
    assert page.locator("#case-rating").inner_text() == "满意"
    shot(page, "4-rated")
    case.refresh_from_db()
    assert case.rating == "satisfied" and case.rating_comment == "修好了，谢谢"


def test_invalid_submission_shows_errors_and_keeps_the_input(live_server, county, phone_page, shot):
    page = phone_page
    page.goto(f"{live_server.url}/submit/")
    page.get_by_label("申诉求决").check()
    page.get_by_label("标题").fill("楼道堆放杂物")
    page.get_by_label("事实经过和诉求").fill("楼道长期堆放杂物，存在消防隐患。")
    page.get_by_label("联系电话").fill("12ab")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}],
    )
    with page.expect_request(lambda r: r.method == "POST" and "/submit/" in r.url) as sent:
        page.get_by_role("button", name="提交信访事项").click()
    assert sent.value.headers["content-type"].startswith("multipart/form-data")

    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    text = summary.inner_text()
    assert "申诉求决类事项须填写信访人姓名" in text
    assert "电话号码格式不正确" in text
    assert "文件类型不受支持" in text
    # What was typed is still there.
    assert page.get_by_label("标题").input_value() == "楼道堆放杂物"
    assert page.get_by_label("事实经过和诉求").input_value() == "楼道长期堆放杂物，存在消防隐患。"
    assert page.get_by_label("申诉求决").is_checked()
    assert page.get_by_label("姓名").get_attribute("aria-invalid") == "true"
    shot(page, "errors")
    # The summary's link takes the keyboard to the field.
    summary.get_by_role("link", name=re.compile("姓名")).click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    assert Case.objects.count() == 0


def test_pages_at_desktop_width(live_server, county, desktop_page, shot):
    page = desktop_page
    for path, name in (
        ("/", "home"),
        ("/submit/", "submit"),
        ("/track/", "track"),
        ("/board/", "board"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").first.is_visible()
        shot(page, name)
