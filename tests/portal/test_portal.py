"""Citizen portal pages with Django's test client: submit, receipt, track, rate, review (W19, W21,
W22, W35, W36), the public board, and the pages in English."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import TAXONOMY_CSV, register_appeal, replied_appeal
from xinfang.cases import services
from xinfang.cases.models import Attachment, Case
from xinfang.orgs.models import Body, BodyKind
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def portal(county):
    load_taxonomy(path=TAXONOMY_CSV)
    return county


def form_data(county, **overrides):
    leaf = leaves().filter(full_name__contains="物业").first()
    data = {
        "content_type": "appeal",
        "category": leaf.code,
        "division_code": ["370000", "370600", "370687", "370687101"],
        "address": "留格庄镇幸福小区3号楼",
        "title": "小区楼顶漏水无人维修",
        "body": "我家住顶楼，雨天漏水，物业一直不管。请求督促维修。",
        "name": "王小明",
        "phone": "13912345678",
        "id_number": "",
        "email": "",
        "contact_address": "",
        "public_consent": "on",
    }
    data.update(overrides)
    return data


def submit(client, county, **overrides):
    return client.post("/submit/", form_data(county, **overrides))


def receipt_of(client) -> dict:
    page = client.get("/submit/done/").content.decode()
    code = re.search(r'id="tracking-code">(\w+)<', page).group(1)
    password = re.search(r'id="query-password">(\d+)<', page).group(1)
    number = re.search(r'id="case-number">([\w-]+)<', page).group(1)
    return {"code": code, "password": password, "number": number}


def replied(case: Case, county) -> Case:
    return replied_appeal(county, case, facts="经查，王小明反映楼顶漏水属实，联系电话13912345678。")


def track(client, code, password):
    return client.post("/track/", {"tracking_code": code, "password": password})


def on(time_machine, day: str) -> None:
    time_machine.move_to(dt.datetime.fromisoformat(f"{day}T10:00:00+08:00"), tick=False)


# ---------------------------------------------------------------------------------------------
# Submit and receipt


def test_pages_are_in_chinese_by_default_with_lang_attribute(client, portal):
    page = client.get("/submit/").content.decode()
    assert '<html lang="zh-CN">' in page
    assert "我要信访" in page and "申诉求决" in page and "事项发生地" in page


def test_citizen_submits_and_sees_number_code_and_password_once(client, portal):
    """W21: every item is registered and becomes queryable by the petitioner."""
    r = submit(client, portal)
    assert r.status_code == 302 and r["Location"] == "/submit/done/"
    page = client.get("/submit/done/").content.decode()
    case = Case.objects.get()
    assert case.number in page and case.tracking_code in page
    assert "打印回执" in page and "只在本页面显示一次" in page
    # The rest of the receipt is read from the case: its title, the office, the routing day.
    route = case.clocks.get(period="route")
    assert case.title in page and portal.office.name in page
    assert route.due_on.isoformat() in page
    assert case.place.code == "370687101" and case.category.full_name.count("/") == 2
    assert case.public_consent and case.channel == "web"
    assert case.holder_body == portal.office
    party = case.parties.get()
    assert party.name == "王小明" and party.phone == "13912345678"
    # Leaving the page and coming back: the password is gone.
    again = client.get("/submit/done/").content.decode()
    assert case.tracking_code not in again and "回执已不再显示" in again


def test_the_receipt_is_found_under_the_script_prefix_the_form_was_posted_under(client, portal):
    # Served under a prefix (a proxy's /xinfang/) and without one, in one process; the WSGI
    # handler sets the prefix from SCRIPT_NAME, as override_script_prefix does here.
    from django.test.utils import override_script_prefix

    with override_script_prefix("/xinfang/"):
        r = client.post("/submit/", form_data(portal), SCRIPT_NAME="/xinfang")
    assert r.status_code == 302 and r["Location"] == "/xinfang/submit/done/"
    r = client.post("/submit/", form_data(portal, title="第二件事"))
    assert r.status_code == 302 and r["Location"] == "/submit/done/"
    with override_script_prefix("/xinfang/"):
        r = client.post("/submit/", form_data(portal, title="第三件事"), SCRIPT_NAME="/xinfang")
    assert r["Location"] == "/xinfang/submit/done/"


def test_phone_user_agent_registers_as_mobile_channel(client, portal):
    client.post(
        "/submit/",
        form_data(portal),
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 13) Mobile MicroMessenger/8.0"},
    )
    assert Case.objects.get().channel == "mobile"


def test_submitting_seals_a_new_pass_so_a_planted_one_opens_nothing(client, portal):
    from xinfang.portal import browser_pass

    first = client.__class__()
    assert submit(first, portal, title="别人的事").status_code == 302
    planted = first.cookies[browser_pass.COOKIE].value  # a pass someone else holds and knows
    client.cookies[browser_pass.COOKIE] = planted
    r = submit(client, portal)
    assert r.status_code == 302
    assert client.cookies[browser_pass.COOKIE].value != planted
    rec = receipt_of(client)
    assert client.get(f"/track/{rec['number']}/").status_code == 200  # the citizen opens it
    other = client.__class__()
    other.cookies[browser_pass.COOKIE] = planted
    r = other.get(f"/track/{rec['number']}/")
    assert r.status_code == 302 and r["Location"] == "/track/"
    assert not Session.objects.exists()  # and nothing of it was kept on the server


def test_a_submission_refused_late_leaves_the_visitor_s_pass_as_it_was(client, portal, monkeypatch):
    """Refused after the case was written, the case rolls back and the visitor keeps the pass
    (and the cases) it had."""
    from xinfang.core import events
    from xinfang.core.errors import InvalidInput
    from xinfang.portal import browser_pass

    assert submit(client, portal).status_code == 302
    before = client.cookies[browser_pass.COOKIE].value

    def refused(event):
        raise InvalidInput("此时无法登记，请稍后再试")

    events.subscribe(refused)
    try:
        r = client.post("/submit/", form_data(portal, title="第二件事"))
    finally:
        events.unsubscribe(refused)
    assert r.status_code == 200 and "此时无法登记" in r.content.decode()
    assert Case.objects.count() == 1
    assert client.cookies[browser_pass.COOKIE].value == before
    assert client.get(f"/track/{Case.objects.get().number}/").status_code == 200


def test_code_and_password_from_the_receipt_open_the_case(client, portal):
    submit(client, portal)
    rec = receipt_of(client)
    fresh = client.__class__()
    r = track(fresh, rec["code"].lower(), rec["password"])
    assert r.status_code == 302 and r["Location"] == f"/track/{rec['number']}/"
    page = fresh.get(r["Location"]).content.decode()
    assert "您的信访事项已收到并登记" in page and "转送交办期限" in page
    assert "小区楼顶漏水无人维修" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"content_type": ""}, "content_type", "请选择信访事项类别"),
        ({"title": "  "}, "title", "请填写标题"),
        ({"title": "长" * 201}, "title", "标题不能超过200个字"),
        ({"body": ""}, "body", "请填写信访事项的具体内容"),
        ({"division_code": []}, "division_code", "请选择事项发生地所在的县"),
        ({"division_code": ["370000", "370600"]}, "division_code", "请选择事项发生地所在的县"),
        ({"category": "999999"}, "category", "请从列表中选择内容分类"),
        ({"phone": "12ab"}, "phone", "电话号码格式不正确"),
        ({"id_number": "12345"}, "id_number", "身份证号码应为18位"),
        ({"email": "not-an-address"}, "email", "请填写有效的电子邮箱地址"),
        ({"name": ""}, "name", "申诉求决类事项须填写信访人姓名"),
        ({"phone": ""}, "phone", "申诉求决类事项须填写联系电话"),
    ],
)
def test_each_invalid_field_gets_its_message_and_keeps_the_input(
    client, portal, overrides, field, message
):
    r = submit(client, portal, **overrides)
    assert r.status_code == 200
    page = r.content.decode()
    assert Case.objects.count() == 0
    assert 'id="error-summary"' in page and "请修改以下内容" in page
    error_block = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.S)
    assert error_block and message in error_block.group(1)
    # The summary links to the field; what was typed is still there.
    assert 'aria-invalid="true"' in page
    if field != "body":
        assert "我家住顶楼，雨天漏水，物业一直不管。" in page
    if field != "title":
        assert 'value="小区楼顶漏水无人维修"' in page or field == "title"


def test_a_kind_the_form_does_not_offer_is_refused_with_the_form_kept(client, portal):
    r = submit(client, portal, content_type="consultation")  # staff register consultations
    page = r.content.decode()
    assert r.status_code == 200 and Case.objects.count() == 0
    assert re.search(r'<ul class="errorlist" id="id_content_type_error">', page)
    assert 'value="小区楼顶漏水无人维修"' in page


def test_report_and_suggestion_may_be_anonymous(client, portal):
    """W19 asks names for requests; a report (检举控告) may come without a name (W30)."""
    for kind in ("report", "suggestion"):
        r = submit(client, portal, content_type=kind, name="", phone="")
        assert r.status_code == 302, kind
    assert Case.objects.filter(parties__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/octet-stream"),
            "文件类型不受支持",
        ),
        (
            SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>", "application/pdf"),
            "文件格式不符",
        ),
    ],
)
def test_rejected_attachment_keeps_the_text_already_typed(client, portal, upload, message):
    data = form_data(
        portal, attachments=[SimpleUploadedFile("ok.pdf", PDF, "application/pdf"), upload]
    )
    r = client.post("/submit/", data)
    page = r.content.decode()
    assert r.status_code == 200 and Case.objects.count() == 0
    error_block = re.search(r'id="id_attachments_error">(.*?)</ul>', page, re.S).group(1)
    assert message in error_block and "您填写的其他内容已保留" in error_block
    assert 'value="小区楼顶漏水无人维修"' in page
    assert "我家住顶楼，雨天漏水，物业一直不管。" in page
    assert 'value="13912345678"' in page and 'value="王小明"' in page
    assert 'value="370687101" selected' in page


def test_attachment_over_the_configured_size_or_count_is_rejected(client, portal, settings):
    settings.XINFANG = {**settings.XINFANG, "PORTAL_MAX_UPLOAD_MB": 1, "PORTAL_MAX_FILES": 2}
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024), "application/pdf")
    page = client.post("/submit/", form_data(portal, attachments=[big])).content.decode()
    assert "超过1 MB" in page
    three = [SimpleUploadedFile(f"{i}.pdf", PDF, "application/pdf") for i in range(3)]
    page = client.post("/submit/", form_data(portal, attachments=three)).content.decode()
    assert "最多上传2个附件" in page
    assert Case.objects.count() == 0


def test_accepted_attachments_are_stored_with_the_case(client, portal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # The types the browser declares are wrong on purpose: what is stored is read from the bytes.
    files = [
        SimpleUploadedFile("现场.pdf", PDF, "text/html"),
        SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "text/html"),
        SimpleUploadedFile("清单.docx", b"PK\x03\x04" + b"0" * 20, "application/octet-stream"),
    ]
    r = client.post("/submit/", form_data(portal, attachments=files))
    assert r.status_code == 302
    assert sorted(Attachment.objects.values_list("name", "mime_type")) == [
        ("photo.png", "image/png"),
        ("清单.docx", "application/zip"),
        ("现场.pdf", "application/pdf"),
    ]


def test_a_file_whose_content_is_not_what_its_name_says_is_refused(client, portal):
    png_named_jpg = SimpleUploadedFile("photo.jpg", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/jpeg")
    r = client.post("/submit/", form_data(portal, attachments=[png_named_jpg]))
    assert r.status_code == 200 and "的内容与JPG文件格式不符" in r.content.decode()
    assert not Case.objects.exists()


def test_a_file_stored_by_a_service_is_typed_by_its_content(county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = services.AttachmentInput(name="说明.pdf", content=b"<html><script>x</script>")
    reg = register_appeal(county, attachments=[page])
    assert reg.case.attachments.get().mime_type == "application/octet-stream"


def test_without_scripts_search_and_place_update_keep_the_form(client, portal):
    data = form_data(portal, category="", category_q="工资", category_search="1")
    page = client.post("/submit/", data).content.decode()
    assert Case.objects.count() == 0 and "error-summary" not in page
    assert 'value="小区楼顶漏水无人维修"' in page
    options = re.findall(r'<option value="(\d{6})"', page)
    assert 0 < len(options) <= 20
    data = form_data(portal, division_refresh="1")
    page = client.post("/submit/", data).content.decode()
    assert "东村" in page  # villages of the chosen township are offered now


def test_category_search_endpoint_returns_top_matches(client, portal):
    page = client.get("/submit/categories/", {"category_q": "物业"}).content.decode()
    names = re.findall(r'<option value="\d{6}"[^>]*>([^<]+)</option>', page)
    assert names and all("物业" in n or "物业" in page for n in names)
    assert len(names) <= 20
    assert "与“物业”相关的分类" in page


def test_division_endpoint_loads_children_of_the_chosen_division(client, portal):
    page = client.get(
        "/submit/divisions/", {"division_code": ["370000", "370600", "370687", "370687101"]}
    ).content.decode()
    assert "东村" in page and "村（社区）" in page
    # A higher level changed without reloading: stale lower values are ignored.
    page = client.get(
        "/submit/divisions/", {"division_code": ["370000", "370600", "", "370687101"]}
    ).content.decode()
    assert "东村" not in page and "海阳市" in page


def test_submission_flood_is_refused_with_a_message_and_the_text_kept(client, portal, settings):
    settings.XINFANG = {
        **settings.XINFANG,
        "RATE_LIMITS": {"ip": (1, 3600), "phone": (10, 86400), "lookup_failures": (10, 900)},
    }
    assert submit(client, portal).status_code == 302
    page = submit(client, portal).content.decode()
    assert "提交过于频繁" in page and 'value="小区楼顶漏水无人维修"' in page
    assert Case.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Track


def test_wrong_code_and_wrong_password_get_the_same_answer_and_are_limited(
    client, portal, settings
):
    settings.XINFANG = {
        **settings.XINFANG,
        "RATE_LIMITS": {"ip": (100, 3600), "phone": (100, 86400), "lookup_failures": (3, 900)},
    }
    reg = register_appeal(portal)
    wrong_pw = track(client, reg.tracking_code, "000000").content.decode()
    wrong_code = track(client, "ZZZZZZZZZZ", reg.query_password).content.decode()
    strip = re.compile(r'[A-Za-z0-9]{32,}|value="[^"]*"')  # CSRF tokens and the typed code
    assert strip.sub("", wrong_pw) == strip.sub("", wrong_code)
    assert "查询码或查询密码不正确" in wrong_pw
    track(client, "ZZZZZZZZZZ", "1")
    # Three failures used up: even the right password is refused for now.
    r = track(client, reg.tracking_code, reg.query_password)
    assert r.status_code == 200 and "查询失败次数过多" in r.content.decode()


def test_case_page_needs_the_code_and_password_in_this_browser(client, portal):
    reg = register_appeal(portal)
    r = client.get(f"/track/{reg.case.number}/")
    assert r.status_code == 302 and r["Location"] == "/track/"
    assert (
        client.post(f"/track/{reg.case.number}/rate/", {"rating": "satisfied"}).status_code == 404
    )
    track(client, reg.tracking_code, reg.query_password)
    assert client.get(f"/track/{reg.case.number}/").status_code == 200
    client.post(f"/track/{reg.case.number}/forget/")
    assert client.get(f"/track/{reg.case.number}/").status_code == 302


def test_track_page_shows_due_dates_answer_and_holder(client, portal, time_machine):
    on(time_machine, "2025-03-03")
    reg = register_appeal(portal)
    replied(reg.case, portal)
    track(client, reg.tracking_code, reg.query_password)
    page = client.get(f"/track/{reg.case.number}/").content.decode()
    assert "已出具书面处理意见" in page and "已受理，承办单位正在调查处理" in page
    assert "海阳市住房和城乡建设局" in page
    assert "可申请复查至" in page and "2025-04-02" in page  # 30 days after the reply (W35)
    assert "物业应当维修" in page
    assert "告知文书" in page


# ---------------------------------------------------------------------------------------------
# Rate, review, re-review


def test_rating_within_the_window_is_recorded_once(client, portal):
    """W22: the petitioner rates the answer: 满意 / 基本满意 / 不满意."""
    reg = register_appeal(portal)
    track(client, reg.tracking_code, reg.query_password)
    url = f"/track/{reg.case.number}/"
    assert "提交评价" not in client.get(url).content.decode()  # not answered yet
    replied(reg.case, portal)
    page = client.get(url).content.decode()
    assert "评价办理结果" in page and "基本满意" in page
    missing = client.post(url + "rate/", {"comment": "x"}).content.decode()
    assert "请选择满意、基本满意或不满意" in missing
    r = client.post(url + "rate/", {"rating": "basically", "comment": "还行"})
    assert r.status_code == 302
    case = Case.objects.get(pk=reg.case.pk)
    assert case.rating == "basically" and case.rating_comment == "还行"
    page = client.get(url).content.decode()
    assert "感谢您的评价" in page and "提交评价" not in page
    again = client.post(url + "rate/", {"rating": "satisfied"}).content.decode()
    assert "已经评价过" in again
    assert Case.objects.get(pk=reg.case.pk).rating == "basically"


def test_rating_after_the_configured_window_is_refused(client, portal, time_machine):
    """W22 (configurable rating window, default 30 days from the reply)."""
    from xinfang.cases.models import PeriodSetting

    PeriodSetting.objects.create(key="rating", days=10, unit="calendar")
    on(time_machine, "2025-03-03")
    reg = register_appeal(portal)
    replied(reg.case, portal)
    track(client, reg.tracking_code, reg.query_password)
    url = f"/track/{reg.case.number}/"
    on(time_machine, "2025-03-13")
    track(client, reg.tracking_code, reg.query_password)  # a session lasts hours, not days
    assert "评价办理结果" in client.get(url).content.decode()
    on(time_machine, "2025-03-14")
    track(client, reg.tracking_code, reg.query_password)
    assert "评价办理结果" not in client.get(url).content.decode()
    page = client.post(url + "rate/", {"rating": "satisfied"}).content.decode()
    assert "已超过评价期限" in page
    assert Case.objects.get(pk=reg.case.pk).rating == ""


def test_review_request_within_30_days_goes_to_the_superior_W35(client, portal, time_machine):
    on(time_machine, "2025-03-03")
    reg = register_appeal(portal)
    replied(reg.case, portal)
    track(client, reg.tracking_code, reg.query_password)
    url = f"/track/{reg.case.number}/"
    on(time_machine, "2025-04-02")
    track(client, reg.tracking_code, reg.query_password)  # a month on: the session has expired
    assert "申请复查" in client.get(url).content.decode()
    empty = client.post(url + "review/", {"reasons": " "}).content.decode()
    assert "请填写申请理由" in empty
    assert client.post(url + "review/", {"reasons": "维修不彻底"}).status_code == 302
    case = Case.objects.get(pk=reg.case.pk)
    assert case.state == "under_review" and case.holder_body == portal.city_housing
    assert "您已向上一级机关申请复查" in client.get(url).content.decode()


def test_review_request_after_30_days_is_refused_W35(client, portal, time_machine):
    on(time_machine, "2025-03-03")
    reg = register_appeal(portal)
    replied(reg.case, portal)
    track(client, reg.tracking_code, reg.query_password)
    url = f"/track/{reg.case.number}/"
    on(time_machine, "2025-04-03")
    track(client, reg.tracking_code, reg.query_password)
    assert "提交复查申请" not in client.get(url).content.decode()
    page = client.post(url + "review/", {"reasons": "维修不彻底"}).content.decode()
    assert "30日的复查申请期限" in page
    assert Case.objects.get(pk=reg.case.pk).state == "replied"


def test_rereview_request_after_the_review_opinion_W36(client, portal, time_machine):
    province_housing = Body.objects.create(
        name="山东省住房和城乡建设厅", kind=BodyKind.DEPARTMENT, division=portal.province
    )
    Body.objects.filter(pk=portal.city_housing.pk).update(parent=province_housing)
    on(time_machine, "2025-03-03")
    reg = register_appeal(portal)
    case = replied(reg.case, portal)
    case = services.request_review(case=case, actor=services.CitizenActor(case.pk), reasons="不服")
    services.decide_review(
        case=case, actor=portal.users["city_head"], decision="reject", opinion="维持原处理意见"
    )
    track(client, reg.tracking_code, reg.query_password)
    url = f"/track/{reg.case.number}/"
    page = client.get(url).content.decode()
    assert "申请复核" in page and "维持原处理意见" in page
    on(time_machine, "2025-03-20")
    track(client, reg.tracking_code, reg.query_password)
    assert client.post(url + "review/", {"reasons": "复查未查清事实"}).status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.state == "under_rereview" and case.holder_body == province_housing
    assert "您已申请复核" in client.get(url).content.decode()


# ---------------------------------------------------------------------------------------------
# Public board and language


def test_public_board_shows_only_consented_answers_without_personal_data(client, portal):
    shown = replied(
        register_appeal(
            portal,
            public_consent=True,
            title="王小明家楼顶漏水",
            text="王小明反映漏水，电话13912345678，身份证370687199001011234。",
            parties=[services.PartyInput(name="王小明", phone="13912345678")],
        ).case,
        portal,
    )
    replied(register_appeal(portal, public_consent=False, title="不同意公开的事项").case, portal)
    register_appeal(portal, public_consent=True, title="尚未答复的事项")
    page = client.get("/board/").content.decode()
    assert "某某家楼顶漏水" in page
    assert "不同意公开的事项" not in page and "尚未答复的事项" not in page
    assert "王小明" not in page and "13912345678" not in page
    detail = client.get(f"/board/{shown.number}/").content.decode()
    assert "物业应当维修" in detail and "查明事实" in detail
    for secret in ("王小明", "13912345678", "370687199001011234"):
        assert secret not in detail
    assert "某某" in detail
    assert client.get("/board/", {"q": "漏水"}).content.decode().count('class="card"') >= 1
    assert "没有与搜索条件相符的公开事项" in client.get("/board/", {"q": "拆迁"}).content.decode()
    unconsented = Case.objects.get(title="不同意公开的事项")
    assert client.get(f"/board/{unconsented.number}/").status_code == 404


def test_public_board_pages_by_older_cases(client, portal):
    for i in range(12):
        replied(register_appeal(portal, public_consent=True, title=f"公开事项{i:02d}").case, portal)
    first = client.get("/board/").content.decode()
    assert "公开事项11" in first and "公开事项01" not in first
    after = re.search(r"after=(\d+)", first).group(1)
    second = client.get("/board/", {"after": after}).content.decode()
    assert "公开事项01" in second and "公开事项11" not in second


def test_english_is_available_through_the_language_switch(client, portal):
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/submit/"})
    assert r.status_code == 302
    page = client.get("/submit/").content.decode()
    assert '<html lang="en">' in page
    assert "Submit a petition" in page and "Where did it happen?" in page
    page = submit(client, portal, title="").content.decode()
    assert "Enter a title." in page and "Please correct the following" in page


def test_rendered_notices_download_only_with_access_W32(client, portal, settings, tmp_path):
    documents = pytest.importorskip("xinfang.documents.services")
    settings.MEDIA_ROOT = tmp_path
    reg = register_appeal(portal)
    replied(reg.case, portal)
    documents.render_pending()
    track(client, reg.tracking_code, reg.query_password)
    page = client.get(f"/track/{reg.case.number}/").content.decode()
    links = re.findall(rf'href="(/track/{reg.case.number}/notices/\d+/)"', page)
    assert links, "the reply opinion (信访处理意见书) is listed"
    r = client.get(links[-1])
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF")
    assert client.__class__().get(links[-1]).status_code == 404
