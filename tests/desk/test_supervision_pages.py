"""The supervision page shows its lists a page at a time, so it costs the same however many
cases are late: a bounded first page, a link to the next, and the next page holding the rest."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import register_appeal
from xinfang.desk.oversight_views import SUPERVISION_PAGE

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday
LATER = START + dt.timedelta(days=60)  # every routing deadline long past


@pytest.fixture
def late_cases(county):
    made = []
    for i in range(SUPERVISION_PAGE + 3):
        with time_machine.travel(START + dt.timedelta(minutes=i), tick=False):
            made.append(register_appeal(county, title=f"路灯不亮第{i}件").case)
    return made


def _overdue_numbers(html: str) -> list[str]:
    section = html.split('id="overdue"')[1].split('id="due-soon"')[0]
    return re.findall(r'<span class="mono">([^<]+)</span>', section)


def test_overdue_list_comes_a_page_at_a_time(county, client, late_cases):
    client.force_login(county.users["supervisor"])
    url = reverse("desk:supervision")
    with time_machine.travel(LATER, tick=False):
        first = client.get(url).content.decode()
        first_rows = _overdue_numbers(first)
        assert len(first_rows) == SUPERVISION_PAGE
        assert f"{SUPERVISION_PAGE}+" in first.split('id="overdue"')[1].split("</h2>")[0]
        assert "overdue_page=2" in first and "下一页" in first

        second = client.get(url, {"overdue_page": "2"}).content.decode()
        second_rows = _overdue_numbers(second)
        assert len(second_rows) == 3
        assert "第 2 页" in second and "上一页" in second and "overdue_page=3" not in second

    # Together the pages hold every late case once, the longest overdue first.
    assert sorted(first_rows + second_rows) == sorted(c.number for c in late_cases)
    assert first_rows[0] == late_cases[0].number


def test_a_page_past_the_end_or_a_bad_page_number_still_answers(county, client, late_cases):
    client.force_login(county.users["supervisor"])
    url = reverse("desk:supervision")
    with time_machine.travel(LATER, tick=False):
        past = client.get(url, {"overdue_page": "9"})
        bad = client.get(url, {"overdue_page": "-1", "due_soon_page": "x"})
    assert past.status_code == 200 and _overdue_numbers(past.content.decode()) == []
    assert bad.status_code == 200
    assert len(_overdue_numbers(bad.content.decode())) == SUPERVISION_PAGE


def test_one_page_needs_no_pager(county, client):
    with time_machine.travel(START, tick=False):
        case = register_appeal(county).case
    client.force_login(county.users["supervisor"])
    with time_machine.travel(LATER, tick=False):
        html = client.get(reverse("desk:supervision")).content.decode()
    assert _overdue_numbers(html) == [case.number]
    assert "overdue_page=" not in html


def test_matters_many_people_raise_arrive_once_the_page_is_shown(county, client):
    """Grouping a month's petitions can take seconds: the page asks for that section on its
    own, and only overseers get it."""
    from tests.conftest import RETOLD_LEAK
    from xinfang.cases import services
    from xinfang.triage.services import reindex_all

    for i, (title, text) in enumerate(RETOLD_LEAK):
        person = [services.PartyInput(name=f"居民{i}", phone=f"1390000000{i}")]
        register_appeal(county, title=title, text=text, parties=person)
    reindex_all()
    client.force_login(county.users["supervisor"])
    page = client.get(reverse("desk:supervision"), {"days": "7"}).content.decode()
    assert 'hx-get="/desk/supervision/hot/?days=7" hx-trigger="load"' in page
    assert "幸福家园" not in page
    hot = client.get(reverse("desk:supervision_hot"), {"days": "7"}).content.decode()
    assert "幸福家园" in hot and "hx-get" not in hot
    assert 'href="?days=7#hot" class="current"' in hot
    client.force_login(county.users["handler"])
    assert client.get(reverse("desk:supervision_hot")).status_code == 403
