"""Reception fixtures: the county's petition office publishes a day with a leader; a station."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import County
from xinfang.reception import services
from xinfang.reception.models import DayMode

# A Tuesday; the day is the Wednesday after.
TODAY = dt.datetime(2026, 3, 3, 1, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 4)


@pytest.fixture
def on_today(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return time_machine


@pytest.fixture
def station(county: County):
    county.town_gov.has_video_room = True
    county.town_gov.save()
    return county.town_gov


def publish(county: County, *, capacity=3, mode=DayMode.BOTH, weeks=1, stations=(), lawyers=()):
    return services.publish_days(
        actor=county.users["clerk"],
        data=services.DayInput(
            office=county.office,
            host=county.office,
            leader=county.users["leader"],
            leader_title="市委书记 王某某",
            day=DAY,
            starts_at=dt.time(9, 0),
            ends_at=dt.time(11, 30),
            mode=mode,
            capacity=capacity,
            place="市民中心二楼接待室",
            topics="住房、征地拆迁",
            stations=tuple(stations),
            lawyers=tuple(lawyers),
            weeks=weeks,
        ),
    )


@pytest.fixture
def day(county, on_today):
    return publish(county)[0]
