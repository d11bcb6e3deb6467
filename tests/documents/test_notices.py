"""Formal notices (STATUTE.md, Notices): recorded with the move, rendered to PDF after commit."""

from __future__ import annotations

import hashlib
import re
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

from xinfang.cases import services, workflow
from xinfang.cases.models import Case
from xinfang.core import events
from xinfang.core.errors import NotFound
from xinfang.documents import selectors, tasks
from xinfang.documents.kinds import KINDS
from xinfang.documents.models import Notice, NoticeTemplate

from ..conftest import register_appeal
from .conftest import (
    accepted_case,
    decided_case,
    flat,
    pdf_lines,
    pdf_text,
    plain_pdf,
    poppler,
    render_all,
)


def _reply(county, case, capture):
    """The head signs the reply; returns the on-commit callbacks without running them."""
    with capture() as callbacks:
        services.reply(case=case, actor=county.users["head"])
    return callbacks


def test_reply_issues_one_reply_opinion_rendered_after_commit_w32(
    county, django_capture_on_commit_callbacks
):
    """W32: signing the reply issues exactly one 信访处理意见书, rendered only after commit."""
    case = decided_case(county)
    callbacks = _reply(county, case, django_capture_on_commit_callbacks)

    notices = Notice.objects.filter(case=case, kind="reply_opinion")
    assert notices.count() == 1
    notice = notices.get()
    assert notice.status == Notice.PENDING and not notice.pdf
    assert notice.citizen_visible
    assert notice.event.kind == "reply"

    for callback in callbacks:
        callback()

    notice.refresh_from_db()
    assert notice.status == Notice.RENDERED, notice.error
    assert f"cases/{case.number}/notices/" in notice.pdf.name
    with notice.pdf.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == notice.sha256
    assert notice.render_ms is not None and notice.rendered_at is not None
    assert Notice.objects.filter(case=case, kind="reply_opinion").count() == 1


def _ink_columns(pgm: bytes, rows: range) -> list[int]:
    """Per pixel column, how many pixels of `rows` are darker than mid-grey (binary PGM)."""
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    assert header, "pdftoppm did not write a greymap"
    width = int(header.group(1))
    pixels = pgm[header.end() :]
    return [sum(1 for y in rows if pixels[y * width + x] < 128) for x in range(width)]


def _glyph_ink(columns: list[int], count: int) -> list[int]:
    """Ink of `count` equal slices between the first and last inked column: one per glyph."""
    inked = [x for x, c in enumerate(columns) if c]
    left, right = inked[0], inked[-1] + 1
    step = (right - left) / count
    return [sum(columns[int(left + i * step) : int(left + (i + 1) * step)]) for i in range(count)]


def test_reply_pdf_draws_and_encodes_chinese_w32_w35(
    county, django_capture_on_commit_callbacks, tmp_path
):
    """W32, W35: the reply shows its Chinese title, number, decision and review right, as glyphs
    on the page and as the right characters in the text layer (not blank boxes)."""
    case = decided_case(county)
    for callback in _reply(county, case, django_capture_on_commit_callbacks):
        callback()
    notice = Notice.objects.get(case=case, kind="reply_opinion")
    assert re.fullmatch(r"海住建信答〔\d{4}〕1号", notice.number)  # the replying body's first

    lines = pdf_lines(plain_pdf(notice))
    title = next(ln for ln in lines if ln.text == "信访处理意见书")
    # Page 1 at 100 dpi: the title's rows; above the letterhead (30 mm) the page stays blank.
    out = tmp_path / "page"
    subprocess.run(
        [
            poppler("pdftoppm"),
            "-r",
            "100",
            "-gray",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            plain_pdf(notice),
            str(out),
        ],
        check=True,
    )
    pgm = (tmp_path / "page.pgm").read_bytes()
    assert sum(_ink_columns(pgm, range(20, 110))) == 0
    rows = range(int(title.y0 / 72 * 100), int(title.y1 / 72 * 100))
    ink = _ink_columns(pgm, rows)
    assert sum(ink) > 1200, f"title area nearly blank ({sum(ink)} dark pixels)"
    # Seven different characters, not seven copies of a missing-glyph box.
    per_glyph = _glyph_ink(ink, len("信访处理意见书"))
    assert len(set(per_glyph)) >= 5, per_glyph

    text = flat(pdf_text(notice))
    assert "信访处理意见书" in text
    assert case.number in text
    assert notice.number in text
    assert "张三：" in text  # addressed to the petitioner by full name
    assert "维修顶楼防水属于物业服务合同约定的义务" in text
    assert "对你的信访请求予以支持" in text
    assert "《物业管理条例》第三十五条" in text
    assert "三十日内" in text and "第三十五条" in text and "烟台市住房和城乡建设局" in text
    assert "海阳市住房和城乡建设局" in text  # issuing body
    assert "你（你们）" not in text


def test_one_petitioner_is_told_you_and_a_group_you_all_w23(county):
    """The templates' “你（你们）” reads 你 to one petitioner and 你们 to several, throughout."""
    one = accepted_case(county)
    two = register_appeal(
        county,
        parties=[
            services.PartyInput(name="张三", phone="13800138000"),
            services.PartyInput(name="李四", phone="13800138001"),
        ],
    ).case
    services.transfer(case=two, actor=county.users["clerk"], body=county.housing)
    services.accept(case=two, actor=county.users["handler"])
    alone = flat(pdf_text(render_all(one)["acceptance_notice"]))
    group = flat(pdf_text(render_all(two)["acceptance_notice"]))

    assert alone.startswith("海阳市住房和城乡建设局")
    assert "张三：你于" in alone and "你可以通过" in alone and "你们" not in alone
    assert "张三、李四：你们于" in group and "并告知你们延期理由" in group
    assert "你们可以通过" in group
    assert "你（你们）" not in alone + group
    assert not re.search(r"你(?!们)", group)


def test_edited_template_changes_the_next_pdf(county, django_capture_on_commit_callbacks):
    """An administrator's wording is what the next 受理告知书 says (W23)."""
    template = NoticeTemplate.objects.get(kind="acceptance_notice")
    template.title = "受理通知书"
    template.body = "你反映的事项（编号{{ case_number }}）已由{{ issuer }}受理。\n请保持电话畅通。"
    template.full_clean()
    template.save()

    case = register_appeal(county).case
    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(case=case, actor=county.users["handler"])

    notice = Notice.objects.get(case=case, kind="acceptance_notice")
    assert notice.status == Notice.RENDERED, notice.error
    assert notice.title == "受理通知书"
    text = flat(pdf_text(notice))
    assert f"你反映的事项（编号{case.number}）已由海阳市住房和城乡建设局受理。" in text
    assert "请保持电话畅通" in text
    assert "六十日内办结" not in text  # the default wording is gone


@pytest.fixture
def admin_client(client, db):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="pw-root-1"))
    return client


def test_admin_edits_templates_and_refuses_broken_syntax(admin_client):
    from django.urls import reverse

    assert "文书模板" in admin_client.get(reverse("admin:documents_noticetemplate_changelist")).text
    template = NoticeTemplate.objects.get(kind="result_report")
    url = reverse("admin:documents_noticetemplate_change", args=[template.pk])
    form = {"kind": "result_report", "title": "办结报告", "is_active": "on"}
    response = admin_client.post(url, {**form, "body": "{% if %}坏模板"})
    assert response.status_code == 200 and "模板语法错误" in response.text
    response = admin_client.post(url, {**form, "body": "办结。{{ case_number }}"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.title == "办结报告" and template.body == "办结。{{ case_number }}"


def test_rolled_back_move_leaves_no_notice_w32(county):
    """W32: if anything in the reply's transaction fails, neither the reply nor its notice exist."""
    case = decided_case(county)

    def outbox_down(event):
        raise RuntimeError("outbox unavailable")

    events.subscribe(outbox_down)
    try:
        with pytest.raises(RuntimeError):
            services.reply(case=case, actor=county.users["head"])
    finally:
        events.unsubscribe(outbox_down)
    assert not Notice.objects.filter(case=case, kind="reply_opinion").exists()
    assert Case.objects.get(pk=case.pk).state == workflow.S.DECIDED


def test_internal_slips_are_not_listed_for_the_citizen_w22(county):
    """W22, W23: the 转送单 goes to the body, the 受理告知书 to the petitioner."""
    case = accepted_case(county)
    render_all(case)

    staff = [n.kind for n in selectors.notices_for_staff(case)]
    citizen = [n.kind for n in selectors.notices_for_citizen(case)]
    assert staff == ["transfer_slip", "acceptance_notice"]
    assert citizen == ["acceptance_notice"]

    slip = Notice.objects.get(case=case, kind="transfer_slip")
    with pytest.raises(NotFound):
        selectors.notice_file(case, slip.pk, for_citizen=True)
    download = selectors.notice_file(case, slip.pk)
    assert download.filename == f"信访事项转送单（{slip.number}）.pdf"
    with download.open() as fh:
        assert fh.read(4) == b"%PDF"

    text = flat(pdf_text(slip))
    assert "海阳市住房和城乡建设局：" in text  # addressed to the receiving body
    assert "张**" in text and "张三" not in text  # masked on an internal slip


def test_notice_waits_for_rendering_are_not_offered_to_the_citizen(county):
    case = accepted_case(county)
    assert not selectors.notices_for_citizen(case).exists()
    pending = Notice.objects.get(case=case, kind="acceptance_notice")
    with pytest.raises(NotFound):
        selectors.notice_file(case, pending.pk, for_citizen=True)


def test_report_slips_never_name_the_reporter_w30_w46(county):
    """W30, W46: a 检举控告 reporter is named on the notice addressed to them, never on a
    转送单 or 督办单, and reporter-addressed notices are withheld from staff who may not see
    the reporter's identity."""
    case = register_appeal(
        county,
        content_type="report",
        title="反映某局工作人员违规收费",
        text="某局工作人员在办理不动产登记时额外收取费用。",
        accused_body=county.land,
        parties=[services.PartyInput(name="李建国", phone="13900139000")],
    ).case
    services.transfer(case=case, actor=county.users["clerk"], body=county.discipline)
    services.accept(case=case, actor=county.users["discipline_handler"])
    services.supervise(case=case, actor=county.users["supervisor"], grounds="逾期未告知受理情况")
    notices = render_all(case)
    case.refresh_from_db()

    for kind in ("transfer_slip", "supervision_notice"):
        text = flat(pdf_text(notices[kind]))
        assert "李建国" not in text and "李**" not in text and "13900139000" not in text
        assert "检举控告人信息依法保密" in text
        assert not notices[kind].citizen_visible
    assert "李建国：" in flat(pdf_text(notices["acceptance_notice"]))

    clerk_sees = {n.kind for n in selectors.notices_for_staff(case, county.users["clerk"])}
    assert clerk_sees == {"transfer_slip", "supervision_notice"}
    handler_sees = {
        n.kind for n in selectors.notices_for_staff(case, county.users["discipline_handler"])
    }
    assert "acceptance_notice" in handler_sees
    acceptance = notices["acceptance_notice"]
    with pytest.raises(NotFound):
        selectors.notice_file(case, acceptance.pk, user=county.users["clerk"])


class _QueueDown:
    def enqueue(self, *args, **kwargs):
        raise ConnectionError("queue unavailable")


def test_nothing_is_lost_when_queueing_fails(
    county, django_capture_on_commit_callbacks, monkeypatch
):
    """The move commits with its notice pending; render_pending_notices renders it later."""
    case = register_appeal(county).case
    monkeypatch.setattr(tasks, "render_notice_task", _QueueDown())
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    notice = Notice.objects.get(case=case, kind="transfer_slip")
    assert notice.status == Notice.PENDING

    monkeypatch.undo()
    out = StringIO()
    call_command("render_pending_notices", stdout=out)
    notice.refresh_from_db()
    assert notice.status == Notice.RENDERED
    assert "rendered 1" in out.getvalue()


def test_missing_font_fails_clearly_then_retry_renders(county, settings, tmp_path):
    case = register_appeal(county).case
    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    settings.XINFANG_PDF_FONT = str(tmp_path / "no-such-font.ttf")
    render_all(case)
    notice = Notice.objects.get(case=case, kind="transfer_slip")
    assert notice.status == Notice.FAILED
    assert "no-such-font.ttf" in notice.error and "fonts-wqy-zenhei" in notice.error
    assert not selectors.notices_for_staff(case).filter(status=Notice.RENDERED).exists()

    del settings.XINFANG_PDF_FONT
    call_command("render_pending_notices", "--retry-failed", stdout=StringIO())
    notice.refresh_from_db()
    assert notice.status == Notice.RENDERED and notice.error == ""
    assert notice.attempts == 2


def test_every_notice_a_move_issues_has_a_kind_and_an_editable_template(db):
    """STATUTE.md, Notices: each one a PDF from a template."""
    issued = {m.notice for m in workflow.MOVES.values() if m.notice}
    assert issued <= set(KINDS)
    assert set(NoticeTemplate.objects.values_list("kind", flat=True)) == set(KINDS)
    internal = {k for k, kind in KINDS.items() if not kind.citizen_visible}
    assert internal == {
        "transfer_slip",
        "assign_slip",
        "supervision_notice",
        "result_report",
        "meeting_minutes",
    }


def test_each_notice_of_a_full_case_renders_w22_w34_w35(county):
    """W22 交办单, W23 受理告知书, W34 延期告知书, W32 意见书, W35 复查意见书, W40 督办单."""
    case = register_appeal(county).case
    users = county.users
    import datetime as dt

    from xinfang.core.timeutil import today

    services.assign(
        case=case,
        actor=users["clerk"],
        body=county.housing,
        report_due=today() + dt.timedelta(days=40),
    )
    services.accept(case=case, actor=users["handler"])
    services.supervise(case=case, actor=users["supervisor"], grounds="未按期报告办理进度")
    services.request_extension(
        case=case, actor=users["handler"], days=20, reason="需委托专业机构鉴定"
    )
    services.extend(case=case, actor=users["head"])
    services.decide(
        case=case,
        actor=users["handler"],
        decision="explain",
        facts="漏水系屋面设计缺陷所致。",
        reasons="维修责任需由业主大会决定。",
    )
    services.reply(case=case, actor=users["head"])
    services.request_review(
        case=case, actor=services.CitizenActor(case_id=case.pk), reasons="不同意处理意见"
    )
    services.decide_review(
        case=case,
        actor=users["city_handler"],
        decision="support",
        opinion="维持原处理意见中的事实认定，责令限期维修。",
    )
    notices = render_all(case)

    expected = {
        "assign_slip": ("信访事项交办单", "办结报告"),
        "acceptance_notice": ("受理告知书", "六十日内办结"),
        "supervision_notice": ("信访事项督办单", "未按期报告办理进度"),
        "extension_notice": ("延期办理告知书", "需委托专业机构鉴定"),
        "reply_opinion": ("信访处理意见书", "对你的信访请求予以解释说明"),
        "review_opinion": ("信访事项复查意见书", "责令限期维修"),
    }
    assert set(notices) == set(expected)
    for kind, (title, phrase) in expected.items():
        notice = notices[kind]
        assert notice.status == Notice.RENDERED, (kind, notice.error)
        text = flat(pdf_text(notice))
        assert title in text and phrase in text and case.number in text, kind
        assert "{{" not in text and "{%" not in text
    review = flat(pdf_text(notices["review_opinion"]))
    assert "烟台市住房和城乡建设局" in review and "第三十六条" in review
    assert notices["review_opinion"].number.startswith("烟住建信复查〔")
