"""Grid field work: photos without their EXIF data and a pin placed on the issue; the 民情日志
(topic and text, nothing about persons); 排查 rounds on each level's schedule, with "nothing
found"; the status and counts per village and town."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from PIL import Image

from tests.cases.steps import on
from xinfang.cases import services
from xinfang.cases.fieldwork_models import FieldNote, GridRound
from xinfang.cases.models import GridItem
from xinfang.cases.selectors import gridwork as grid_selectors
from xinfang.cases.services import gridwork
from xinfang.core.errors import InvalidInput, MoveNotAllowed, PermissionDenied

from .helpers import PDF, jpeg_with_gps

pytestmark = pytest.mark.django_db


def _record(county, **overrides):
    fields = dict(
        actor=county.users["grid"],
        body=county.village_committee,
        kind="hazard",
        title="桥栏杆松动",
        description="村口小桥东侧栏杆松动，有坠落危险。",
        place=county.village,
        responsible_person="村主任",
        due_on=dt.date(2025, 3, 20),
    )
    fields.update(overrides)
    return services.register_grid_item(**fields)


def test_a_photo_is_kept_without_where_the_camera_was(county, time_machine):
    on(time_machine, "2025-03-03")
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS is there
    item = _record(
        county,
        latitude="36.683333",
        longitude="121.150000",
        photos=[services.AttachmentInput(name="bridge.jpg", content=original)],
    )
    (photo,) = item.photos.all()
    stored = photo.file.read()
    image = Image.open(io.BytesIO(stored))
    assert image.size == (40, 30) and photo.mime_type == "image/jpeg"
    exif = image.getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif and 0x0110 not in exif
    assert b"PhoneMaker" not in stored
    item.refresh_from_db()
    assert (item.latitude, item.longitude) == (Decimal("36.683333"), Decimal("121.150000"))


@pytest.mark.parametrize(
    "name, content",
    [("scan.pdf", PDF), ("fake.jpg", PDF), ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50)],
)
def test_only_images_are_taken_as_photos(county, time_machine, name, content):
    on(time_machine, "2025-03-03")
    with pytest.raises(InvalidInput) as e:
        _record(county, photos=[services.AttachmentInput(name=name, content=content)])
    assert "photos" in e.value.fields
    assert not GridItem.objects.exists()


@pytest.mark.parametrize(
    "lat, lng", [("36.7", ""), ("", "121.1"), ("95", "121.1"), ("36.7", "east")]
)
def test_a_pin_is_both_coordinates_in_range(county, time_machine, lat, lng):
    on(time_machine, "2025-03-03")
    with pytest.raises(InvalidInput) as e:
        _record(county, latitude=lat, longitude=lng)
    assert "latitude" in e.value.fields


def test_no_pin_is_fine(county, time_machine):
    on(time_machine, "2025-03-03")
    item = _record(county)
    assert item.latitude is None and item.longitude is None


def test_the_public_opinion_log_holds_topics_not_people(county, time_machine):
    on(time_machine, "2025-03-03")
    note = gridwork.record_field_note(
        actor=county.users["grid"],
        body=county.village_committee,
        topic="water",
        text="多户反映灌溉渠堵塞，春灌前需清淤。",
    )
    assert note.recorded_on == dt.date(2025, 3, 3) and note.place == county.village
    columns = {f.name for f in FieldNote._meta.get_fields()}
    assert columns == {
        "id",
        "body",
        "place",
        "topic",
        "text",
        "recorded_on",
        "recorded_by",
        "recorded_at",
    }
    with pytest.raises(InvalidInput) as e:
        gridwork.record_field_note(
            actor=county.users["grid"], body=county.village_committee, topic="who", text="x"
        )
    assert "topic" in e.value.fields
    with pytest.raises(PermissionDenied):
        gridwork.record_field_note(
            actor=county.users["handler"], body=county.village_committee, topic="water", text="x"
        )


@pytest.mark.parametrize(
    "cadence, day, start, end",
    [
        ("day", "2025-03-05", "2025-03-05", "2025-03-05"),
        ("week", "2025-03-05", "2025-03-03", "2025-03-09"),
        ("half_month", "2025-03-05", "2025-03-01", "2025-03-15"),
        ("half_month", "2025-02-20", "2025-02-16", "2025-02-28"),
        ("month", "2024-02-10", "2024-02-01", "2024-02-29"),
    ],
)
def test_periods(cadence, day, start, end):
    D = dt.date.fromisoformat
    assert gridwork.period_of(cadence, D(day)) == (D(start), D(end))


def test_a_village_confirms_a_round_with_nothing_found_once_a_day(county, time_machine):
    on(time_machine, "2025-03-05")
    grid = county.users["grid"]
    r = gridwork.confirm_round(actor=grid, body=county.village_committee, nothing_found=True)
    assert (r.period_start, r.period_end, r.found) == (
        dt.date(2025, 3, 5),
        dt.date(2025, 3, 5),
        0,
    )
    with pytest.raises(MoveNotAllowed):
        gridwork.confirm_round(actor=grid, body=county.village_committee, nothing_found=True)
    on(time_machine, "2025-03-06")
    gridwork.confirm_round(actor=grid, body=county.village_committee, nothing_found=True)
    assert GridRound.objects.count() == 2


def test_nothing_found_is_refused_when_the_ledger_has_items(county, time_machine):
    on(time_machine, "2025-03-05")
    _record(county)
    grid = county.users["grid"]
    with pytest.raises(InvalidInput):
        gridwork.confirm_round(actor=grid, body=county.village_committee, nothing_found=True)
    r = gridwork.confirm_round(actor=grid, body=county.village_committee, nothing_found=False)
    assert r.found == 1 and not r.nothing_found


def test_the_schedule_is_configurable(county, time_machine, settings):
    settings.XINFANG = {**settings.XINFANG, "GRID_ROUNDS": {"village": "week"}}
    on(time_machine, "2025-03-05")
    r = gridwork.confirm_round(
        actor=county.users["grid"], body=county.village_committee, nothing_found=True
    )
    assert (r.period_start, r.period_end) == (dt.date(2025, 3, 3), dt.date(2025, 3, 9))
    settings.XINFANG = {**settings.XINFANG, "GRID_ROUNDS": {"village": "fortnightly"}}
    with pytest.raises(ValueError):
        gridwork.schedule()


def test_the_town_round_is_weekly_and_the_status_says_who_is_due(county, time_machine):
    on(time_machine, "2025-03-05")
    town_worker = county.users["town_handler"]
    gridwork.confirm_round(actor=town_worker, body=county.town_gov, nothing_found=True)
    status = grid_selectors.round_status(county.users["supervisor"], on=dt.date(2025, 3, 5))
    rows = {row.body.pk: row for row in status}
    assert rows[county.town_gov.pk].done and rows[county.town_gov.pk].nothing_found
    assert not rows[county.village_committee.pk].done
    assert rows[county.office.pk].period == (dt.date(2025, 3, 1), dt.date(2025, 3, 15))
    # Next week the town is due again.
    status = grid_selectors.round_status(county.users["supervisor"], on=dt.date(2025, 3, 10))
    assert not {r.body.pk: r for r in status}[county.town_gov.pk].done


def test_counts_per_village_and_town(county, time_machine):
    on(time_machine, "2025-03-05")
    _record(county)
    item = _record(county, title="邻里争执", kind="dispute")
    services.settle_grid_item(item=item, actor=county.users["grid"], outcome="调解达成一致")
    gridwork.record_field_note(
        actor=county.users["grid"], body=county.village_committee, topic="roads", text="路面破损"
    )
    gridwork.confirm_round(
        actor=county.users["grid"], body=county.village_committee, nothing_found=False
    )
    counts = grid_selectors.counts(county.users["supervisor"], since=dt.date(2025, 3, 1))
    village = {c.division.code: c for c in counts.villages}[county.village.code]
    assert (village.open, village.settled, village.converted) == (1, 1, 0)
    assert (village.notes, village.rounds) == (1, 1)
    town = {c.division.code: c for c in counts.towns}[county.town.code]
    assert (town.open, town.settled, town.notes) == (1, 1, 1)
    # A grid worker of the village sees only their village.
    own = grid_selectors.counts(county.users["grid"], since=dt.date(2025, 3, 1))
    assert [c.division.code for c in own.villages] == [county.village.code]
