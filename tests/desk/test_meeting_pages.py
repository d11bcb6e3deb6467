"""Desk pages of joint meetings (W39), tasks in a body's inbox, a leader's letters (W18) and the
hearing shown beside the decision (W31, W36)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import accepted_appeal, register_appeal
from xinfang.cases import services
from xinfang.cases.models import Case
from xinfang.reception.models import Meeting, Task

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _as(client, county, name):
    client.force_login(county.users[name])
    return client


@time_machine.travel(START, tick=False)
def test_w39_a_meeting_decision_reaches_the_bodys_inbox_with_its_deadline(county, client):
    case = accepted_appeal(county)
    _as(client, county, "supervisor")
    page = client.get(reverse("desk:meetings"))
    assert page.status_code == 200 and "联席会议" in page.content.decode()
    created = client.post(
        reverse("desk:meeting_create"),
        {
            "held_on": "2026-03-02",
            "title": "三月信访工作联席会议",
            "convenor": county.office.pk,
            "place": "第一会议室",
            "bodies": [county.housing.pk, county.land.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert created.status_code == 302 and created["Location"].endswith(f"/meetings/{meeting.pk}/")
    assert (
        client.post(
            reverse("desk:meeting_agenda", args=[meeting.pk]),
            {"kind": "backlog", "case_number": case.number},
        ).status_code
        == 302
    )
    item = meeting.agenda.get()
    done = client.post(
        reverse("desk:meeting_decision", args=[meeting.pk]),
        {
            "agenda_item": item.pk,
            "text": "住建局三月底前修复楼顶防水",
            "body": county.housing.pk,
            "due_on": "2026-03-31",
        },
    )
    assert done.status_code == 302
    html = client.get(reverse("desk:meeting", args=[meeting.pk])).content.decode()
    assert "住建局三月底前修复楼顶防水" in html and "2026-03-31" in html

    inbox = _as(client, county, "handler").get(reverse("desk:home")).content.decode()
    assert 'id="tasks"' in inbox and "住建局三月底前修复楼顶防水" in inbox
    assert "2026-03-31" in inbox and "剩29天" in inbox
    assert (
        'id="tasks"'
        not in _as(client, county, "land_handler").get(reverse("desk:home")).content.decode()
    )

    # Only overseers open the meetings; a handler is refused with the reason.
    refused = _as(client, county, "handler").get(reverse("desk:meetings"))
    assert refused.status_code == 403


@time_machine.travel(START, tick=False)
def test_w39_a_decision_form_with_errors_answers_422_and_says_why(county, client):
    _as(client, county, "supervisor")
    meeting = Meeting.objects.create(
        held_on=dt.date(2026, 3, 2),
        title="联席会议",
        convenor=county.office,
        created_by=county.users["supervisor"],
    )
    page = client.post(
        reverse("desk:meeting_decision", args=[meeting.pk]),
        {"text": "挂牌督办", "body": county.housing.pk, "measure": "listed"},
    )
    assert page.status_code == 422
    assert "挂牌督办和限期整改须针对具体信访事项" in page.content.decode()
    assert Task.objects.count() == 0


@time_machine.travel(START, tick=False)
def test_w39_minutes_print_as_a_pdf_with_every_decision(county, client):
    case = accepted_appeal(county)
    _as(client, county, "supervisor")
    meeting = Meeting.objects.create(
        held_on=dt.date(2026, 3, 2),
        title="联席会议",
        convenor=county.office,
        place="第一会议室",
        created_by=county.users["supervisor"],
    )
    meeting.bodies.set([county.housing])
    from xinfang.reception.services import meetings as reception

    item = reception.add_agenda_item(
        actor=county.users["supervisor"], meeting=meeting, kind="backlog", case_number=case.number
    )
    reception.record_decision(
        actor=county.users["supervisor"],
        meeting=meeting,
        body=county.housing,
        text="限期修复",
        due_on=dt.date(2026, 3, 20),
        measure="summons",
        agenda_item=item,
    )
    response = client.get(reverse("desk:meeting_minutes", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext is missing: install poppler-utils")
    text = subprocess.run(
        [pdftotext, "-enc", "UTF-8", "-", "-"], input=response.content, capture_output=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert "信访工作联席会议纪要" in flat
    assert "（1）限期修复（约谈），由海阳市住房和城乡建设局负责，于2026年3月20日前办结" in flat
    assert case.number in flat


@time_machine.travel(START, tick=False)
def test_w18_the_leader_reads_the_letter_and_instructs_from_the_case_page(county, client):
    case = register_appeal(county, title="致市长信").case
    services.address_leader(case=case, actor=county.users["clerk"], leader=county.users["leader"])
    _as(client, county, "leader")
    letters = client.get(reverse("desk:letters")).content.decode()
    assert case.number in letters
    case.refresh_from_db()
    posted = client.post(
        reverse("desk:case_move", args=[case.number, "instruct"]),
        {
            "instruct-version": case.version,
            "instruct-instruction": "请住建局十日内办理",
            "instruct-body": county.housing.pk,
            "instruct-deadline": "2026-03-12",
        },
    )
    assert posted.status_code == 302
    page = client.get(reverse("desk:case", args=[case.number])).content.decode()
    assert 'id="instruction"' in page and "请住建局十日内办理" in page
    assert case.number not in client.get(reverse("desk:letters")).content.decode()
    assert client.get(reverse("desk:letters")).status_code == 200
    assert _as(client, county, "handler").get(reverse("desk:letters")).status_code == 403


@time_machine.travel(START, tick=False)
def test_w31_the_hearings_conclusion_is_shown_when_deciding(county, client):
    case = accepted_appeal(county)
    case = services.start_hearing(
        case=case,
        actor=county.users["handler"],
        held_on=dt.date(2026, 3, 4),
        place="听证室",
        host="副局长",
        panel="律师 王某\n人大代表 李某",
    )
    services.end_hearing(
        case=case, actor=county.users["handler"], minutes="各方陈述", conclusion="漏水属实应予维修"
    )
    page = _as(client, county, "handler").get(reverse("desk:case", args=[case.number]))
    html = page.content.decode()
    assert 'id="hearing-conclusion"' in html and "漏水属实应予维修" in html
    assert 'id="move-decide"' in html
    assert Case.objects.get(pk=case.pk).hearing_active is False
