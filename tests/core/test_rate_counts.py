"""A submission's rate-limit counts: several keys counted in one statement, the one over its
limit refused, and a refused attempt counted nowhere."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from xinfang.core import ratelimit

MOMENT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
HITS = [
    ("submit:ip:10.0.0.1", 5, 3600, "too many from this address"),
    ("submit:phone:abc", 2, 86400, "too many from this phone"),
]


def test_the_key_over_its_limit_refuses_and_the_refused_attempt_counts_nowhere(db):
    with time_machine.travel(MOMENT, tick=False):
        for _ in range(2):
            with transaction.atomic():
                ratelimit.hit_all(HITS)
        # At its limit but not yet found over it: nothing is read before the count.
        assert ratelimit.known_over(HITS) is None
        with pytest.raises(ratelimit.RateLimited, match="this phone"):
            with transaction.atomic():
                ratelimit.hit_all(HITS)
        # Found over it: remembered, and refused without a statement from now on.
        assert ratelimit.known_over(HITS) == "too many from this phone"
        assert ratelimit.known_over([HITS[0]]) is None
        assert ratelimit.peek("submit:ip:10.0.0.1", per_seconds=3600) == 2
        assert ratelimit.peek("submit:phone:abc", per_seconds=86400) == 2
        # Another phone from the same address still has room.
        ratelimit.hit_all([HITS[0], ("submit:phone:def", 2, 86400, "")])
        assert ratelimit.peek("submit:ip:10.0.0.1", per_seconds=3600) == 3


def test_one_key_named_twice_is_counted_twice(db):
    with time_machine.travel(MOMENT, tick=False):
        ratelimit.hit_all([HITS[0], HITS[0]])
        assert ratelimit.peek("submit:ip:10.0.0.1", per_seconds=3600) == 2


def test_a_key_is_remembered_over_its_limit_to_the_end_of_its_window_at_most_ten_minutes(
    db, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: clock[0])
    hour = [("submit:ip:10.0.0.9", 1, 3600, "hour")]
    # 09:58, two minutes before the hour's window ends: remembered two minutes.
    with time_machine.travel(MOMENT.replace(minute=58), tick=False):
        ratelimit.hit_all(hour)
        with pytest.raises(ratelimit.RateLimited):
            ratelimit.hit_all(hour)
    assert ratelimit.known_over(hour) == "hour"
    clock[0] += 119
    assert ratelimit.known_over(hour) == "hour"
    clock[0] += 2
    assert ratelimit.known_over(hour) is None
    # A day's limit found spent at 09:30: ten minutes, then the count is asked again.
    day = [("submit:phone:xyz", 1, 86400, "day")]
    with time_machine.travel(MOMENT, tick=False):
        ratelimit.hit_all(day)
        with pytest.raises(ratelimit.RateLimited):
            ratelimit.hit_all(day)
    clock[0] += ratelimit.REMEMBERED_SECONDS - 1
    assert ratelimit.known_over(day) == "day"
    clock[0] += 2
    assert ratelimit.known_over(day) is None
