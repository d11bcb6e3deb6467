"""Informed decisions (W32, W35, W36): the head signs a reply reading the whole draft and the
notice as it will go out; the reviewing body reads the petitioner's reasons, the rating and its
comment, and the answer under review with its notice; the re-reviewing body reads both earlier
answers. A report's reporter stays hidden from whoever may not see them (W30, W46)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.conftest import accepted_appeal, report_against
from xinfang.cases import services
from xinfang.cases.access import CitizenActor
from xinfang.documents.models import Notice
from xinfang.documents.services import render_pending

TZ = ZoneInfo("Asia/Shanghai")
DAY0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=TZ)  # a Monday


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def at(days: int):
    return time_machine.travel(DAY0 + dt.timedelta(days=days), tick=False)


def text(response) -> str:
    """The page's visible words, tags dropped, whitespace collapsed."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def drafted(county):
    with at(0):
        case = accepted_appeal(county)
    with at(2):
        return services.decide(
            case=case,
            actor=county.users["handler"],
            decision="support",
            facts="经现场查看，3号楼顶层防水层老化破损，雨天渗漏属实。",
            reasons="物业服务企业应当履行共用部位维修义务。",
            basis="《物业管理条例》第三十五条",
            request="请求物业公司维修楼顶防水",
        )


def test_the_head_signs_reading_the_whole_draft_and_the_notice_text(county, client):
    case = drafted(county)
    client.force_login(county.users["head"])
    with at(3):
        response = client.get(f"/desk/case/{case.number}/")
    page = text(response)
    draft = page[page.index("待签发的处理意见") :]
    for words in (
        "请求物业公司维修楼顶防水",
        "3号楼顶层防水层老化破损",
        "物业服务企业应当履行共用部位维修义务",
        "《物业管理条例》第三十五条",
        "支持",
    ):
        assert words in draft
    # The notice as it will go out: the reply template filled from the draft, addressed to the
    # petitioner, no number yet.
    assert "信访处理意见书" in page
    assert "张三：" in page
    assert "四、处理意见" in page and "《物业管理条例》第三十五条" in page
    assert "编号在签发时生成" in page
    assert f"/desk/case/{case.number}/preview/reply/" in response.content.decode()
    # Nothing was issued by looking.
    assert not Notice.objects.filter(case=case, kind="reply_opinion").exists()


def test_the_pdf_preview_is_for_the_one_who_may_sign_now(county, client):
    case = drafted(county)
    url = f"/desk/case/{case.number}/preview/reply/"
    client.force_login(county.users["handler"])  # drafted it; may not sign
    with at(3):
        assert client.get(url).status_code == 404
    client.force_login(county.users["land_handler"])  # another body: cannot see the case
    with at(3):
        assert client.get(url).status_code == 404
    client.force_login(county.users["head"])
    with at(3):
        response = client.get(url)
        assert client.get(f"/desk/case/{case.number}/preview/close/").status_code == 404
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def reviewed_case(county):
    """Replied by the county housing bureau, rated unsatisfied with a comment, review asked for
    (the city housing bureau reviews)."""
    case = drafted(county)
    petitioner = CitizenActor(case_id=case.pk)
    with at(3):
        case = services.reply(case=case, actor=county.users["head"])
    with at(5):
        case = services.rate(
            case=case, actor=petitioner, rating="unsatisfied", comment="只答复了，没有人来修。"
        )
    with at(6):
        case = services.request_review(
            case=case, actor=petitioner, reasons="答复后一个月仍无人维修，请求上级督促。"
        )
    render_pending()
    return case


def test_the_reviewing_body_reads_the_reasons_rating_and_answer_under_review(county, client):
    case = reviewed_case(county)
    client.force_login(county.users["city_handler"])
    with at(7):
        page = text(client.get(f"/desk/case/{case.number}/"))
    earlier = page[page.index("已作出的答复") :]
    assert "复查申请" in earlier and "答复后一个月仍无人维修，请求上级督促。" in earlier
    assert "不满意" in earlier and "只答复了，没有人来修。" in earlier
    assert "处理意见" in earlier and "海阳市住房和城乡建设局" in earlier
    assert "3号楼顶层防水层老化破损" in earlier and "《物业管理条例》第三十五条" in earlier
    reply = Notice.objects.get(case=case, kind="reply_opinion")
    assert (
        f"/desk/case/{case.number}/notices/{reply.pk}/"
        in client.get(f"/desk/case/{case.number}/").content.decode()
    )
    with at(7):
        assert client.get(f"/desk/case/{case.number}/notices/{reply.pk}/").status_code == 200


def test_the_re_reviewing_body_reads_both_earlier_answers(county, client):
    from xinfang.orgs.models import Body, BodyKind, Membership

    case = reviewed_case(county)
    province = Body.objects.create(
        name="山东省住房和城乡建设厅", kind=BodyKind.DEPARTMENT, division=county.province
    )
    county.city_housing.parent = province
    county.city_housing.save()
    reviewer = county.users["city_handler"]
    with at(8):
        case = services.decide_review(
            case=case, actor=reviewer, decision="support", opinion="维持原处理意见，督促限期维修。"
        )
    with at(9):
        case = services.request_rereview(
            case=case, actor=CitizenActor(case_id=case.pk), reasons="复查后仍未维修。"
        )
    from django.contrib.auth import get_user_model

    prov = get_user_model().objects.create_user("prov_handler", password="x")
    Membership.objects.create(user=prov, body=province, role="handler")
    client.force_login(prov)
    with at(10):
        page = text(client.get(f"/desk/case/{case.number}/"))
    earlier = page[page.index("已作出的答复") :]
    assert "3号楼顶层防水层老化破损" in earlier  # the first answer
    assert "维持原处理意见，督促限期维修。" in earlier  # the review answer
    assert "烟台市住房和城乡建设局" in earlier and "海阳市住房和城乡建设局" in earlier
    assert "复查申请" in earlier and "复核申请" in earlier and "复查后仍未维修。" in earlier
    assert earlier.index("处理意见") < earlier.index("复查意见")


def test_a_report_previewed_by_a_head_who_may_not_see_the_reporter_names_nobody(county):
    """The preview follows the same rule as the notices: the reporter's name only for those
    entitled (the discipline body handling the report)."""
    from xinfang.documents.preview import preview_layout

    with at(0):
        report = report_against(county, county.land)
        report = services.accept(case=report, actor=county.users["discipline_handler"])
        report = services.decide(
            case=report,
            actor=county.users["discipline_handler"],
            decision="explain",
            facts="经核查，未发现收受好处费的证据。",
            reasons="反映问题查无实据。",
        )
    entitled = preview_layout(report, "reply", user=county.users["discipline_handler"])
    outsider = preview_layout(report, "reply", user=county.users["clerk"])
    assert entitled.addressee == "李四"
    assert "李四" not in outsider.addressee and "李" not in "".join(outsider.paragraphs)
