"""Reads of notices. Callers authorise access to the case first (cases.selectors)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xinfang.cases.models import Case
from xinfang.cases.selectors import may_see_identity
from xinfang.core.errors import NotFound

from .models import Notice


def notices_for_staff(case: Case, user=None) -> QuerySet[Notice]:
    """Every notice of the case, pending and failed included, oldest first.

    With `user`, a report's notices addressed to the reporter (they carry the reporter's name)
    are left out for anyone who may not see the reporter's identity (W30, W46).
    """
    qs = Notice.objects.filter(case=case).order_by("created_at", "pk")
    if user is not None and not may_see_identity(user, case):
        qs = qs.filter(citizen_visible=False)
    return qs


def notices_for_citizen(case: Case) -> QuerySet[Notice]:
    """The notices addressed to the petitioner that are ready to download."""
    return Notice.objects.filter(case=case, citizen_visible=True, status=Notice.RENDERED).order_by(
        "created_at", "pk"
    )


@dataclass
class NoticeFile:
    notice: Notice
    filename: str
    content_type: str
    size: int

    def open(self) -> IO[bytes]:
        return self.notice.pdf.open("rb")


def notice_file(case: Case, notice_id: int, *, for_citizen: bool = False, user=None) -> NoticeFile:
    """The PDF of one rendered notice of `case`; the same NotFound for missing and forbidden."""
    qs = notices_for_citizen(case) if for_citizen else notices_for_staff(case, user)
    notice = qs.filter(pk=notice_id, status=Notice.RENDERED).select_related("case").first()
    if notice is None or not notice.pdf:
        raise NotFound(_("Notice not found"))
    return NoticeFile(
        notice=notice,
        filename=notice.filename,
        content_type="application/pdf",
        size=notice.pdf.size,
    )
