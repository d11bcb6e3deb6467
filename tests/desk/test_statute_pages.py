"""The statute's follow-up moves on the desk: a hearing recorded from the case page (W31), a
recused handler left without moves (W28), and a supported decision not carried out listed on
the supervision page with its ground (W32, W40)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import accepted_appeal, replied_appeal
from xinfang.cases import services
from xinfang.cases.models import Case

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _move(client, case, move, **fields):
    case.refresh_from_db()
    data = {f"{move}-version": case.version}
    data.update({f"{move}-{k}": v for k, v in fields.items()})
    return client.post(reverse("desk:case_move", args=[case.number, move]), data)


@time_machine.travel(START, tick=False)
def test_w31_the_handler_records_a_hearing_from_the_case_page(county):
    case = accepted_appeal(county)
    client = _client(county.users["handler"])
    page = client.get(reverse("desk:case", args=[case.number])).content.decode()
    assert "记录听证" in page and 'name="record_hearing-held_on"' in page
    assert 'max="2026-03-02"' in page  # a day that has come, not a due date
    response = _move(
        client,
        case,
        "record_hearing",
        held_on="2026-03-01",
        participants="张三、物业代表",
        summary="查明漏水原因",
    )
    assert response.status_code == 302
    page = client.get(reverse("desk:case", args=[case.number])).content.decode()
    assert "张三、物业代表" in page and "查明漏水原因" in page


@time_machine.travel(START, tick=False)
def test_w28_a_recused_handler_sees_no_move_and_is_refused(county):
    case = accepted_appeal(county)
    client = _client(county.users["handler"])
    assert _move(client, case, "recuse", reason="信访人系本人亲属").status_code == 302
    page = client.get(reverse("desk:case", args=[case.number])).content.decode()
    assert 'name="decide-decision"' not in page and 'id="no-moves"' in page
    response = _move(client, case, "decide", decision="support", facts="属实", reasons="应予维修")
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == "accepted"


def test_w32_w40_a_supported_decision_not_carried_out_is_listed_with_its_ground(county):
    with time_machine.travel(START, tick=False):
        case = replied_appeal(county, decision="support")
    client = _client(county.users["supervisor"])
    with time_machine.travel(START + dt.timedelta(days=40), tick=False):
        page = client.get(reverse("desk:supervision")).content.decode()
    assert case.number in page
    assert "支持意见落实期限" in page and "支持的处理意见未落实" in page
    with time_machine.travel(START + dt.timedelta(days=40), tick=False):
        services.record_carried_out(case=case, actor=county.users["handler"], account="已维修")
        page = client.get(reverse("desk:supervision")).content.decode()
    assert "支持的处理意见未落实" not in page


def test_w40_supervising_from_an_overdue_row_starts_from_its_ground(county):
    with time_machine.travel(START, tick=False):
        case = replied_appeal(county, decision="support")
    client = _client(county.users["supervisor"])
    with time_machine.travel(START + dt.timedelta(days=40), tick=False):
        page = client.get(reverse("desk:supervision")).content.decode()
        link = reverse("desk:supervision_case", args=[case.number]) + "?ground=not_carried_out"
        assert link in page
        page = client.get(link).content.decode()
    assert '<option value="not_carried_out" selected>' in page
