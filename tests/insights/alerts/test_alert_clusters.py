"""Look-alike groups: petitions retelling one matter, counted over the weeks ending with the
tested week, are an alert in the week the group reaches the size threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import RETOLD_LEAK
from xinfang.insights import fold
from xinfang.insights.alerts import jobs
from xinfang.insights.models import Alert

from .conftest import W0, W1, W2, register_on

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
RETOLD = RETOLD_LEAK + [(t + "，请尽快处理", b + "希望尽快解决。") for t, b in RETOLD_LEAK]
OTHER = [("修路扬尘", "城东修路工地扬尘严重，洒水车从不出现。")]

pytestmark = pytest.mark.usefixtures("alert_settings")


@pytest.fixture
def retold(county, housing_quality, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}
    leak = housing_quality["leak"]

    def reg(day, i, texts=RETOLD):
        with django_capture_on_commit_callbacks(execute=True):
            return register_on(county, day, category=leak, i=i, texts=texts)

    first = reg(W0 + dt.timedelta(days=2), 0)
    this_week = [reg(W1 + dt.timedelta(days=d), 1 + d) for d in range(4)]
    reg(W1, 9, texts=OTHER)  # a different matter
    fold.rebuild()
    return first, this_week


def test_a_group_reaching_the_size_threshold_is_an_alert_once(county, retold):
    first, this_week = retold
    out = jobs.warn_issues(today=W2 + dt.timedelta(days=1))
    assert out["cluster_weeks"] == 1 and out["cluster_alerts"] == 1
    (alert,) = Alert.objects.filter(kind=Alert.CLUSTER)
    assert alert.week == W1 and alert.category_code == "0101" and alert.division == county.town
    assert (alert.observed, alert.expected) == (4, 1.0)  # 4 this week, 1 the week before
    assert set(alert.cases.values_list("pk", flat=True)) == {c.pk for c in [first, *this_week]}
    assert alert.owner == county.users["supervisor"]
    assert "Look-alike" in alert.method
    jobs.warn_issues(today=W2 + dt.timedelta(days=1))
    assert Alert.objects.filter(kind=Alert.CLUSTER).count() == 1
