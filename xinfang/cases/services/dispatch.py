"""Moves by name with plain values, as pages and the API post them: the values are checked and
turned into service arguments by each input's declared kind (workflow/inputs.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput, NotFound
from xinfang.orgs.models import Body

from .. import validation, workflow
from ..access import CitizenActor, case_get_for_user
from ..models import Case
from ..workflow import inputs
from .engine import MOVE_FUNCTIONS


def _invalid(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={name: [message]})


def _whole_number(name: str, value) -> int:
    if isinstance(value, bool):
        raise _invalid(name, _("Must be a whole number"))
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _invalid(name, _("Must be a whole number")) from None


def to_argument(field: workflow.Field, value: Any) -> Any:
    """One posted value (JSON or a form's cleaned value) as the service takes it."""
    spec = field.spec
    name = field.name
    if value is None or value == "":
        if spec.required:
            raise _invalid(name, _("This field is required"))
        return None if spec.kind in (inputs.DATE, inputs.BODY, inputs.PERSON, inputs.COUNT) else ""
    if spec.kind in (inputs.TEXT, inputs.LINE):
        if not isinstance(value, str):
            raise _invalid(name, _("Must be text"))
        problem = validation.character_problem(value)
        if problem:
            raise _invalid(name, problem)
        if spec.required and not value.strip():
            raise _invalid(name, _("This field is required"))
        if spec.max_length and len(value) > spec.max_length:
            raise _invalid(name, _("Too long"))
        return value
    if spec.kind == inputs.CHOICE:
        if value not in spec.choices:
            raise _invalid(name, _("Invalid value; choose one of the options"))
        return value
    if spec.kind == inputs.DATE:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise _invalid(name, _("Dates are written YYYY-MM-DD")) from None
    if spec.kind == inputs.COUNT:
        n = _whole_number(name, value)
        if not spec.minimum <= n <= spec.maximum:
            raise _invalid(
                name,
                _("Must be between %(min)s and %(max)s")
                % {"min": spec.minimum, "max": spec.maximum},
            )
        return n
    pk = getattr(value, "pk", value)
    pk = _whole_number(name, pk)
    if spec.kind == inputs.BODY:
        found = Body.objects.filter(pk=pk, is_active=True).first()
        if found is None:
            raise _invalid(name, _("Choose a valid body"))
        return found
    # PERSON
    found = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise _invalid(name, _("Choose a valid person"))
    return found


def move_arguments(move: workflow.Move, payload: dict) -> dict[str, Any]:
    """The service's keyword arguments for `payload` (plain values), every field checked;
    the errors of all fields at once."""
    fields = {f.name: f for f in move.fields}
    unknown = set(payload) - set(fields) - {"expected_version"}
    if unknown:
        raise InvalidInput(
            _("The request has fields that are not recognised"),
            fields={k: [_("Field not recognised")] for k in sorted(unknown)},
        )
    out: dict[str, Any] = {}
    errors: dict[str, list] = {}
    for name, field in fields.items():
        if name not in payload and not field.required:
            continue
        try:
            out[name] = to_argument(field, payload.get(name))
        except InvalidInput as e:
            errors.update(e.fields)
    if errors:
        raise InvalidInput(_("Some of what you entered is not right"), fields=errors)
    version = payload.get("expected_version")
    if version is not None:
        out["expected_version"] = _whole_number("expected_version", version)
    return out


def make_move(*, actor, number: str, move: str, payload: dict) -> Case:
    """Make a move by name with plain values (the API's JSON, a page's form post), in one
    transaction. A case this actor may not see answers as a missing one."""
    if move not in workflow.MOVES:
        raise NotFound(_("Unknown move: %(name)s") % {"name": move})
    spec = workflow.MOVES[move]
    with transaction.atomic(durable=True):
        case = case_get_for_user(actor, number)
        kwargs = move_arguments(spec, payload)
        return MOVE_FUNCTIONS[move](case=case, actor=actor, **kwargs)


def make_citizen_move(*, case: Case, move: str, payload: dict) -> Case:
    """A move the petitioner makes on the case they opened with its code and password."""
    spec = workflow.get_move(move)
    with transaction.atomic(durable=True):
        kwargs = move_arguments(spec, payload)
        return MOVE_FUNCTIONS[move](case=case, actor=CitizenActor(case.pk), **kwargs)
