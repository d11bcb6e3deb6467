"""Grid field work beside the ledger (grid.py): photos and the pin of an issue, the 民情日志 and
the scheduled 排查 rounds with their "nothing found" confirmation.

About issues, never persons: a photo is stored without its EXIF data (no camera position, no
device), a pin is where the worker placed the issue (the system never reads a device's position),
a 民情日志 entry takes a topic and text and nothing about a person or a household."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinfang.core import filetypes
from xinfang.core.errors import InvalidInput, MoveNotAllowed, PermissionDenied
from xinfang.core.timeutil import now, today
from xinfang.orgs.models import Body, BodyKind, Division, Level

from ..access import grid_roles_at

# ---------------------------------------------------------------------------------------------
# Photos and the pin

_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
MAX_PHOTOS = 5


def clean_photo(photo) -> tuple[str, bytes, str]:
    """(name, content without metadata, type) of an uploaded photo, or InvalidInput."""
    from PIL import Image, ImageOps

    from .followup import material_limits

    max_mb, _n = material_limits()
    name = (photo.name or "photo").replace("/", "_")[-100:]
    if not filetypes.accepted(name, photo.content, filetypes.IMAGE_TYPES):
        raise InvalidInput(
            _("“%(name)s” is not a photo. Use JPG, PNG or WebP images.") % {"name": name}
        )
    if len(photo.content) > max_mb * 1024 * 1024:
        raise InvalidInput(_("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": max_mb})
    mime = filetypes.sniff(photo.content)
    try:
        image = Image.open(io.BytesIO(photo.content))
        image = ImageOps.exif_transpose(image)  # keep it upright, then drop what it carried
        if _FORMATS[mime] == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        # Saved afresh with no exif, xmp or comment: Pillow writes only what it is given.
        image.save(out, _FORMATS[mime], **({"quality": 90} if mime != "image/png" else {}))
    except Exception as exc:  # a broken or hostile file is refused, never stored
        raise InvalidInput(_("“%(name)s” could not be read as an image.") % {"name": name}) from exc
    return name, out.getvalue(), mime


def store_photo(item, name: str, content: bytes, mime: str):
    from django.core.files.base import ContentFile

    from ..models import GridPhoto

    photo = GridPhoto(
        item=item,
        name=name[:200],
        mime_type=mime,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    photo.file.save(name, ContentFile(content), save=False)
    photo.save()
    return photo


def _coordinate(value, low: int, high: int) -> Decimal | None:
    try:
        d = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return None
    return d if low <= d <= high else None


def pin_problems(latitude, longitude) -> dict[str, list[str]]:
    """Both or neither, each in its range."""
    if latitude in (None, "") and longitude in (None, ""):
        return {}
    message = _("Place the pin on the issue, or leave both coordinates empty")
    if latitude in (None, "") or longitude in (None, ""):
        return {"latitude": [message]}
    if _coordinate(latitude, -90, 90) is None or _coordinate(longitude, -180, 180) is None:
        return {"latitude": [_("The pin's coordinates are not valid")]}
    return {}


# ---------------------------------------------------------------------------------------------
# 民情日志


def record_field_note(*, actor, body: Body, topic: str, text: str, place: Division | None = None):
    """An entry of the 民情日志 of the worker's body: what was heard about a matter."""
    from ..fieldwork_models import FIELD_TOPICS, FieldNote

    if not grid_roles_at(actor, body):
        raise PermissionDenied(_("You may not keep the public opinion log of this body"))
    errors: dict[str, list[str]] = {}
    if topic not in FIELD_TOPICS:
        errors["topic"] = [_("Choose a topic")]
    if not (text or "").strip():
        errors["text"] = [_("Write what was heard about the matter")]
    elif len(text) > 2000:
        errors["text"] = [_("Write at most 2000 characters")]
    place = place or body.division
    if not place.lies_within(body.division):
        errors["place"] = [_("The place must lie within this grid (your body's area)")]
    if errors:
        raise InvalidInput(
            _("Some of what you entered is not right; correct it and try again"), fields=errors
        )
    with transaction.atomic(durable=True):
        return FieldNote.objects.create(
            body=body,
            place=place,
            topic=topic,
            text=text.strip(),
            recorded_on=today(),
            recorded_by=actor,
            recorded_at=now(),
        )


# ---------------------------------------------------------------------------------------------
# 排查 rounds: each level on its own schedule (settings.XINFANG["GRID_ROUNDS"])

DAY, WEEK, HALF_MONTH, MONTH = "day", "week", "half_month", "month"
CADENCES = (DAY, WEEK, HALF_MONTH, MONTH)
DEFAULT_ROUNDS = {"village": DAY, "township": WEEK, "county": HALF_MONTH}
LEVEL_KEYS = {Level.VILLAGE: "village", Level.TOWNSHIP: "township", Level.COUNTY: "county"}
# The body that keeps a level's rounds: the village committee, the township government, the
# county's petition office.
ROUND_BODY_KINDS = {
    Level.VILLAGE: BodyKind.VILLAGE,
    Level.TOWNSHIP: BodyKind.TOWNSHIP,
    Level.COUNTY: BodyKind.PETITION_OFFICE,
}


def schedule() -> dict[str, str]:
    configured = {**DEFAULT_ROUNDS, **settings.XINFANG.get("GRID_ROUNDS", {})}
    for level, cadence in configured.items():
        if cadence not in CADENCES:
            raise ValueError(f"GRID_ROUNDS[{level!r}] must be one of {CADENCES}, not {cadence!r}")
    return configured


def period_of(cadence: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the period of `cadence` that holds `day`."""
    if cadence == DAY:
        return day, day
    if cadence == WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    month_end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    if cadence == HALF_MONTH:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), month_end
    return day.replace(day=1), month_end


def keeps_rounds(body: Body) -> bool:
    return ROUND_BODY_KINDS.get(body.division.level) == body.kind


def period_for(body: Body, day: dt.date) -> tuple[dt.date, dt.date]:
    return period_of(schedule()[LEVEL_KEYS[body.division.level]], day)


def found_in(body: Body, start: dt.date, end: dt.date) -> int:
    """Ledger items recorded in the body's area in the period (Beijing days)."""
    from django.utils import timezone

    from xinfang.orgs.selectors import within_q

    from ..models import GridItem

    tz = timezone.get_default_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return GridItem.objects.filter(
        within_q("place", body.division), reported_at__gte=since, reported_at__lt=until
    ).count()


def confirm_round(*, actor, body: Body, nothing_found: bool, note: str = ""):
    """Confirm this period's 排查 round of `body`: nothing found, or the matters found are in the
    ledger. Once per period."""
    from ..fieldwork_models import GridRound

    if not grid_roles_at(actor, body):
        raise PermissionDenied(_("You may not confirm the screening rounds of this body"))
    if not keeps_rounds(body):
        raise MoveNotAllowed(_("This body keeps no screening rounds"))
    start, end = period_for(body, today())
    found = found_in(body, start, end)
    if nothing_found and found:
        raise InvalidInput(
            _(
                "%(n)s matters were recorded in the ledger in this period: confirm the round "
                "with the matters found"
            )
            % {"n": found},
            fields={"nothing_found": [_("Matters were found in this period")]},
        )
    if not nothing_found and not found:
        message = _(
            "Nothing is recorded in the ledger for this period: record what was found first, "
            "or confirm that nothing was found"
        )
        raise InvalidInput(message, fields={"nothing_found": [message]})
    try:
        with transaction.atomic(durable=True):
            return GridRound.objects.create(
                body=body,
                period_start=start,
                period_end=end,
                nothing_found=nothing_found,
                found=found,
                note=(note or "").strip()[:1000],
                confirmed_by=actor,
                confirmed_at=now(),
            )
    except IntegrityError:
        raise MoveNotAllowed(
            _("This period's round is already confirmed"), code="round_confirmed"
        ) from None
