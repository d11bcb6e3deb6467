"""Moves by name with plain values, as pages and the API post them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from xinfang.core.errors import (
    InvalidInput,
    NotFound,
)
from xinfang.orgs.models import Body

from ..models import Case
from .engine import MOVE_FUNCTIONS


def _move_value(name: str, value):
    """Turn plain values (JSON, form posts) into what a service takes: ids to rows, ISO dates."""
    from django.contrib.auth import get_user_model

    if value is None:
        return None
    if name == "body":
        found = Body.objects.filter(pk=getattr(value, "pk", value), is_active=True).first()
        if found is None:
            raise InvalidInput(_("Choose a valid body"), fields={name: [_("Choose a valid body")]})
        return found
    if name in ("handler", "leader"):
        users = get_user_model().objects
        user = users.filter(pk=getattr(value, "pk", value), is_active=True).first()
        if user is None:
            raise InvalidInput(
                _("Choose a valid person"), fields={name: [_("Choose a valid person")]}
            )
        return user
    if name in ("report_due", "due_on", "deadline"):
        try:
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise InvalidInput(
                _("Dates are written YYYY-MM-DD"),
                fields={name: [_("Dates are written YYYY-MM-DD")]},
            ) from exc
    if name in ("days", "expected_version"):
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(
                _("Must be a whole number"), fields={name: [_("Must be a whole number")]}
            ) from exc
    return value


def move_params(move: str) -> dict[str, Any]:
    """The inputs a move's service takes (beyond case, actor, expected_version): name → default,
    inspect.Parameter.empty when required. Forms and the API are drawn from this."""
    import inspect

    func = MOVE_FUNCTIONS[move]
    return {
        name: p.default
        for name, p in inspect.signature(func).parameters.items()
        if name not in ("case", "actor", "expected_version")
    }


def make_move(*, actor, number: str, move: str, payload: dict) -> Case:
    """Make a move by name with plain values (the API's JSON, a page's form post)."""
    import inspect

    from ..selectors import case_get_for_user

    if move not in MOVE_FUNCTIONS:
        raise NotFound(_("Unknown move: %(name)s") % {"name": move})
    case = case_get_for_user(actor, number)
    params = move_params(move)
    unknown = set(payload) - set(params) - {"expected_version"}
    if unknown:
        raise InvalidInput(
            _("The request has fields that are not recognised"),
            fields={k: [_("Field not recognised")] for k in unknown},
        )
    missing = [n for n, d in params.items() if d is inspect.Parameter.empty and n not in payload]
    if missing:
        raise InvalidInput(
            _("Fill in the required fields"),
            fields={k: [_("This field is required")] for k in missing},
        )
    kwargs = {k: _move_value(k, v) for k, v in payload.items()}
    return MOVE_FUNCTIONS[move](case=case, actor=actor, **kwargs)
