"""The weekly warning job on real cases: a township's housing-quality petitions jump from one a
week to six; the job flags that week once, links its cases, names the supervisor and messages
them; it remembers the last week it tested and catches up missed weeks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from xinfang.insights import fold
from xinfang.insights.alerts import jobs
from xinfang.insights.models import Alert, AlertWatermark
from xinfang.notify import defaults
from xinfang.notify.models import Outbox
from xinfang.orgs.models import StaffContact

from .conftest import W0, W1, W2, W3, register_on

pytestmark = pytest.mark.usefixtures("alert_settings")


@pytest.fixture
def surge(county, housing_quality):
    c = housing_quality
    StaffContact.objects.create(user=county.users["supervisor"], work_phone="139 0000 2222")
    cases = {"base": [], "surge": []}
    cases["base"].append(register_on(county, W0 + dt.timedelta(days=1), category=c["leak"], i=0))
    cases["base"].append(register_on(county, W1 + dt.timedelta(days=2), category=c["leak"], i=1))
    for i in range(6):
        day = W2 + dt.timedelta(days=i % 5)
        cases["surge"].append(register_on(county, day, category=c["leak"], i=2 + i))
    # Another matter in the same township stays at one a week.
    for w in (W0, W1, W2):
        register_on(county, w, category=c["road"], i=9)
    fold.rebuild()
    return cases


def test_a_rise_is_flagged_once_with_its_cases_owner_and_message(county, surge):
    out = jobs.warn_issues(today=W3 + dt.timedelta(days=1))
    assert out["surge_weeks"] == 1  # W2: the first week with two weeks of counts before it
    (alert,) = Alert.objects.all()
    assert (alert.kind, alert.week, alert.category_code) == (Alert.SURGE, W2, "0101")
    assert alert.division == county.town  # the township the village lies in
    assert (alert.observed, alert.expected, alert.limit) == (6, 1.0, 5)
    assert "alpha 0.05" in alert.method
    assert set(alert.cases.values_list("pk", flat=True)) == {c.pk for c in surge["surge"]}
    assert alert.owner == county.users["supervisor"] and alert.status == Alert.NEW

    sms = Outbox.objects.get(template_key=defaults.ISSUE_ALERT, channel=defaults.SMS)
    assert "留格庄镇" in sms.body and "房屋质量" in sms.body and "6件" in sms.body
    assert "预警线5件" in sms.body
    for case in surge["surge"]:  # about the matter: no case number, no petitioner
        assert case.number not in sms.body
    assert "居民" not in sms.body
    assert sms.case is None  # filed under no case: it is about an issue
    assert out["sent"] >= 1

    # Running again the same day (or the next) tests nothing and records nothing.
    again = jobs.warn_issues(today=W3 + dt.timedelta(days=2))
    assert again["surge_weeks"] == 0 and again["surge_alerts"] == 0
    assert Alert.objects.count() == 1
    assert Outbox.objects.filter(template_key=defaults.ISSUE_ALERT).count() == 1  # one SMS
    assert AlertWatermark.objects.get(job="surge").week == W2


def test_the_watermark_catches_up_missed_weeks_and_never_goes_back(county, surge, housing_quality):
    road = housing_quality["road"]
    jobs.warn_issues(today=W3 + dt.timedelta(days=1))
    # A case registered late for W2 is not tested again: W2 is behind the watermark.
    register_on(county, W2, category=surge["surge"][0].category, i=20)
    # Two weeks pass without a run: W3 quiet, W4 a rise of road petitions in the township.
    w4 = W3 + dt.timedelta(weeks=1)
    register_on(county, W3, category=road, i=21)
    for i in range(6):
        register_on(county, w4 + dt.timedelta(days=i % 5), category=road, i=30 + i)
    fold.rebuild()
    out = jobs.warn_issues(today=w4 + dt.timedelta(days=8))
    assert out["surge_weeks"] == 2  # W3 and W4 in one run
    found = sorted(Alert.objects.values_list("week", "category_code", "observed"))
    assert found == [(W2, "0101", 6), (w4, "0102", 6)]  # W2 unchanged by the late case
    assert AlertWatermark.objects.get(job="surge").week == w4


def test_a_first_run_over_past_weeks_records_old_alerts_without_messages(county, surge):
    out = jobs.warn_issues(today=W3 + dt.timedelta(weeks=10))
    assert out["surge_weeks"] == 11 and out["surge_alerts"] == 1  # W2 .. the last week
    assert Alert.objects.get().week == W2  # listed on the page ...
    assert not Outbox.objects.filter(template_key=defaults.ISSUE_ALERT).exists()  # ... not news


def test_nothing_is_tested_before_there_is_a_baseline(county, housing_quality):
    register_on(county, W0, category=housing_quality["leak"], i=0)
    fold.rebuild()
    assert jobs.warn_issues(today=W1 + dt.timedelta(days=1))["surge_weeks"] == 0
    assert not AlertWatermark.objects.exists()


def test_the_command_runs_the_job(county, surge, capsys):
    call_command("warn_issues", "--date", (W3 + dt.timedelta(days=1)).isoformat(), "--no-send")
    assert "1 rise(s) above the usual level" in capsys.readouterr().out
    assert Outbox.objects.filter(status=Outbox.PENDING, template_key=defaults.ISSUE_ALERT).exists()
