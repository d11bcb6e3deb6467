"""Grid work: reports going up level by level and the grid ledger (小事不出村、大事不出镇)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.errors import (
    InvalidInput,
    MoveNotAllowed,
    NotFound,
    PermissionDenied,
)
from xinfang.core.timeutil import now, today
from xinfang.orgs.models import Body, BodyKind, Division, Level

from ..access import grid_roles_at
from ..models import Case
from .engine import actor_label, performs, require_text, transition
from .registration import PartyInput, Registration, register


def _grid_parent_body(holder: Body) -> Body:
    parent_division = holder.division.parent
    if parent_division is None:
        raise MoveNotAllowed(_("There is no body at the level above"))
    kind = (
        BodyKind.TOWNSHIP if parent_division.level == Level.TOWNSHIP else (BodyKind.PETITION_OFFICE)
    )
    body = Body.objects.filter(division=parent_division, kind=kind, is_active=True).first()
    if body is None:
        raise InvalidInput(
            _("%(place)s has no body that can take a report from below")
            % {"place": parent_division.name},
            code="no_parent_body",
        )
    return body


@performs("escalate_grid")
def escalate_grid(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    """A grid matter not settled below goes up: village → town → county (小事不出村、大事不出镇)."""
    reason = require_text(reason, "reason", _("Explain why it cannot be settled at this level"))

    def apply(c: Case, day):
        target = _grid_parent_body(c.holder_body)
        c.sender_body_id = c.holder_body_id
        c.holder_body = target
        c.handler = None
        return {"reason": reason, "to_body": target.name}

    return transition(
        "escalate_grid", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


# Grid ledger (小事不出村、大事不出镇). A ledger row is not a case until it is converted.


def _grid_history(item, action: str, actor, **fields) -> None:
    item.history = [
        *item.history,
        {"at": now().isoformat(), "action": action, "by": actor_label(actor), **fields},
    ]


def register_grid_item(
    *,
    actor,
    body: Body,
    kind: str,
    title: str,
    description: str,
    place: Division,
    responsible_person: str,
    due_on: dt.date,
    address: str = "",
    latitude=None,
    longitude=None,
    photos=(),
):
    """Record a dispute or hazard found in the field, in the ledger of the worker's body, with
    photos of the issue (images only, stored without their EXIF data) and the pin the worker
    placed on the issue (never a device's own position)."""
    from ..models import GridItem
    from .gridwork import clean_photo, pin_problems, store_photo

    photos = list(photos)

    if not grid_roles_at(actor, body):
        raise PermissionDenied(_("You may not record grid matters at this body"))
    errors: dict[str, list[str]] = {}
    if kind not in dict(GridItem.KINDS):
        errors["kind"] = [_("Choose dispute or hazard")]
    if not (title or "").strip():
        errors["title"] = [_("Enter a title")]
    if not (description or "").strip():
        errors["description"] = [_("Describe the situation")]
    if not (responsible_person or "").strip():
        errors["responsible_person"] = [_("Enter the person responsible")]
    if place is None or not place.lies_within(body.division):
        errors["place"] = [_("The place must lie within this grid (your body's area)")]
    if due_on is None or due_on < today():
        errors["due_on"] = [_("The settlement date may not be before today")]
    errors.update(pin_problems(latitude, longitude))
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(clean_photo(photo))
        except InvalidInput as e:
            errors.setdefault("photos", []).append(str(e.message))
    if errors:
        raise InvalidInput(
            _("Some of what you entered is not right; correct it and try again"), fields=errors
        )
    item = GridItem(
        kind=kind,
        title=title.strip()[:200],
        description=description.strip(),
        place=place,
        address=(address or "").strip()[:200],
        reported_by=actor,
        reported_at=now(),
        holder_body=body,
        responsible_person=responsible_person.strip()[:50],
        due_on=due_on,
        latitude=latitude,
        longitude=longitude,
    )
    _grid_history(item, "record", actor, to=body.name)
    with transaction.atomic(durable=True):
        item.save()
        for name, content, mime in cleaned:
            store_photo(item, name, content, mime)
    return item


def _locked_open_item(item, actor):
    from ..models import GridItem

    pk = getattr(item, "pk", item)
    locked = (
        GridItem.objects.select_for_update()
        .select_related("holder_body", "holder_body__division")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotFound(_("Grid matter not found"))
    if not grid_roles_at(actor, locked.holder_body):
        raise PermissionDenied(
            _("Only staff of the body now responsible may act on this grid matter")
        )
    if locked.status != GridItem.OPEN:
        raise MoveNotAllowed(_("This grid matter is already settled or has become a case"))
    return locked


def settle_grid_item(*, item, actor, outcome: str):
    """Settled where it arose, with its outcome."""
    from ..models import GridItem

    outcome = require_text(outcome, "outcome", _("Enter how it was settled"))
    with transaction.atomic(durable=True):
        locked = _locked_open_item(item, actor)
        locked.status = GridItem.SETTLED
        locked.settled_at = now()
        locked.outcome = outcome
        _grid_history(locked, "settle", actor, outcome=outcome)
        locked.save()
    return locked


def escalate_grid_item(
    *, item, actor, reason: str, due_on: dt.date | None = None, responsible_person: str = ""
):
    """Not settled at this level: up one level, village → township → county petition office."""
    reason = require_text(reason, "reason", _("Explain why it cannot be settled at this level"))
    if due_on is not None and due_on < today():
        raise InvalidInput(
            _("The settlement date may not be before today"),
            fields={"due_on": [_("The settlement date may not be before today")]},
        )
    with transaction.atomic(durable=True):
        locked = _locked_open_item(item, actor)
        if locked.holder_body.division.level <= Level.COUNTY:
            raise MoveNotAllowed(
                _("Already at county level, it cannot go up further; make it a case if needed")
            )
        target = _grid_parent_body(locked.holder_body)
        _grid_history(
            locked,
            "escalate",
            actor,
            reason=reason,
            **{"from": locked.holder_body.name, "to": target.name},
        )
        locked.holder_body = target
        if due_on:
            locked.due_on = due_on
        if responsible_person.strip():
            locked.responsible_person = responsible_person.strip()[:50]
        locked.save()
    return locked


def convert_grid_item(
    *,
    item,
    actor,
    content_type: str = "appeal",
    petitioner_name: str = "",
    petitioner_phone: str = "",
) -> Registration:
    """Needs a case after all: register it (channel "grid") at the current level and link it,
    in one transaction: the row lock means two clicks cannot register two cases."""
    parties = []
    if petitioner_name.strip() or petitioner_phone.strip():
        parties = [PartyInput(name=petitioner_name, phone=petitioner_phone)]
    with transaction.atomic(durable=True):
        locked = _locked_open_item(item, actor)
        registration = register(
            actor=actor,
            body=locked.holder_body,
            channel="grid",
            content_type=content_type,
            title=locked.title,
            text=locked.description,
            place=locked.place,
            address=locked.address,
            parties=parties,
        )
        locked.status = locked.CONVERTED
        locked.case = registration.case
        _grid_history(locked, "convert", actor, case=registration.case.number)
        locked.save()
    return registration
