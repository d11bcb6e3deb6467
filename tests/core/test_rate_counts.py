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
        assert ratelimit.first_exceeded(HITS) == "too many from this phone"
        with pytest.raises(ratelimit.RateLimited, match="this phone"):
            with transaction.atomic():
                ratelimit.hit_all(HITS)
        assert ratelimit.peek("submit:ip:10.0.0.1", per_seconds=3600) == 2
        assert ratelimit.peek("submit:phone:abc", per_seconds=86400) == 2
        # Another phone from the same address still has room.
        ratelimit.hit_all([HITS[0], ("submit:phone:def", 2, 86400, "")])
        assert ratelimit.peek("submit:ip:10.0.0.1", per_seconds=3600) == 3


def test_one_key_named_twice_is_counted_twice(db):
    with time_machine.travel(MOMENT, tick=False):
        ratelimit.hit_all([HITS[0], HITS[0]])
        assert ratelimit.peek("submit:ip:10.0.0.1", per_seconds=3600) == 2
