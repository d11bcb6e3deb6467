"""Keyset cursors of inbox pages: newest registration first, or the nearest deadline first."""

from __future__ import annotations

import base64
import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput

from ..models import Case

# The page order of a list newest first; before() and the raw SQL of due_runs and windows
# (ORDER BY registered_at DESC, id DESC) follow it.
NEWEST_FIRST = ("-registered_at", "-pk")


def encode_cursor(case: Case, sort: str = "registered") -> str:
    if sort == "due":
        due = getattr(case, "next_due", None)
        raw = f"due|{due.isoformat() if due else '-'}|{case.registered_at.isoformat()}|{case.pk}"
    else:
        raw = f"{case.registered_at.isoformat()}|{case.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _bad_cursor() -> InvalidInput:
    return InvalidInput(_("Invalid page cursor"), fields={"cursor": [_("Invalid page cursor")]})


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        at, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return dt.datetime.fromisoformat(at), int(pk)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc


def before(at: dt.datetime, pk: int) -> Q:
    """Rows after (at, pk) in newest-first order. The bound on registered_at alone is implied,
    and stated so that an index on it can start there instead of at the newest case."""
    return Q(registered_at__lte=at) & (Q(registered_at__lt=at) | Q(registered_at=at, pk__lt=pk))


def after_due_cursor(cursor: str) -> Q:
    """Rows after the cursor in (next_due ascending, nulls last; newest first) order."""
    try:
        tag, due, at, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        if tag != "due":
            raise ValueError(tag)
        pk = int(pk)
        at = dt.datetime.fromisoformat(at)
        day = None if due == "-" else dt.date.fromisoformat(due)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc
    if day is None:
        return Q(next_due__isnull=True) & before(at, pk)
    return Q(next_due__gt=day) | (Q(next_due=day) & before(at, pk)) | Q(next_due__isnull=True)
