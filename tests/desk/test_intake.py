"""Intake desk pages: register by channel, check for repeats, sort and route (W17-W23)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import register_appeal, report_against
from xinfang.cases.models import Case, Clock
from xinfang.cases.services import PartyInput
from xinfang.taxonomy.models import RoutingRule
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def desk(county, tmp_path, client):
    """The county, a small taxonomy with a routing rule to the housing bureau, a clerk signed in."""
    csv = tmp_path / "taxonomy.csv"
    csv.write_text(
        "level1,level2,level3\n城乡建设,住房保障,物业管理\n城乡建设,住房保障,房屋质量\n"
        "劳动和社会保障,劳动保障,拖欠工资\n",
        encoding="utf-8",
    )
    load_taxonomy(path=csv)
    leaf = leaves().get(name="物业管理")
    RoutingRule.objects.create(category=leaf.parent, division=county.county, body=county.housing)
    client.force_login(county.users["clerk"])
    county.leaf = leaf
    return county


def scan(name="scan.png", content=PNG, mime="image/png"):
    return SimpleUploadedFile(name, content, content_type=mime)


def form_data(county, channel="letter", **extra):
    data = {
        "channel": channel,
        "content_type": "appeal",
        "category": county.leaf.code,
        "place": county.county.code,
        "address": "海阳市凤城街道某小区5号楼",
        "title": "物业公司不履行维修义务",
        "body": "楼道灯坏了三个月，物业一直不修。",
        "name": "李四",
        "phone": "13900139000",
        "id_number": "",
        "petitioner_address": "海阳市凤城街道某小区5号楼2单元",
    }
    data.update(extra)
    return data


def post_form(client, data, files=None):
    payload = dict(data)
    if files is not None:
        payload["files"] = files
    return client.post("/desk/intake/", payload)


def to_check(client, county, channel="letter", files=None, **extra):
    if channel == "letter" and files is None:
        files = [scan()]
    resp = post_form(client, form_data(county, channel, **extra), files)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert "/desk/intake/check/" in resp.url
    return resp.url


def save(client, check_url, **post):
    return client.post(check_url, {"action": "new", **post})


@pytest.mark.parametrize("channel", ["letter", "visit", "phone", "fax", "video", "grid"])
def test_each_desk_channel_registers_with_its_channel_W17(client, desk, channel):
    check_url = to_check(client, desk, channel)
    resp = save(client, check_url)
    case = Case.objects.get()
    # Saved: on to the receipt (code and password, shown this once), then sorting and routing.
    assert resp.status_code == 302 and resp.url == f"/desk/intake/case/{case.number}/receipt/"
    assert case.channel == channel
    assert case.registering_body == desk.office and case.state == "registered"
    assert case.category == desk.leaf
    assert case.parties.get().phone == "13900139000"
    page = client.get(resp.url).content.decode()
    assert case.number in page and "查询密码" in page


def test_letter_keeps_its_scan_as_an_attachment(client, desk):
    save(client, to_check(client, desk, "letter", files=[scan("信件第1页.png")]))
    att = Case.objects.get().attachments.get()
    assert att.name == "信件第1页.png" and att.mime_type == "image/png" and att.size == len(PNG)


def test_oral_channels_say_the_clerk_records_what_is_said_W19(client, desk):
    page = client.get("/desk/intake/?channel=phone").content.decode()
    assert "《信访工作条例》第十九条" in page and "信访人口述内容记录" in page


def test_letter_without_a_scan_is_refused_and_the_text_is_kept(client, desk):
    resp = post_form(client, form_data(desk, "letter", title="没有附扫描件的来信"))
    page = resp.content.decode()
    assert resp.status_code == 422
    assert "来信须至少上传一份扫描件" in page
    assert 'value="没有附扫描件的来信"' in page
    assert not Case.objects.exists()


def test_a_file_that_is_not_an_image_or_pdf_is_refused_and_the_text_is_kept(client, desk):
    fake = scan("信件.png", b"MZ\x90\x00 not really a picture", "image/png")
    resp = post_form(client, form_data(desk, "letter", body="正文一字不差地保留"), [fake])
    page = resp.content.decode()
    assert resp.status_code == 422
    assert "信件.png 不是PNG、JPEG、TIFF图片或PDF文件" in page
    assert "正文一字不差地保留" in page
    assert not Case.objects.exists()


def test_a_scan_accepted_once_is_kept_when_the_form_comes_back_with_errors(client, desk):
    resp = post_form(client, form_data(desk, "letter", title=""), [scan("第1页.png")])
    assert resp.status_code == 422
    draft = re.search(r'name="draft" value="([0-9a-f]+)"', resp.content.decode()).group(1)
    assert "第1页.png" in resp.content.decode()
    resp = post_form(client, form_data(desk, "letter", draft=draft))
    assert resp.status_code == 302
    save(client, resp.url)
    assert Case.objects.get().attachments.get().name == "第1页.png"


def reps(n):
    data = {"rep-TOTAL_FORMS": str(n), "rep-INITIAL_FORMS": "0"}
    for i in range(n):
        data[f"rep-{i}-name"] = f"代表{i + 1}"
        data[f"rep-{i}-phone"] = f"1390013901{i}"
    return data


def test_group_visit_with_six_representatives_is_refused_W20(client, desk):
    data = form_data(
        desk, "visit", is_group="on", group_size="40", title="四十人集体走访", **reps(6)
    )
    resp = post_form(client, data)
    page = resp.content.decode()
    assert resp.status_code == 422
    assert "代表人数不超过5人（《信访工作条例》第二十条）" in page
    assert 'value="四十人集体走访"' in page and 'value="代表6"' in page
    assert not Case.objects.exists()


def test_group_visit_with_five_representatives_is_registered_W20(client, desk):
    data = form_data(desk, "visit", is_group="on", group_size="40", **reps(5))
    save(
        client, to_check(client, desk, "visit", **{k: v for k, v in data.items() if k != "channel"})
    )
    case = Case.objects.get()
    assert case.is_group and case.group_size == 40
    assert case.parties.filter(kind="representative").count() == 5


def test_check_step_lists_the_petitioners_open_case_and_look_alikes_W19(
    client, desk, settings, django_capture_on_commit_callbacks
):
    # The look-alike index follows each registration after commit, through the queue.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        earlier = register_appeal(desk, title="另一件事：楼顶漏水", text="顶楼漏水").case
        other = register_appeal(
            desk,
            title="物业公司不履行维修义务，楼道灯坏了",
            text="楼道灯坏了三个月，物业不修。",
            parties=[],
            content_type="suggestion",
        ).case
    check_url = to_check(client, desk, "letter", phone="138-0013-8000")
    page = client.get(check_url).content.decode()
    own = page.split('id="own-cases"')[1].split('id="lookalikes"')[0]
    alike = page.split('id="lookalikes"')[1]
    assert earlier.number in own and other.number not in own
    assert other.number in alike
    assert "不会丢弃" in page or "W21" in page
    assert not Case.objects.filter(title="物业公司不履行维修义务").exists()  # not saved yet


def test_register_as_repeat_links_it_and_both_timelines_record_it_W21(client, desk):
    earlier = register_appeal(desk).case
    check_url = to_check(client, desk, "letter", phone="13800138000")
    resp = client.post(check_url, {"action": "repeat", "into": earlier.number})
    repeat = Case.objects.exclude(pk=earlier.pk).get()
    assert resp.status_code == 302 and resp.url == f"/desk/intake/case/{repeat.number}/receipt/"
    assert repeat.repeat_of == earlier and repeat.state == "merged"
    assert list(repeat.events.values_list("kind", flat=True)) == ["register", "merge_repeat"]
    assert earlier.events.filter(kind="repeat_merged", extra__repeat=repeat.number).exists()
    listing = client.get("/desk/intake/list/").content.decode()
    assert repeat.number in listing and "已合并" in listing


def test_repeat_without_a_chosen_case_is_not_saved_and_says_why(client, desk):
    register_appeal(desk)
    check_url = to_check(client, desk, "letter", phone="13800138000")
    resp = client.post(check_url, {"action": "repeat"})
    assert resp.status_code == 422 and "请选择" in resp.content.decode()
    assert Case.objects.count() == 1


def test_a_failed_link_still_registers_the_case_W21(client, desk):
    check_url = to_check(client, desk, "letter")
    resp = client.post(
        check_url, {"action": "repeat", "into": "XF-000000-20000101-000001"}, follow=True
    )
    case = Case.objects.get()
    assert case.state == "registered" and case.repeat_of is None
    assert "未关联为重复件" in resp.content.decode()


def test_route_page_shows_the_15_day_clock_and_the_suggested_body_W22(client, desk, time_machine):
    # A day whose fifteenth day after is a working day (else the due date moves on, W22).
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False)
    save(client, to_check(client, desk))
    case = Case.objects.get()
    page = client.get(f"/desk/intake/case/{case.number}/").content.decode()
    clock = page.split('id="route-clock"')[1].split("</section>")[0]
    assert "剩余15天" in clock
    suggestion = page.split('id="suggestion"')[1].split("</section>")[0]
    assert desk.housing.name in suggestion
    assert f'<option value="{desk.housing.pk}" selected>' in page


def test_transfer_sets_the_holder_and_starts_the_W23_clocks(client, desk):
    save(client, to_check(client, desk))
    case = Case.objects.get()
    resp = client.post(
        f"/desk/intake/case/{case.number}/transfer/",
        {
            "transfer-body": desk.housing.pk,
            "transfer-note": "请依法处理",
            "transfer-version": case.version,
        },
    )
    assert resp.status_code == 302 and resp.url == "/desk/intake/list/"
    case.refresh_from_db()
    assert case.holder_body == desk.housing and case.state == "transferred"
    running = set(case.clocks.filter(status=Clock.RUNNING).values_list("period", flat=True))
    assert {"accept_notice", "remit_objection"} <= running and "route" not in running
    listing = client.get(resp.url).content.decode()
    assert case.number in listing and "已转送交办" in listing


def test_assign_with_a_report_date(client, desk):
    reg = register_appeal(desk)
    case = reg.case
    resp = client.post(
        f"/desk/intake/case/{case.number}/assign/",
        {
            "assign-body": desk.land.pk,
            "assign-report_due": "2099-01-05",
            "assign-version": case.version,
        },
    )
    assert resp.status_code == 302
    clock = case.clocks.get(period="result_report", status=Clock.RUNNING)
    assert clock.fixed_due and clock.due_on.year == 2099


def test_service_errors_show_in_chinese_on_the_form_W22(client, desk):
    report = register_appeal(desk, content_type="report", accused_body=desk.land).case
    resp = client.post(
        f"/desk/intake/case/{report.number}/transfer/",
        {"transfer-body": desk.housing.pk, "transfer-version": report.version},
    )
    assert resp.status_code == 422
    assert "检举控告类事项应转送纪检监察机关" in resp.content.decode()
    report.refresh_from_db()
    assert report.holder_body == desk.office


def test_a_stale_form_is_refused_not_applied(client, desk):
    case = register_appeal(desk).case
    resp = client.post(
        f"/desk/intake/case/{case.number}/decline/",
        {"decline-reason": "不属于信访事项", "decline-version": case.version - 1},
    )
    assert resp.status_code == 409 and "已被他人处理" in resp.content.decode()
    case.refresh_from_db()
    assert case.state == "registered"


def test_decline_and_redirect_from_the_route_page_W31(client, desk):
    a = register_appeal(desk).case
    b = register_appeal(desk).case
    client.post(
        f"/desk/intake/case/{a.number}/decline/",
        {"decline-reason": "已经诉讼程序处理", "decline-version": a.version},
    )
    client.post(
        f"/desk/intake/case/{b.number}/redirect_to_legal_channel/",
        {
            "redirect_to_legal_channel-legal_channel": "litigation",
            "redirect_to_legal_channel-version": b.version,
        },
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.state == "not_accepted"
    assert b.state == "redirected" and b.legal_channel == "litigation"


def test_a_handler_cannot_use_intake(client, desk):
    client.force_login(desk.users["handler"])
    assert client.get("/desk/intake/").status_code == 403
    assert client.post("/desk/intake/", form_data(desk)).status_code == 403
    assert client.get("/desk/intake/list/").status_code == 403


def test_anonymous_users_go_to_the_desk_login(client, desk):
    client.logout()
    resp = client.get("/desk/intake/")
    assert resp.status_code == 302 and resp.url.startswith("/desk/login/?next=/desk/intake/")


def test_a_clerk_who_is_not_staff_signs_in_at_the_desk_login(client, desk):
    client.logout()
    assert not desk.users["clerk"].is_staff
    resp = client.post(
        "/desk/login/?next=/desk/intake/",
        {"username": "clerk", "password": "pw-clerk", "next": "/desk/intake/"},
    )
    assert resp.status_code == 302 and resp.url == "/desk/intake/"
    assert client.get("/desk/intake/").status_code == 200


def test_category_search_lists_matching_leaves(client, desk):
    resp = client.get("/desk/intake/categories/", {"category_q": "物业"})
    page = resp.content.decode()
    assert "城乡建设/住房保障/物业管理" in page and "拖欠工资" not in page


def test_the_list_shows_only_this_offices_cases_newest_first(client, desk):
    first = register_appeal(desk, title="第一件").case
    second = register_appeal(desk, title="第二件").case
    register_appeal(desk, actor=desk.users["handler"], body=desk.housing, title="住建局自收")
    page = client.get("/desk/intake/list/").content.decode()
    assert page.index(second.number) < page.index(first.number)
    assert "住建局自收" not in page


def _draft_scans(settings) -> list:
    root = settings.MEDIA_ROOT / "intake-drafts"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_scans_of_abandoned_drafts_are_purged_and_open_drafts_keep_theirs(
    client, desk, settings, county
):
    import datetime as dt
    import os

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from xinfang.desk.services import purge_intake_drafts

    # One clerk leaves a letter half done (its scan stays listed in a live session) ...
    check_url = to_check(client, desk, "letter", files=[scan("还在登记.png")])
    (kept,) = _draft_scans(settings)
    # ... another clerk's session with a draft scan is gone (logged out or expired).
    other = Client()
    other.force_login(county.users["clerk"])
    to_check(other, desk, "letter", files=[scan("已放弃.png")])
    (abandoned,) = [p for p in _draft_scans(settings) if p != kept]
    other.logout()
    hour_ago = (timezone.now() - dt.timedelta(hours=2)).timestamp()
    for path in (kept, abandoned):
        os.utime(path, (hour_ago, hour_ago))
    # A scan saved a moment ago whose session is not written yet is left alone.
    fresh = settings.MEDIA_ROOT / "intake-drafts" / "fresh" / "new"
    fresh.parent.mkdir(parents=True)
    fresh.write_bytes(PNG)

    call_command("purge_intake_drafts")
    assert _draft_scans(settings) == sorted([kept, fresh])
    assert not abandoned.parent.exists()  # its empty folder went too
    # The half-done letter can still be saved with its scan.
    save(client, check_url)
    assert Case.objects.get().attachments.get().name == "还在登记.png"
    assert purge_intake_drafts() == 0


def test_check_step_does_not_list_a_report_by_its_reporters_phone(client, desk):
    """The clerk may not know who reported: the report is not among the person's open cases."""
    appeal = register_appeal(desk, parties=[PartyInput(name="李四", phone="13900139000")]).case
    report = report_against(desk, desk.housing, routed=False)  # 李四, 13900139000
    page = client.get(to_check(client, desk, "letter", phone="13900139000")).content.decode()
    own = page.split('id="own-cases"')[1].split('id="lookalikes"')[0]
    assert appeal.number in own and report.number not in own
    assert report.number not in page
