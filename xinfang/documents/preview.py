"""A notice as it would be issued by a move not yet made (what the head reads before signing),
and an issued notice's layout to print as a page.

Built from the same snapshot and template as the real notice (services.py), with no number
allocated and nothing saved. The petitioner's name is left out for a user who may not see it
(a report's reporter, W30, W46)."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.cases import workflow
from xinfang.cases.models import Case
from xinfang.cases.selectors import may_see_identity

from . import render
from .kinds import KINDS
from .models import Notice
from .services import REPORT_IDENTITY_WITHHELD, _issuer, _snapshot, layout_for, template_for

NUMBER_PENDING = "〔　〕号"


def preview_layout(case: Case, move: str, *, user) -> render.Layout | None:
    """The layout of the notice `move` would issue on `case` now, or None if it issues none."""
    kind = KINDS.get(workflow.MOVES[move].notice or "")
    if kind is None:
        return None
    extra = {}
    if move == "extend":
        extra = dict((case.decision_detail or {}).get("extension_request") or {})
    # What the snapshot reads of the event that would issue it; nothing is built or saved.
    event = SimpleNamespace(case=case, kind=move, actor=user, at=timezone.now(), extra=extra)
    issuer = _issuer(case, event)
    context = _snapshot(case, event, kind, issuer, NUMBER_PENDING)
    title, body = template_for(kind.key)
    notice = Notice(case=case, kind=kind.key, number=NUMBER_PENDING, context=context)
    layout = layout_for(notice, title=title, body=body)
    if kind.citizen_visible and not may_see_identity(user, case):
        layout.addressee = REPORT_IDENTITY_WITHHELD
    return layout


def issued_layout(notice: Notice) -> render.Layout:
    """The layout of a notice already issued, as its PDF was laid out (to print as a page)."""
    title, body = template_for(notice.kind)
    return layout_for(notice, title=title, body=body)


def preview_pdf(layout: render.Layout) -> bytes:
    return render.build_pdf(layout)


def pending_number_note() -> str:
    return _("The number is given when the notice is issued.")
