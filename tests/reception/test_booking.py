"""Booking a reception slot: capacity, the petitioner's proof of access, SMS, cancelling, the
clerk's walk-ins, invitations and visits, the day-before reminder."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import register_appeal
from xinfang.cases import citizen
from xinfang.cases.access import CitizenActor
from xinfang.cases.services import PartyInput
from xinfang.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.notify.models import Outbox
from xinfang.reception import selectors, services
from xinfang.reception.models import Appointment, DayMode, ReceptionDay

from .conftest import DAY, publish

pytestmark = pytest.mark.django_db


def _existing(county, day, **kw):
    reg = register_appeal(county)
    a = services.book_existing(
        day_id=day.pk,
        tracking_code=reg.tracking_code,
        password=reg.query_password,
        mode=kw.get("mode", "in_person"),
        ip="10.0.0.1",
    )
    return reg, a


def test_citizen_books_for_an_existing_case_and_is_sent_an_sms(county, day):
    reg, a = _existing(county, day)
    assert a.case == reg.case and a.kind == Appointment.Kind.BOOKED
    day.refresh_from_db()
    assert day.booked == 1 and day.places_left == 2
    sms = Outbox.objects.get(case=reg.case, template_key="reception_booked", channel="sms")
    assert "2026年3月4日09:00" in sms.body and "市委书记 王某某" in sms.body
    assert "市民中心二楼接待室" in sms.body


def test_wrong_password_books_nothing(county, day):
    reg = register_appeal(county)
    with pytest.raises(NotFound):
        services.book_existing(
            day_id=day.pk,
            tracking_code=reg.tracking_code,
            password="wrong",
            mode="in_person",
            ip="10.0.0.1",
        )
    assert not Appointment.objects.exists()


def test_a_full_day_refuses_the_next_booking(county, on_today):
    day = publish(county, capacity=1)[0]
    _existing(county, day)
    with pytest.raises(services.Full):
        _existing(county, day)
    day.refresh_from_db()
    assert day.booked == 1 and Appointment.objects.count() == 1


def test_new_matter_is_registered_and_booked_together(county, day):
    submission = citizen.Submission(
        content_type="appeal",
        title="宅基地纠纷",
        body="邻居占用我家宅基地，村里调解不成。",
        division_code=county.county.code,
        petitioner=PartyInput(name="李四", phone="13900139000"),
    )
    a, reg = services.book_new_matter(
        day_id=day.pk, submission=submission, mode="video", ip="10.0.0.2"
    )
    assert a.case == reg.case and reg.query_password
    sms = Outbox.objects.get(case=reg.case, template_key="reception_booked", channel="sms")
    assert services.appointment_link(a) in sms.body
    assert services.appointment_link(a).startswith("https://meet.jit.si/xf-")


def test_new_matter_on_a_full_day_leaves_no_case(county, on_today):
    from xinfang.cases.models import Case

    day = publish(county, capacity=1)[0]
    _existing(county, day)
    before = Case.objects.count()
    submission = citizen.Submission(
        content_type="appeal",
        title="宅基地纠纷",
        body="邻居占用我家宅基地。",
        division_code=county.county.code,
        petitioner=PartyInput(name="李四", phone="13900139000"),
    )
    with pytest.raises(services.Full):
        services.book_new_matter(day_id=day.pk, submission=submission, mode="video", ip="1.1.1.1")
    assert Case.objects.count() == before


def test_same_case_cannot_take_two_places_and_mode_must_be_offered(county, on_today):
    day = publish(county, mode=DayMode.IN_PERSON)[0]
    reg, _a = _existing(county, day)
    with pytest.raises(Conflict):
        services.book_existing(
            day_id=day.pk,
            tracking_code=reg.tracking_code,
            password=reg.query_password,
            mode="in_person",
            ip="10.0.0.1",
        )
    with pytest.raises(InvalidInput):
        _existing(county, day, mode="video")


def test_citizen_cancels_and_the_place_is_freed(county, day):
    reg, a = _existing(county, day)
    with pytest.raises(NotFound):
        services.cancel(appointment=a, actor=CitizenActor(case_id=reg.case.pk + 999))
    services.cancel(appointment=a, actor=CitizenActor(case_id=reg.case.pk))
    day.refresh_from_db()
    assert day.booked == 0
    assert Outbox.objects.filter(case=reg.case, template_key="reception_cancelled").exists()
    with pytest.raises(Conflict):
        services.cancel(appointment=a, actor=CitizenActor(case_id=reg.case.pk))


def test_clerk_books_walk_ins_invitations_and_visits(county, on_today, station):
    day = publish(county, capacity=4)[0]
    clerk = county.users["clerk"]
    for kind in ("walk_in", "invited", "visit"):
        case = register_appeal(county, title=f"来访{kind}").case
        a = services.book_for(
            actor=clerk, day_id=day.pk, number=case.number, mode="in_person", kind=kind
        )
        assert a.kind == kind and a.booked_by == clerk
    case = register_appeal(county, title="视频").case
    a = services.book_for(
        actor=clerk,
        day_id=day.pk,
        number=case.number,
        mode="video",
        kind="invited",
        station=station,
    )
    assert a.station == station
    with pytest.raises(PermissionDenied):
        services.book_for(
            actor=county.users["handler"],
            day_id=day.pk,
            number=case.number,
            mode="in_person",
            kind="walk_in",
        )


def test_reminder_the_day_before_once(county, day, time_machine):
    reg, _a = _existing(county, day)
    _other, cancelled = _existing(county, day)
    services.cancel(appointment=cancelled, actor=CitizenActor(case_id=cancelled.case_id))
    assert services.queue_reminders(on=DAY - dt.timedelta(days=2)) == 0
    assert services.queue_reminders(on=DAY - dt.timedelta(days=1)) == 1
    assert services.queue_reminders(on=DAY - dt.timedelta(days=1)) == 0
    reminder = Outbox.objects.get(template_key="reception_reminder")
    assert reminder.case == reg.case and "2026年3月4日" in reminder.body


def test_reminder_command_uses_the_clock(county, day, time_machine):
    from django.core.management import call_command

    _existing(county, day)
    time_machine.move_to(dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC), tick=False)
    call_command("send_reception_reminders")
    assert Outbox.objects.filter(template_key="reception_reminder").count() == 1


def test_weekly_series_with_stations(county, on_today, station):
    days = publish(county, mode=DayMode.VIDEO, weeks=4, stations=[station])
    assert [d.day for d in days] == [DAY + dt.timedelta(weeks=w) for w in range(4)]
    assert len({d.series for d in days}) == 1
    assert list(selectors.station_sessions(station, start=DAY, end=DAY + dt.timedelta(30))) == days
    assert services.session_link(days[0]).endswith(days[0].room)


def test_station_without_video_room_cannot_join(county, on_today):
    with pytest.raises(InvalidInput):
        publish(county, mode=DayMode.VIDEO, stations=[county.village_committee])


def test_only_the_office_publishes(county, on_today):
    with pytest.raises(PermissionDenied):
        services.publish_days(
            actor=county.users["handler"],
            data=services.DayInput(
                office=county.office,
                host=county.office,
                leader_title="x",
                day=DAY,
                starts_at=dt.time(9),
                ends_at=dt.time(10),
                mode="in_person",
                capacity=1,
                place="x",
            ),
        )
    assert not ReceptionDay.objects.exists()


def test_portal_lists_only_published_future_days(county, day, time_machine):
    ReceptionDay.objects.filter(pk=day.pk).update(published=True)
    assert list(selectors.published_days()) == [day]
    time_machine.move_to(dt.datetime(2026, 3, 5, 1, 0, tzinfo=dt.UTC), tick=False)
    assert list(selectors.published_days()) == []
