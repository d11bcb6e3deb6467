"""After the session: the record lands on the case's timeline; recordings; lawyers; the
sessions-held count per body."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import register_appeal
from xinfang.cases.selectors import timeline_entries
from xinfang.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.reception import selectors, services
from xinfang.reception.models import Appointment, Lawyer

from .conftest import DAY

pytestmark = pytest.mark.django_db

HELD = dt.datetime(2026, 3, 4, 4, 0, tzinfo=dt.UTC)  # 12:00 in Beijing, after the session
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40


def _booked(county, day, title="来访"):
    case = register_appeal(county, title=title).case
    return services.book_for(
        actor=county.users["clerk"],
        day_id=day.pk,
        number=case.number,
        mode="in_person",
        kind="walk_in",
    )


def test_record_lands_on_the_timeline_for_staff_and_citizen(county, day, time_machine):
    a = _booked(county, day)
    time_machine.move_to(HELD, tick=False)
    services.record_session(
        actor=county.users["clerk"],
        appointment=a,
        came=True,
        attendees="张三及其妻子",
        said="反映楼顶漏水三年未修。",
        decided="由市住建局十日内派人查看并答复。",
    )
    a.refresh_from_db()
    assert a.status == Appointment.Status.HELD
    staff = timeline_entries(a.case, for_citizen=False)[-1]
    assert staff["kind"] == "reception_held"
    assert staff["extra"]["said"] == "反映楼顶漏水三年未修。"
    mine = timeline_entries(a.case, for_citizen=True)[-1]
    assert mine["kind"] == "reception_held" and "十日内" in mine["note"]
    assert "said" not in mine
    with pytest.raises(Conflict):
        services.record_session(actor=county.users["clerk"], appointment=a, came=False)


def test_record_needs_the_session_held_and_its_words(county, day, time_machine):
    a = _booked(county, day)
    with pytest.raises(InvalidInput):  # the day has not come
        services.record_session(
            actor=county.users["clerk"],
            appointment=a,
            came=True,
            attendees="x",
            said="x",
            decided="x",
        )
    time_machine.move_to(HELD, tick=False)
    with pytest.raises(InvalidInput) as exc:
        services.record_session(
            actor=county.users["clerk"],
            appointment=a,
            came=True,
            attendees="张三",
            said="",
            decided="x",
        )
    assert "said" in exc.value.fields
    with pytest.raises(PermissionDenied):
        services.record_session(actor=county.users["handler"], appointment=a, came=False)


def test_absent_leaves_no_timeline_entry_and_counts_nothing(county, day, time_machine):
    a = _booked(county, day)
    time_machine.move_to(HELD, tick=False)
    before = a.case.event_count
    services.record_session(actor=county.users["clerk"], appointment=a, came=False)
    a.refresh_from_db()
    assert a.status == Appointment.Status.ABSENT and a.case.event_count == before
    assert selectors.sessions_held_per_body(start=DAY, end=DAY) == {}


def test_sessions_held_per_body_in_a_period(county, day, time_machine):
    held = [_booked(county, day, f"来访{i}") for i in range(2)]
    _booked(county, day, "未记录")
    time_machine.move_to(HELD, tick=False)
    for a in held:
        services.record_session(
            actor=county.users["clerk"],
            appointment=a,
            came=True,
            attendees="本人",
            said="诉求",
            decided="交办",
        )
    assert selectors.sessions_held_per_body(start=DAY, end=DAY) == {county.office.pk: 2}
    later = DAY + dt.timedelta(days=1)
    assert selectors.sessions_held_per_body(start=later, end=later) == {}


def test_day_list_shows_history_and_open_deadlines(county, day):
    a = _booked(county, day)
    rows = selectors.day_list(county.users["leader"], day)
    assert rows[0]["case"] == a.case
    assert rows[0]["history"][0]["kind"] == "register"
    assert any(c.period == "route" for c in rows[0]["clocks"])
    with pytest.raises(NotFound):
        selectors.day_for(county.users["handler"], day.pk)


def test_recording_is_stored_encrypted(county, day, time_machine, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = _booked(county, day)
    time_machine.move_to(HELD, tick=False)
    services.record_session(
        actor=county.users["clerk"],
        appointment=a,
        came=True,
        attendees="本人",
        said="诉求",
        decided="交办",
        recording=services.RecordingInput("session.mp4", MP4 + b"petitioner speaking"),
    )
    record = a.record
    raw = (tmp_path / record.recording.name).read_bytes()
    assert b"petitioner speaking" not in raw and record.recording_type == "video/mp4"
    assert record.recording.open("rb").read() == MP4 + b"petitioner speaking"


def test_a_recording_must_be_video_or_sound(county, day, time_machine, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = _booked(county, day)
    time_machine.move_to(HELD, tick=False)
    with pytest.raises(InvalidInput) as exc:
        services.record_session(
            actor=county.users["clerk"],
            appointment=a,
            came=True,
            attendees="本人",
            said="诉求",
            decided="交办",
            recording=services.RecordingInput(
                "session.mp4", b"MZ\x90\x00 not a video", "video/mp4"
            ),
        )
    assert "recording" in exc.value.fields
    a.refresh_from_db()
    assert a.status == "booked"  # nothing recorded


def test_lawyer_assigned_and_opinion_on_the_timeline(county, day):
    lawyer = Lawyer.objects.create(office=county.office, name="赵律师", firm="海阳某律师事务所")
    day.lawyers.add(lawyer)
    case = register_appeal(county).case
    assignment = services.assign_lawyer(
        actor=county.users["clerk"], number=case.number, lawyer=lawyer
    )
    with pytest.raises(Conflict):
        services.assign_lawyer(actor=county.users["clerk"], number=case.number, lawyer=lawyer)
    services.record_opinion(
        actor=county.users["clerk"], assignment=assignment, opinion="属于民事纠纷，建议诉讼。"
    )
    kinds = [e["kind"] for e in timeline_entries(case, for_citizen=False)]
    assert kinds[-2:] == ["lawyer_assigned", "lawyer_opinion"]
    assert "lawyer_opinion" not in [e["kind"] for e in timeline_entries(case, for_citizen=True)]
    assert list(selectors.lawyers_for(county.users["clerk"])) == [lawyer]
    assert list(selectors.lawyers_for(county.users["handler"])) == []
