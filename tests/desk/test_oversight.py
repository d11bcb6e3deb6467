"""Oversight pages: supervision (W39, W40, X36), leader ownership (W18), grid ledger, and the
handling mechanics driven through the case page: joint handling (W24), remit objection (W23),
mediation (W33) and hearings (W36)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.conftest import RETOLD_LEAK, accepted_appeal, register_appeal
from xinfang.cases import services
from xinfang.cases.models import Case, CoHandler, GridItem, SupervisionNotice
from xinfang.core.selectors import work_calendar

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _as(client, county, name):
    client.force_login(county.users[name])
    return client


def _move(client, case, move, **fields):
    case.refresh_from_db()
    data = {f"{move}-version": case.version}
    data.update({f"{move}-{k}": v for k, v in fields.items()})
    return client.post(reverse("desk:case_move", args=[case.number, move]), data)


def _version(case) -> int:
    return Case.objects.get(pk=case.pk).version


# ---------------------------------------------------------------------------------------------
# Supervision


def test_w40_supervisor_sees_overdue_issues_a_notice_and_reads_the_reply(county, client):
    with time_machine.travel(START, tick=False):
        case = accepted_appeal(county)
    due = case.clocks.get(period="handle").due_on
    later = dt.datetime.combine(due + dt.timedelta(days=2), dt.time(9), tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False):
        services.flag_overdue()
        page = _as(client, county, "supervisor").get(reverse("desk:supervision"))
        html = page.content.decode()
        assert page.status_code == 200
        overdue = html.split('id="overdue"')[1].split('id="due-soon"')[0]
        assert case.number in overdue and "办理期限" in overdue and "已标记超期" in overdue

        reply_by = work_calendar().next_workday(due + dt.timedelta(days=10)).isoformat()
        url = reverse("desk:supervision_action", args=[case.number, "supervise"])
        resp = client.post(
            url,
            {
                "supervise-grounds": "超期未办结，请说明原因",
                "supervise-due_on": reply_by,
                "supervise-version": _version(case),
            },
        )
        assert resp.status_code == 302
        notice = SupervisionNotice.objects.get(case=case)
        assert notice.due_on.isoformat() == reply_by and notice.issued_by.username == "supervisor"

        # The holding body finds it on its own supervision page and answers.
        handler_page = _as(client, county, "handler").get(reverse("desk:supervision")).content
        assert "超期未办结，请说明原因" in handler_page.decode()
        assert 'id="overdue"' not in handler_page.decode()  # no scope-wide lists for handlers
        url = reverse("desk:supervision_action", args=[case.number, "answer_supervision"])
        assert (
            client.post(
                url,
                {
                    "answer_supervision-answer": "已完成现场核查，3日内答复",
                    "answer_supervision-version": _version(case),
                },
            ).status_code
            == 302
        )

        html = _as(client, county, "supervisor").get(reverse("desk:supervision")).content.decode()
    assert "已完成现场核查，3日内答复" in html.split('id="notices"')[1]
    notice.refresh_from_db()
    assert notice.answered_at is not None


def test_w40_notice_form_errors_come_back_in_chinese(county, client):
    case = accepted_appeal(county)
    url = reverse("desk:supervision_action", args=[case.number, "supervise"])
    resp = _as(client, county, "supervisor").post(
        url, {"supervise-grounds": "", "supervise-version": case.version}
    )
    assert resp.status_code == 422
    assert not SupervisionNotice.objects.exists()
    resp = client.post(
        url,
        {
            "supervise-grounds": "督办",
            "supervise-due_on": "2020-01-01",
            "supervise-version": case.version,
        },
    )
    assert resp.status_code == 422 and "期限不能早于今天" in resp.content.decode()


def test_w40_a_handler_cannot_issue_a_notice(county, client):
    case = accepted_appeal(county)
    url = reverse("desk:supervision_action", args=[case.number, "supervise"])
    resp = _as(client, county, "handler").post(
        url, {"supervise-grounds": "自己督办自己", "supervise-version": case.version}
    )
    assert resp.status_code == 403
    assert not SupervisionNotice.objects.exists()


def test_w39_listed_supervision_is_shown_to_every_body_concerned(county, client):
    case = accepted_appeal(county)
    services.add_co_handler(case=case, actor=county.users["head"], body=county.land, part="土地")
    url = reverse("desk:supervision_action", args=[case.number, "list_supervision"])
    resp = _as(client, county, "supervisor").post(
        url, {"list_supervision-reason": "群众反映强烈", "list_supervision-version": _version(case)}
    )
    assert resp.status_code == 302
    assert Case.objects.get(pk=case.pk).listed_supervision
    for name in ("handler", "head", "land_handler", "clerk"):
        html = _as(client, county, name).get(reverse("desk:supervision")).content.decode()
        assert "listed-banner" in html and case.number in html, name
    html = _as(client, county, "town_handler").get(reverse("desk:supervision")).content.decode()
    assert "listed-banner" not in html

    # The include the inbox and the case page use.
    request = RequestFactory().get("/desk/")
    request.user = county.users["land_handler"]
    rendered = Template("{% load oversight %}{% listed_banner %}").render(
        Context({"request": request})
    )
    assert case.number in rendered
    case.refresh_from_db()
    one = Template("{% load oversight %}{% listed_banner case %}").render(Context({"case": case}))
    assert "挂牌督办" in one


def test_w40_escalation_shows_on_the_owning_leaders_page(county, client):
    case = accepted_appeal(county)
    deadline = timezone.localdate() + dt.timedelta(days=30)
    services.assign_leader(
        case=case,
        actor=county.users["supervisor"],
        level="B",
        leader=county.users["leader"],
        body=county.housing,
        plan="召开协调会",
        deadline=deadline,
    )
    url = reverse("desk:supervision_action", args=[case.number, "escalate"])
    resp = _as(client, county, "supervisor").post(
        url, {"escalate-reason": "部门推诿", "escalate-version": _version(case)}
    )
    assert resp.status_code == 302
    html = _as(client, county, "leader").get(reverse("desk:leaders")).content.decode()
    mine = html.split('id="mine"')[1]
    assert case.number in mine and "部门推诿" in mine and "召开协调会" in mine


# ---------------------------------------------------------------------------------------------
# Leaders (W18)


def test_w18_supervisor_assigns_the_four_fixed_and_the_leader_sees_days_left(county, client):
    case = accepted_appeal(county)
    deadline = timezone.localdate() + dt.timedelta(days=20)
    page = _as(client, county, "supervisor").get(reverse("desk:leaders"))
    assert page.status_code == 200 and "定领导" in page.content.decode()
    data = {
        "number": case.number,
        "level": "A",
        "leader": county.users["leader"].pk,
        "body": county.housing.pk,
        "plan": "领导接访，一周内现场办公",
        "deadline": deadline,
    }
    resp = client.post(reverse("desk:leaders_assign"), data)
    assert resp.status_code == 302
    case.refresh_from_db()
    assert (case.leader_level, case.leader, case.leader_body) == (
        "A",
        county.users["leader"],
        county.housing,
    )
    html = _as(client, county, "leader").get(reverse("desk:leaders")).content.decode()
    mine = html.split('id="mine"')[1]
    assert case.number in mine and "A级" in mine and "领导接访" in mine
    assert "还剩20天" in mine


def test_w18_assignment_needs_all_four_fixed(county, client):
    case = accepted_appeal(county)
    data = {"number": case.number, "level": "A", "leader": county.users["leader"].pk}
    resp = _as(client, county, "supervisor").post(reverse("desk:leaders_assign"), data)
    assert resp.status_code == 422
    case.refresh_from_db()
    assert case.leader_level == ""


# ---------------------------------------------------------------------------------------------
# Grid ledger


def _record(client, county, **over):
    data = {
        "kind": "dispute",
        "title": "邻里排水纠纷",
        "description": "两户因排水沟争吵",
        "place": county.village.code,
        "address": "东村3组",
        "responsible_person": "村调解员孙某",
        "due_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
    }
    data.update(over)
    return client.post(reverse("desk:grid_record"), data)


def test_grid_worker_records_settles_and_the_ledger_lists_overdue_first(county, client):
    _as(client, county, "grid")
    assert client.get(reverse("desk:grid")).status_code == 200
    assert _record(client, county).status_code == 302
    late = services.register_grid_item(
        actor=county.users["grid"],
        body=county.village_committee,
        kind="hazard",
        title="危房隐患",
        description="老屋墙体开裂",
        place=county.village,
        responsible_person="网格员",
        due_on=timezone.localdate(),
    )
    GridItem.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    html = client.get(reverse("desk:grid")).content.decode().split("<h2>村级")[1]
    assert html.index("危房隐患") < html.index("邻里排水纠纷")  # overdue first
    assert "row-over" in html

    item = GridItem.objects.get(title="邻里排水纠纷")
    url = reverse("desk:grid_action", args=[item.pk, "settle"])
    assert client.post(url, {"settle-outcome": "已疏通排水沟"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "settled" and item.outcome == "已疏通排水沟"
    assert "邻里排水纠纷" not in client.get(reverse("desk:grid")).content.decode()


def test_grid_place_outside_the_village_is_refused(county, client):
    _as(client, county, "grid")
    assert _record(client, county, place=county.county.code).status_code == 422
    assert not GridItem.objects.exists()


def test_grid_escalates_to_the_township_which_then_sees_and_converts_it(county, client):
    _as(client, county, "grid")
    _record(client, county)
    item = GridItem.objects.get()
    url = reverse("desk:grid_action", args=[item.pk, "escalate"])
    assert client.post(url, {"escalate-reason": "村里调解不成"}).status_code == 302
    item.refresh_from_db()
    assert item.holder_body == county.town_gov
    # Still listed for the village (it arose there), but no longer theirs to act on.
    page = client.get(reverse("desk:grid_item", args=[item.pk])).content.decode()
    assert "村里调解不成" in page and 'action="/desk/grid/' not in page

    _as(client, county, "town_handler")
    html = client.get(reverse("desk:grid")).content.decode()
    assert "邻里排水纠纷" in html and "乡镇" in html
    url = reverse("desk:grid_action", args=[item.pk, "convert"])
    data = {
        "convert-content_type": "appeal",
        "convert-petitioner_name": "钱六",
        "convert-petitioner_phone": "13600136000",
    }
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.case.channel == "grid" and item.case.holder_body == county.town_gov


def test_grid_page_is_not_for_a_department_handler_to_record(county, client):
    _as(client, county, "handler")
    assert _record(client, county).status_code == 403


# ---------------------------------------------------------------------------------------------
# Handling mechanics through the case page


def test_w24_joint_handling_through_the_case_page(county, client):
    case = accepted_appeal(county)
    _as(client, county, "handler")
    resp = _move(client, case, "add_co_handler", body=county.land.pk, part="核实土地权属")
    assert resp.status_code == 302
    assert CoHandler.objects.get(case=case).body == county.land

    _as(client, county, "land_handler")
    page = client.get(reverse("desk:case", args=[case.number]))
    assert page.status_code == 200 and "协办回复" in page.content.decode()
    assert _move(client, case, "answer_co_handling", answer="属集体土地").status_code == 302
    assert CoHandler.objects.get(case=case).answer == "属集体土地"


def test_w23_remit_objection_within_5_working_days_and_return_on_agreement(county, client):
    with time_machine.travel(START, tick=False):
        case = register_appeal(county).case
        case = services.transfer(case=case, actor=county.users["clerk"], body=county.land)
    # Day 5 working day (Monday 9 March): still in time.
    with time_machine.travel(START + dt.timedelta(days=7), tick=False):
        _as(client, county, "land_handler")
        resp = _move(client, case, "object_remit", reason="属住建部门职责")
        assert resp.status_code == 302
        case.refresh_from_db()
        assert case.state == "remit_objected" and case.holder_body == county.land
        _as(client, county, "clerk")
        assert _move(client, case, "agree_return", note="同意退回").status_code == 302
    case.refresh_from_db()
    assert case.state == "registered" and case.holder_body == county.office


def test_w23_remit_objection_after_5_working_days_is_refused(county, client):
    with time_machine.travel(START, tick=False):
        case = register_appeal(county).case
        case = services.transfer(case=case, actor=county.users["clerk"], body=county.land)
    with time_machine.travel(START + dt.timedelta(days=8), tick=False):
        _as(client, county, "land_handler")
        page = client.get(reverse("desk:case", args=[case.number])).content.decode()
        assert "提出管辖异议" not in page
        resp = _move(client, case, "object_remit", reason="太晚了")
        assert resp.status_code == 409
    case.refresh_from_db()
    assert case.state == "transferred"


def test_w33_mediation_agreement_through_the_case_page(county, client):
    case = accepted_appeal(county)
    _as(client, county, "handler")
    resp = _move(client, case, "mediate", agreement="物业三日内维修屋顶，双方无异议")
    assert resp.status_code == 302
    case.refresh_from_db()
    assert case.state == "mediated"
    assert case.decision_detail["mediation_agreement"].startswith("物业三日内维修")


def test_w36_hearing_pauses_the_rereview_clock_through_the_case_page(county, client):
    from django.contrib.auth import get_user_model

    from xinfang.orgs.models import Body, BodyKind, Membership

    province_housing = Body.objects.create(
        name="山东省住房和城乡建设厅", kind=BodyKind.DEPARTMENT, division=county.province
    )
    county.city_housing.parent = province_housing
    county.city_housing.save()
    province_handler = get_user_model().objects.create_user("province_handler")
    Membership.objects.create(user=province_handler, body=province_housing, role="handler")
    petitioner = services.CitizenActor
    with time_machine.travel(START, tick=False):
        case = accepted_appeal(county)
        case = services.decide(
            case=case,
            actor=county.users["handler"],
            decision="reject",
            facts="已维修",
            reasons="无依据",
        )
        case = services.reply(case=case, actor=county.users["head"])
        case = services.request_review(case=case, actor=petitioner(case.pk), reasons="不服")
        case = services.decide_review(
            case=case, actor=county.users["city_handler"], decision="reject", opinion="维持"
        )
        case = services.request_rereview(case=case, actor=petitioner(case.pk), reasons="不服")
    assert case.holder_body == province_housing
    clock = case.clocks.get(period="rereview_decide", status="running")
    due = clock.due_on
    client.force_login(province_handler)
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        assert (
            _move(
                client,
                case,
                "start_hearing",
                held_on=(START + dt.timedelta(days=3)).date().isoformat(),
                place="省信访局听证室",
                host="省信访局副局长",
                panel="律师 王某\n人大代表 李某",
                note="召开听证会",
            ).status_code
            == 302
        )
    with time_machine.travel(START + dt.timedelta(days=6), tick=False):
        page = client.get(reverse("desk:case", args=[case.number])).content.decode()
        assert "作出复核意见" not in page  # no decision while the hearing runs (W36)
        assert (
            _move(
                client, case, "end_hearing", minutes="各方陈述", conclusion="建议维持原复查意见"
            ).status_code
            == 302
        )
    clock.refresh_from_db()
    assert clock.paused_days == 5 and clock.due_on > due


def test_supervisor_sees_a_matter_many_people_raise_counted_once_per_person(
    county, client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        for i, (title, text) in enumerate(
            [*RETOLD_LEAK, RETOLD_LEAK[0]]
        ):  # the first person writes twice
            person = [services.PartyInput(name=f"居民{i % 3}", phone=f"1390000000{i % 3}")]
            register_appeal(county, title=title, text=text, parties=person)
    page = _as(client, county, "supervisor").get(reverse("desk:supervision"))
    assert "多人反映的问题" in page.content.decode()
    # The section itself comes in a request of its own once the page is shown.
    html = client.get(reverse("desk:supervision_hot")).content.decode()
    assert "多人反映的问题" in html and "近 30 天" in html
    rows = html.split('id="hot"', 1)[1].split("</table>", 1)[0]
    assert rows.count("<tr>") == 2  # the header and one matter
    assert "<div>4</div>" in rows and "<div>3</div>" in rows  # four cases, three people
    # A handler of a department is not an overseer: no such section.
    html = _as(client, county, "handler").get(reverse("desk:supervision")).content.decode()
    assert 'id="hot"' not in html
    # The section follows the window chosen.
    _as(client, county, "supervisor")
    html = client.get(reverse("desk:supervision_hot") + "?days=7").content.decode()
    assert "近 7 天" in html
