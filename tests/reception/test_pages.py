"""The reception pages: the portal's days and phones, booking and cancelling there; the desk's
calendar, day's list, walk-ins, the record with its follow-on move, recordings, lawyers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import register_appeal
from xinfang.accounts.models import SecurityEvent
from xinfang.cases.models import Case
from xinfang.notify.models import Outbox
from xinfang.reception.models import Appointment, Lawyer, LawyerAssignment, ReceptionDay

from .conftest import DAY

pytestmark = pytest.mark.django_db
HELD = dt.datetime(2026, 3, 4, 4, 0, tzinfo=dt.UTC)
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40  # an MP4 header


def test_home_links_to_the_reception_days_with_phones(client, county, day):
    county.office.reception_phone = "0535-3221234"
    county.office.save()
    home = client.get("/")
    assert reverse("portal:reception") in home.content.decode()
    page = client.get(reverse("portal:reception")).content.decode()
    assert "市委书记 王某某" in page and "0535-3221234" in page and "住房、征地拆迁" in page
    assert reverse("portal:reception_book", args=[day.pk]) in page


def test_unpublished_day_cannot_be_booked(client, county, day):
    ReceptionDay.objects.filter(pk=day.pk).update(published=False)
    assert client.get(reverse("portal:reception_book", args=[day.pk])).status_code == 404
    assert "市委书记" not in client.get(reverse("portal:reception")).content.decode()


def test_citizen_books_a_new_matter_by_video_then_cancels(client, county, day):
    url = reverse("portal:reception_book", args=[day.pk])
    refused = client.post(url, {"mode": "video", "matter": "new", "name": "李四"})
    assert refused.status_code == 422 and not Appointment.objects.exists()
    done = client.post(
        url,
        {
            "mode": "video",
            "matter": "new",
            "name": "李四",
            "phone": "13900139000",
            "title": "宅基地纠纷",
            "body": "邻居占用我家宅基地，村里调解不成。",
        },
    )
    assert done.status_code == 302
    page = client.get(done.url).content.decode()
    a = Appointment.objects.get()
    assert a.case.number in page and 'id="query-password"' in page
    assert "https://meet.jit.si/" in page
    assert 'id="query-password"' not in client.get(done.url).content.decode()  # shown once
    client.post(reverse("portal:reception_cancel", args=[a.pk]))
    a.refresh_from_db()
    assert a.status == "cancelled"
    assert Outbox.objects.filter(case=a.case, template_key="reception_cancelled").exists()


def test_citizen_books_an_existing_case_and_a_stranger_cannot_cancel(client, county, day):
    reg = register_appeal(county)
    client.post(
        reverse("portal:reception_book", args=[day.pk]),
        {
            "mode": "in_person",
            "matter": "case",
            "tracking_code": reg.tracking_code.lower(),
            "password": reg.query_password,
        },
    )
    a = Appointment.objects.get(case=reg.case)
    from django.test import Client

    stranger = Client()
    assert stranger.post(reverse("portal:reception_cancel", args=[a.pk])).status_code == 404
    a.refresh_from_db()
    assert a.status == "booked"


def test_wrong_password_is_told_plainly(client, county, day):
    reg = register_appeal(county)
    page = client.post(
        reverse("portal:reception_book", args=[day.pk]),
        {
            "mode": "in_person",
            "matter": "case",
            "tracking_code": reg.tracking_code,
            "password": "1",
        },
    )
    assert page.status_code == 404 and not Appointment.objects.exists()


def test_clerk_publishes_a_weekly_video_session(client, county, on_today, station):
    client.force_login(county.users["clerk"])
    assert client.get(reverse("desk:reception")).status_code == 200
    r = client.post(
        reverse("desk:reception_publish"),
        {
            "office": county.office.pk,
            "leader_title": "副县长 刘某",
            "leader": county.users["leader"].pk,
            "host": county.office.pk,
            "day": DAY.isoformat(),
            "starts_at": "14:30",
            "ends_at": "17:00",
            "mode": "video",
            "capacity": 6,
            "stations": [station.pk],
            "weeks": 4,
        },
    )
    assert r.status_code == 302
    days = list(ReceptionDay.objects.order_by("day"))
    assert len(days) == 4 and days[3].day == DAY + dt.timedelta(weeks=3)
    page = client.get(r.url).content.decode()
    assert station.name in page and days[0].room in page


def test_handler_may_not_open_reception(client, county, day):
    client.force_login(county.users["handler"])
    assert client.get(reverse("desk:reception")).status_code == 403
    assert client.get(reverse("desk:reception_day", args=[day.pk])).status_code == 403


def test_walk_in_record_follow_on_move_and_timeline(client, county, day, time_machine):
    case = register_appeal(county).case
    client.force_login(county.users["clerk"])
    r = client.post(
        reverse("desk:reception_book", args=[day.pk]),
        {"number": case.number, "kind": "walk_in", "mode": "in_person"},
    )
    assert r.status_code == 302
    a = Appointment.objects.get(case=case)
    day_page = client.get(reverse("desk:reception_day", args=[day.pk])).content.decode()
    assert case.number in day_page and case.title in day_page
    time_machine.move_to(HELD, tick=False)
    client.force_login(county.users["clerk"])  # a day later: a new session
    r = client.post(
        reverse("desk:reception_record", args=[a.pk]),
        {
            "came": "1",
            "attendees": "张三",
            "said": "楼顶漏水",
            "decided": "交市住建局办理",
            "recording": SimpleUploadedFile("s.mp4", MP4, "application/octet-stream"),
        },
    )
    assert r.status_code == 302
    page = client.get(r.url).content.decode()
    assert "交市住建局办理" in page and 'id="move-assign"' in page
    r = client.post(
        reverse("desk:reception_move", args=[a.pk, "assign"]),
        {
            "assign-version": Case.objects.get(pk=case.pk).version,
            "assign-body": county.housing.pk,
            "assign-report_due": "2026-03-20",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    case.refresh_from_db()
    assert case.holder_body == county.housing
    kinds = list(case.events.order_by("seq").values_list("kind", flat=True))
    assert kinds[-2:] == ["reception_held", "assign"]
    # the recording: each opening logged
    got = client.get(reverse("desk:reception_recording", args=[a.pk]))
    assert b"".join(got.streaming_content) == MP4
    assert got["Content-Type"] == "video/mp4"
    entry = SecurityEvent.objects.get(kind="file_opened")
    assert entry.case_number == case.number and "reception_recording" in entry.detail


def test_recording_refused_to_staff_not_entitled(client, county, day, time_machine, settings):
    case = register_appeal(county).case
    from xinfang.reception import services

    a = services.book_for(
        actor=county.users["clerk"],
        day_id=day.pk,
        number=case.number,
        mode="in_person",
        kind="walk_in",
    )
    time_machine.move_to(HELD, tick=False)
    services.record_session(
        actor=county.users["clerk"],
        appointment=a,
        came=True,
        attendees="x",
        said="x",
        decided="x",
        recording=services.RecordingInput("s.mp4", MP4),
    )
    client.force_login(county.users["handler"])
    assert client.get(reverse("desk:reception_recording", args=[a.pk])).status_code == 403
    assert not SecurityEvent.objects.filter(kind="file_opened").exists()


def test_lawyers_roster_assignment_and_opinion(client, county, day):
    client.force_login(county.users["clerk"])
    client.post(
        reverse("desk:reception_lawyer_add"),
        {"office": county.office.pk, "name": "赵律师", "firm": "海阳某律师事务所"},
    )
    lawyer = Lawyer.objects.get()
    case = register_appeal(county).case
    client.post(
        reverse("desk:reception_lawyer_assign"), {"number": case.number, "lawyer": lawyer.pk}
    )
    s = LawyerAssignment.objects.get()
    client.post(reverse("desk:reception_lawyer_opinion", args=[s.pk]), {"opinion": "建议诉讼"})
    page = client.get(reverse("desk:reception_lawyers")).content.decode()
    assert "赵律师" in page and "建议诉讼" in page
    case_page = client.get(reverse("desk:case", args=[case.number])).content.decode()
    assert "建议诉讼" in case_page


def test_station_staff_see_the_session_link_but_not_the_list(client, county, on_today, station):
    from .conftest import publish

    day = publish(county, mode="video", stations=[station])[0]
    client.force_login(county.users["town_handler"])
    page = client.get(reverse("desk:reception")).content.decode()
    assert "station-sessions" in page and day.room in page
    assert client.get(reverse("desk:reception_day", args=[day.pk])).status_code == 404


def test_admin_lists_lawyers_and_reception_days_in_chinese(client, county, day):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="pw-root-123")
    client.force_login(root)
    assert "驻点律师" in client.get(reverse("admin:reception_lawyer_changelist")).content.decode()
    page = client.get(reverse("admin:reception_receptionday_changelist")).content.decode()
    assert "市委书记 王某某" in page


def test_calling_a_day_off_tells_the_booked_and_closes_it(client, county, day):
    reg = register_appeal(county)
    client.post(
        reverse("portal:reception_book", args=[day.pk]),
        {
            "mode": "in_person",
            "matter": "case",
            "tracking_code": reg.tracking_code,
            "password": reg.query_password,
        },
    )
    from django.test import Client

    staff = Client()
    staff.force_login(county.users["clerk"])
    staff.post(reverse("desk:reception_call_off", args=[day.pk]))
    a = Appointment.objects.get()
    assert a.status == "cancelled"
    assert Outbox.objects.filter(case=reg.case, template_key="reception_cancelled").exists()
    assert "市委书记" not in client.get(reverse("portal:reception")).content.decode()
    assert client.get(reverse("portal:reception_book", args=[day.pk])).status_code == 404
