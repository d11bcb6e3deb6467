"""The demo publishes its reception days once: a weekly video session the staffed township
joins, an in-person day, two resident lawyers."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.demo.county import build_demo_county
from xinfang.demo.reception import seed_reception
from xinfang.reception.models import Lawyer, ReceptionDay
from xinfang.reception.selectors import published_days

pytestmark = pytest.mark.django_db


def test_demo_reception_days(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC), tick=False)
    county = build_demo_county()
    assert seed_reception(county) == 9
    assert seed_reception(county) == 9  # once
    assert Lawyer.objects.count() == 2
    weekly = ReceptionDay.objects.exclude(series=None).order_by("day")
    assert weekly.count() == 8 and weekly[0].day == dt.date(2026, 3, 4)
    assert weekly[0].stations.get() == county.body("town")
    assert published_days().count() == 9
