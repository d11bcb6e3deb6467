"""Protection of the reporter (W30, W46), proved through the pages and the staff API.

A report (检举控告) accusing the county housing bureau is registered by the petition office and
sent to the discipline body. Neither the bureau nor anybody on its staff (handlers, its head, a
supervisor or a leader placed there) may reach it by any page or endpoint, and the reporter's
identity is shown only to the discipline body holding it.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.models import Case, CoHandler
from xinfang.orgs.models import Membership

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
REPORTER = "李四"
PHONE = "13900139000"
TITLE = "住建局科长收受开发商好处"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def report(county):
    """The report, accepted by discipline, overdue, under listed supervision, leader-owned and
    escalated: it appears on every oversight list of those allowed to see it."""
    users = county.users
    User = get_user_model()
    for name, role in (("housing_supervisor", "supervisor"), ("housing_leader", "leader")):
        users[name] = User.objects.create_user(name, password="pw-" + name)
        Membership.objects.create(user=users[name], body=county.housing, role=role)
    with time_machine.travel(START, tick=False):
        case = register_appeal(
            county,
            content_type="report",
            title=TITLE,
            text="反映住建局某科长收受开发商好处，请纪委调查。",
            accused_body=county.housing,
            parties=[services.PartyInput(name=REPORTER, phone=PHONE)],
        ).case
        case = services.transfer(case=case, actor=users["clerk"], body=county.discipline)
        case = services.accept(case=case, actor=users["discipline_handler"])
        services.list_supervision(case=case, actor=users["supervisor"], reason="重点督办")
        services.assign_leader(
            case=case,
            actor=users["supervisor"],
            level="A",
            leader=users["leader"],
            body=county.discipline,
            plan="纪委牵头核查",
            deadline=dt.date(2026, 6, 1),
        )
        services.escalate(case=case, actor=users["supervisor"], reason="需领导协调")
    return Case.objects.get(pk=case.pk)


ACCUSED = ("handler", "handler2", "head", "housing_supervisor", "housing_leader")
LATER = START + dt.timedelta(days=70)  # the 60-day handling clock has run out


def _expected_status(user, url: str) -> int:
    from xinfang.desk.navigation import may_open

    for page in ("supervision", "leaders", "grid"):
        if url == reverse(f"desk:{page}"):
            return 200 if may_open(user, page) else 403
    return 200


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("who", ACCUSED)
def test_w30_w46_accused_body_staff_never_see_the_report_on_any_page(county, report, client, who):
    user = county.users[who]
    with time_machine.travel(LATER, tick=False):
        services.flag_overdue()
        for url in (
            reverse("desk:home"),
            reverse("desk:home") + "?q=收受",
            reverse("desk:home") + "?queue=supervised",
            reverse("desk:home") + "?queue=overdue",
            reverse("desk:home") + "?queue=leader",
            reverse("desk:supervision"),
            reverse("desk:leaders"),
            reverse("desk:grid"),
        ):
            page = _get(client, user, url)
            html = page.content.decode()
            # A page the user's roles do not open answers the 403 page (desk/navigation.py).
            assert page.status_code == _expected_status(user, url), url
            assert report.number not in html and TITLE not in html, (who, url)
            assert REPORTER not in html and "李**" not in html
        for url in (
            reverse("desk:case", args=[report.number]),
            reverse("desk:supervision_case", args=[report.number]),
        ):
            assert _get(client, user, url).status_code == 404, url


@pytest.mark.parametrize("who", ["head", "housing_supervisor"])
def test_w30_accused_staff_cannot_act_on_the_report_through_any_form(county, report, client, who):
    client.force_login(county.users[who])
    version = report.version
    posts = [
        (
            reverse("desk:case_move", args=[report.number, "add_co_handler"]),
            {
                "add_co_handler-version": version,
                "add_co_handler-body": county.land.pk,
                "add_co_handler-part": "协助",
            },
        ),
        (
            reverse("desk:supervision_action", args=[report.number, "supervise"]),
            {"supervise-grounds": "督办", "supervise-version": report.version},
        ),
        (
            reverse("desk:supervision_action", args=[report.number, "answer_supervision"]),
            {"answer_supervision-answer": "已办", "answer_supervision-version": report.version},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    resp = client.post(
        reverse("desk:leaders_assign"),
        {
            "number": report.number,
            "level": "C",
            "leader": county.users["housing_leader"].pk,
            "body": county.housing.pk,
            "plan": "自查",
            "deadline": "2026-12-01",
        },
    )
    assert resp.status_code in (403, 404, 422)
    report.refresh_from_db()
    assert report.version == version and report.leader == county.users["leader"]


def test_w30_the_report_is_never_routed_or_shared_with_the_accused_body(county, client):
    case = register_appeal(
        county,
        content_type="report",
        title=TITLE,
        text="反映问题",
        accused_body=county.housing,
        parties=[services.PartyInput(name=REPORTER, phone=PHONE)],
    ).case
    client.force_login(county.users["clerk"])
    page = client.get(reverse("desk:case", args=[case.number])).content.decode()
    transfer_form = page.split(f'action="/desk/case/{case.number}/move/transfer/"')[1]
    assert county.housing.name not in transfer_form.split("</form>")[0]
    resp = client.post(
        reverse("desk:case_move", args=[case.number, "transfer"]),
        {"transfer-version": case.version, "transfer-body": county.housing.pk},
    )
    assert resp.status_code in (200, 422)
    case.refresh_from_db()
    assert case.holder_body == county.office

    services.transfer(case=case, actor=county.users["clerk"], body=county.discipline)
    client.force_login(county.users["discipline_handler"])
    case.refresh_from_db()
    resp = client.post(
        reverse("desk:case_move", args=[case.number, "add_co_handler"]),
        {
            "add_co_handler-version": case.version,
            "add_co_handler-body": county.housing.pk,
            "add_co_handler-part": "配合调查",
        },
    )
    assert resp.status_code == 422
    assert not CoHandler.objects.filter(case=case).exists()


def test_w30_w46_staff_api_hides_the_report_from_the_accused_body(county, report, client):
    for who in ("head", "housing_supervisor", "housing_leader"):
        out = io.StringIO()
        call_command("create_api_token", who, stdout=out)
        auth = {"Authorization": f"Bearer {out.getvalue().strip()}"}
        listed = client.get("/api/v1/cases", headers=auth)
        assert listed.status_code == 200
        assert report.number not in listed.content.decode()
        searched = client.get("/api/v1/cases?q=收受", headers=auth)
        assert report.number not in searched.content.decode()
        base = f"/api/v1/cases/{report.number}"
        assert client.get(base, headers=auth).status_code == 404
        assert client.get(f"{base}/moves", headers=auth).status_code == 404
        post = client.post(
            f"{base}/moves/answer_supervision",
            {"answer": "x"},
            content_type="application/json",
            headers=auth,
        )
        assert post.status_code == 404


# ---------------------------------------------------------------------------------------------
# Who sees the reporter's identity


def test_w30_only_the_discipline_body_holding_it_sees_the_reporter(county, report, client):
    client.force_login(county.users["discipline_handler"])
    page = client.get(reverse("desk:case", args=[report.number])).content.decode()
    assert "李**" in page and "139****9000" in page
    assert REPORTER not in page  # masked until unmasked for a logged reason


@pytest.mark.parametrize("who", ["clerk", "supervisor", "leader"])
def test_w30_w46_office_clerk_supervisor_and_leader_see_no_identity(county, report, client, who):
    client.force_login(county.users[who])
    for url in (
        reverse("desk:case", args=[report.number]),
        reverse("desk:supervision_case", args=[report.number]),
        reverse("desk:supervision"),
        reverse("desk:leaders"),
    ):
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == _expected_status(county.users[who], url), url
        assert REPORTER not in html and "李**" not in html and "9000" not in html, url
    html = client.get(reverse("desk:supervision_case", args=[report.number])).content.decode()
    assert "身份信息受保护" in html
    # Nor may they unmask it.
    party = report.parties.get()
    resp = client.post(
        reverse("desk:case_unmask", args=[report.number, party.pk]), {"reason": "核实身份"}
    )
    assert resp.status_code in (403, 404)
    assert REPORTER not in resp.content.decode()


@pytest.mark.parametrize("who", ["clerk", "supervisor", "leader", "discipline_handler"])
def test_w30_staff_api_shows_identity_only_to_the_discipline_holder(county, report, client, who):
    out = io.StringIO()
    call_command("create_api_token", who, stdout=out)
    auth = {"Authorization": f"Bearer {out.getvalue().strip()}"}
    detail = client.get(f"/api/v1/cases/{report.number}", headers=auth)
    assert detail.status_code == 200
    data = detail.json()
    assert REPORTER not in detail.content.decode()
    if who == "discipline_handler":
        assert data["identity_hidden"] is False and data["parties"][0]["name"] == "李**"
    else:
        assert data["identity_hidden"] is True and data["parties"] == []
        assert "9000" not in detail.content.decode()
