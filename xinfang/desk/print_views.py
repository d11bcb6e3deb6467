"""Printed papers of the desk: the receipt a visitor or letter writer is given at registration,
the registration form (登记表) for the file, and any notice of a case (转送单, 交办单, ...) as a
page to print. The print stylesheet (static/css/print.css) leaves out navigation and controls.

The query password is never stored readable: registration keeps it in the clerk's session only
until the receipt page first shows it, as the portal's receipt does."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from xinfang.cases import access
from xinfang.cases import selectors as case_selectors
from xinfang.core.errors import NotFound
from xinfang.documents import preview
from xinfang.documents import selectors as doc_selectors

from .common import case_or_404

SESSION_RECEIPTS = "desk_receipts"
# A clerk registering a queue of visitors keeps at most this many receipts unprinted.
MAX_KEPT = 20


def keep_receipt(request, case, password: str) -> None:
    kept = request.session.get(SESSION_RECEIPTS) or {}
    kept[case.number] = password
    request.session[SESSION_RECEIPTS] = dict(list(kept.items())[-MAX_KEPT:])


def _take_password(request, number: str) -> str:
    kept = request.session.get(SESSION_RECEIPTS) or {}
    password = kept.pop(number, "")
    if password:
        request.session[SESSION_RECEIPTS] = kept
    return password


def _petitioners(user, case) -> list[str]:
    if not case_selectors.may_see_identity(user, case):
        return []
    return [p.masked()["name"] for p in case.parties.all() if p.name]


@require_GET
@login_required
@never_cache
def receipt(request, number: str):
    """登记回执: tracking code, the query password (this once), date, where to ask."""
    case = case_or_404(request.user, number)
    if not access.may_print_receipt(request.user, case):
        raise Http404
    office = case.registering_body
    return render(
        request,
        "desk/print/receipt.html",
        {
            "case": case,
            "office": office,
            "password": _take_password(request, number),
            "petitioners": _petitioners(request.user, case),
            "track_url": request.build_absolute_uri("/track/"),
            "route_clock": next(
                (c for c in case_selectors.clock_entries(case) if c["period"] == "route"), None
            ),
        },
    )


@require_GET
@login_required
def registration_form(request, number: str):
    """登记表: what was registered, for the case file."""
    case = case_or_404(request.user, number)
    show_identity = case_selectors.may_see_identity(request.user, case)
    register = case_selectors.registration_event(case)
    return render(
        request,
        "desk/print/registration.html",
        {
            "case": case,
            "show_identity": show_identity,
            "parties": [p.masked() for p in case.parties.all()] if show_identity else [],
            "attachments": list(case.attachments.all()) if show_identity else [],
            "register": register,
        },
    )


@require_GET
@login_required
def notice_page(request, number: str, notice_id: int):
    """A notice of the case (转送单, 交办单, ...) laid out as a page to print."""
    case = case_or_404(request.user, number)
    notice = doc_selectors.notices_for_staff(case, request.user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    try:
        layout = preview.issued_layout(notice)
    except NotFound:
        raise Http404 from None
    context = {"case": case, "notice": notice, "layout": layout}
    return render(request, "desk/print/notice.html", context)
