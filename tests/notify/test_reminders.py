"""Rating reminder (W22: the petitioner may rate the answer): once per open rating window."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from xinfang.cases import services
from xinfang.notify import services as notify

from .conftest import PHONE, Walk, citizen, outbox

TZ = ZoneInfo("Asia/Shanghai")
REPLIED = dt.date(2026, 3, 2)


def at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=TZ), tick=False)


def days_after(n: int) -> dt.date:
    return REPLIED + dt.timedelta(days=n)


@pytest.fixture
def replied(county, sms_via_gateway):
    with at(REPLIED):
        walk = Walk(county)
        walk.transfer()
        walk.accept()
        walk.reply()
    return walk.case


def reminders(case):
    return outbox(case, template_key="rating_reminder")


def test_w22_reminder_is_sent_once_seven_days_after_the_reply(replied, sms_via_gateway):
    """W22: an answered petitioner is reminded to rate, once, after the configured 7 days."""
    with at(days_after(6)):
        call_command("send_rating_reminders")
    assert reminders(replied) == []

    with at(days_after(7)):
        call_command("send_rating_reminders")
        call_command("send_rating_reminders")
    with at(days_after(8)):
        call_command("send_rating_reminders")

    (row,) = reminders(replied)
    assert row.status == row.SENT
    assert row.body == (
        f"【阳光信访】您的信访事项{replied.number}已办理答复，请于2026年4月1日前凭查询码"
        f"{replied.tracking_code}对办理结果作出评价。"
    )
    assert sms_via_gateway.texts_to(PHONE).count(row.body) == 1


def test_w22_no_reminder_once_rated(replied):
    with at(days_after(3)):
        services.rate(case=replied, actor=citizen(replied), rating="satisfied")
    with at(days_after(10)):
        assert notify.queue_rating_reminders() == []


def test_w22_no_reminder_after_the_rating_window_closed(replied):
    with at(days_after(31)):
        assert notify.queue_rating_reminders() == []


def test_reminder_delay_is_configurable(replied, settings):
    settings.NOTIFY = {**settings.NOTIFY, "RATING_REMINDER_DAYS": 3}
    with at(days_after(3)):
        assert len(notify.queue_rating_reminders()) == 1
    with at(days_after(4)):
        assert notify.queue_rating_reminders(days=1) == []


def test_w35_a_review_decision_opens_a_new_window_with_its_own_reminder(replied, county):
    """W35: after a review decision the petitioner may rate again, and is reminded again."""
    with at(days_after(7)):
        notify.queue_rating_reminders()
    with at(days_after(10)):
        Walk(county, case=replied).review()
    with at(days_after(17)):
        notify.queue_rating_reminders()
    assert len(reminders(replied)) == 2
