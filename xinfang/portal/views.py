"""Citizen pages: submit, receipt, track, rate, ask for review, public board. Thin: the rules
live in the citizen's use cases (xinfang.cases.citizen)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.messages import get_messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from xinfang.cases import citizen
from xinfang.cases import services as case_services
from xinfang.cases.models import Case
from xinfang.cases.workflow import STATE_LABELS, S
from xinfang.core import tablecache
from xinfang.core.errors import (
    ApplicationError,
    InvalidInput,
    NotFound,
    StorageFull,
    apply_to_form,
)
from xinfang.core.ratelimit import RateLimited, client_ip
from xinfang.documents import selectors as doc_selectors

from . import browser_pass, selectors
from .forms import (
    BoardSearchForm,
    MaterialForm,
    MoveForm,
    RateForm,
    ReviewForm,
    SubmitForm,
    TrackForm,
    division_chain,
    missing_for_kind,
    offered_kind,
    place_of,
)

REFRESH_KEYS = ("category_search", "division_refresh")
# The submit form's text fields, read as they are posted on the quick path (_quick_submission).
QUICK_FIELDS = (
    "content_type", "title", "body", "category", "address",
    "name", "phone", "id_number", "email", "contact_address",
)  # fmt: skip
CONSENT = SubmitForm.base_fields["public_consent"]

# Where a service's field error belongs on the form.
SERVICE_FIELDS = {
    "petitioner": "name",
    "petitioner.name": "name",
    "petitioner.phone": "phone",
    "petitioner.id_number": "id_number",
    "petitioner.email": "email",
    "petitioner.address": "contact_address",
}


def home(request):
    return render(request, "portal/home.html")


def _mark_invalid(form) -> None:
    """Tie each field to its help and error texts for screen readers."""
    for name, field in form.fields.items():
        bound = form[name]
        ids = []
        if name in form.errors:
            ids.append(f"{bound.auto_id}_error")
            field.widget.attrs["aria-invalid"] = "true"
        if field.help_text:
            ids.append(f"{bound.auto_id}_helptext")
        if ids:
            field.widget.attrs["aria-describedby"] = " ".join(ids)


def _submit_context(form, data=None) -> dict:
    """The form plus its two pickers, rebuilt from what was posted (`data`)."""
    codes = data.getlist("division_code") if data else []
    q = data.get("category_q", "") if data else ""
    selected = data.get("category", "") if data else ""
    return {
        "form": form,
        "levels": selectors.cascade(division_chain(codes)),
        **_category_context(q, selected),
    }


def _category_context(q: str, selected: str) -> dict:
    groups = selectors.category_choices(q, selected)
    return {
        "category_groups": groups,
        "category_count": sum(len(items) for _group, items in groups),
        "category_q": q.strip(),
        "selected_category": selected,
    }


def _channel(request) -> str:
    ua = request.META.get("HTTP_USER_AGENT", "")
    return "mobile" if ("Mobile" in ua or "MicroMessenger" in ua) else "web"


# The blank form as rendered, per language and version of the tables it lists, with a slot
# where each request's CSRF token goes: the form lists every category and the places.
_blank_pages: dict[tuple, str] = {}
CSRF_SLOT = "\x00csrf\x00"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BLANK_FORM_TABLES = ("portal.categories", "orgs.children")


def _blank_form(request) -> HttpResponse:
    key = (get_language(), tablecache.version(*BLANK_FORM_TABLES))
    page = _blank_pages.get(key)
    if page is None:
        form = SubmitForm()
        _mark_invalid(form)
        html = render_to_string("portal/submit.html", _submit_context(form), request)
        # Every use in one rendering is the same masked token; it becomes the slot.
        token = CSRF_INPUT.search(html).group(1)
        page = html.replace(token, CSRF_SLOT)
        if len(_blank_pages) > 20:
            _blank_pages.clear()
        _blank_pages[key] = page
    return HttpResponse(page.replace(CSRF_SLOT, get_token(request)))


def submit(request):
    if request.method != "POST":
        if not request.GET and not get_messages(request):
            return _blank_form(request)
        form = SubmitForm()
        _mark_invalid(form)
        return render(request, "portal/submit.html", _submit_context(form))
    if any(k in request.POST for k in REFRESH_KEYS):
        # Without scripts, "search" and "update places" post the form: keep it, judge nothing yet.
        initial = {k: request.POST.get(k, "") for k in SubmitForm.base_fields if k != "attachments"}
        initial["public_consent"] = bool(request.POST.get("public_consent"))
        form = SubmitForm(initial=initial)
        _mark_invalid(form)
        return render(request, "portal/submit.html", _submit_context(form, request.POST))
    form = None
    submission, files = (None, []) if request.FILES else (_quick_submission(request), [])
    if submission is None:
        form = SubmitForm(request.POST, request.FILES)
        if form.is_valid():
            submission, files = _form_submission(request, form)
    status = 200
    error = None
    if submission is not None:
        try:
            reg = citizen.submit(submission, ip=client_ip(request), attachments=files)
        except (RateLimited, InvalidInput, StorageFull) as exc:
            error = exc
        else:
            # The browser carries the receipt's secrets to the next page, as the API's client
            # gets them in its answer; the receipt page reads the rest from the case.
            browser_pass.of(request).admit(
                reg.case.pk,
                receipt={
                    "case_id": reg.case.pk,
                    "tracking_code": reg.tracking_code,
                    "password": reg.query_password,
                },
            )
            return HttpResponseRedirect(_receipt_url(request))
        if form is None:
            # Refused without the whole form: it judges again, and its own messages come first.
            form = SubmitForm(request.POST, request.FILES)
            if not form.is_valid():
                error = None
    if isinstance(error, InvalidInput):
        apply_to_form(form, error, SERVICE_FIELDS)
    elif error is not None:
        # Nothing was registered; the form comes back with everything typed in it.
        form.add_error(None, str(error.message))
        if isinstance(error, StorageFull):
            status = error.http_status
    _mark_invalid(form)
    return render(request, "portal/submit.html", _submit_context(form, request.POST), status=status)


_receipt_urls: dict[tuple, str] = {}


def _receipt_url(request) -> str:
    """reverse("portal:submitted"), looked up once per URL configuration and script prefix.
    Both are read from the request (its path is the prefix and its path_info): the thread's
    own copies live in context-local storage, two look-ups costlier than the reverse's cache."""
    key = (request.path, request.path_info, getattr(request, "urlconf", None))
    url = _receipt_urls.get(key)
    if url is None:
        if len(_receipt_urls) > 20:
            _receipt_urls.clear()
        url = _receipt_urls[key] = reverse("portal:submitted")
    return url


def _quick_submission(request) -> citizen.Submission | None:
    """A form with nothing attached, read without building the form: its fields are checked by
    the citizen's submission itself (cases/validation.py, as for the API), the portal's own
    rules here. None when one of those fails: the whole form then shows what is wrong."""
    post = request.POST
    # As the form's fields read them: the last value, stripped.
    value = {k: post.get(k, "").strip() for k in QUICK_FIELDS}
    place = place_of(division_chain(post.getlist("division_code")))
    missing = missing_for_kind(kind=value["content_type"], name=value["name"], phone=value["phone"])
    if place is None or missing or not offered_kind(value["content_type"]):
        return None
    return citizen.Submission(
        content_type=value["content_type"],
        title=value["title"],
        body=value["body"],
        category=value["category"],
        division_code=place.code,
        address=value["address"],
        petitioner=case_services.PartyInput(
            name=value["name"],
            phone=value["phone"],
            id_number=value["id_number"],
            email=value["email"],
            address=value["contact_address"],
        ),
        public_consent=bool(
            CONSENT.clean(CONSENT.widget.value_from_datadict(post, {}, "public_consent"))
        ),
        channel=_channel(request),
    )


def _form_submission(request, form) -> tuple[citizen.Submission, list]:
    d = form.cleaned_data
    submission = citizen.Submission(
        content_type=d["content_type"],
        title=d["title"],
        body=d["body"],
        category=d["category"] or "",
        division_code=form.division.code,
        address=d["address"],
        petitioner=case_services.PartyInput(
            name=d["name"],
            phone=d["phone"],
            id_number=d["id_number"] or "",
            email=d["email"],
            address=d["contact_address"],
        ),
        public_consent=d["public_consent"],
        channel=_channel(request),
    )
    files = [case_services.AttachmentInput(name=f.name, content=f.read()) for f in d["attachments"]]
    return submission, files


@never_cache
def submitted(request):
    # Taken: the password is shown on this one page view and never again.
    receipt = browser_pass.of(request).take_receipt()
    if receipt and "case_id" in receipt:
        receipt = {**receipt, **(selectors.receipt_details(receipt["case_id"]) or {})}
    return render(request, "portal/submitted.html", {"receipt": receipt})


@require_GET
def categories(request):
    ctx = _category_context(request.GET.get("category_q", ""), request.GET.get("category", ""))
    return render(request, "portal/_category_select.html", ctx)


@require_GET
def divisions(request):
    codes = request.GET.getlist("division_code")
    return render(
        request,
        "portal/_division_cascade.html",
        {"levels": selectors.cascade(division_chain(codes))},
    )


# ---------------------------------------------------------------------------------------------
# Tracking


@never_cache
def track(request):
    form = TrackForm(request.POST or None, initial={"tracking_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            case = citizen.find(
                form.cleaned_data["tracking_code"],
                form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except RateLimited:
            form.add_error(None, _("Too many failed attempts. Try again in 15 minutes."))
        except NotFound:
            form.add_error(None, _("The tracking code or the query password is not right."))
        else:
            browser_pass.of(request).grant(case.pk)
            return redirect("portal:case", number=case.number)
    _mark_invalid(form)
    return render(request, "portal/track.html", {"form": form})


def _granted_case(request, number: str) -> Case:
    ids = browser_pass.granted(request)
    case = (
        Case.objects.filter(number=number, pk__in=ids)
        .select_related("holder_body", "category", "place")
        .first()
    )
    if case is None:
        raise Http404
    return case


def _notices(case: Case) -> list:
    return list(doc_selectors.notices_for_citizen(case))


def _case_context(
    request, case: Case, rate_form=None, review_form=None, move_form=None, material_form=None
) -> dict:
    seen = citizen.track(case)
    detail = case.decision_detail or {}
    return {
        "can_add_material": citizen.may_add_material(case),
        "material_form": material_form or MaterialForm(),
        "case": case,
        "answer": seen,
        "clocks": [{**c, "words": c["citizen_words"]} for c in seen.clocks],
        "timeline": seen.timeline[::-1],
        "notices": _notices(case),
        "can_rate": seen.can_rate,
        "review_move": seen.review_move,
        "other_moves": [
            move_form if move_form and move_form.move.name == m.name else MoveForm(move=m)
            for m in seen.other_moves
        ],
        "rate_form": rate_form or RateForm(),
        "review_form": review_form or ReviewForm(),
        "reply": {
            "facts": detail.get("facts", ""),
            "reasons": detail.get("reasons", ""),
            "basis": detail.get("basis", ""),
            "review": (detail.get("review") or {}).get("opinion", ""),
            "rereview": (detail.get("rereview") or {}).get("opinion", ""),
        }
        if case.state not in (S.REGISTERED, S.TRANSFERRED, S.ACCEPTED, S.DECIDED)
        else None,
        "rating_label": dict(RateForm.base_fields["rating"].choices).get(case.rating, ""),
        "rating_status": seen.rating_status,
        "state_label": STATE_LABELS.get(case.state, case.state),
    }


@never_cache
def case_detail(request, number: str):
    try:
        case = _granted_case(request, number)
    except Http404:
        messages.info(request, _("Enter your tracking code and query password to see the case."))
        return redirect("portal:track")
    return render(request, "portal/case.html", _case_context(request, case))


@never_cache
@require_POST
def rate(request, number: str):
    case = _granted_case(request, number)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            citizen.rate(
                case, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Thank you. Your rating was recorded."))
            return redirect("portal:case", number=number)
    _mark_invalid(form)
    ctx = _case_context(request, case, rate_form=form)
    return render(request, "portal/case.html", ctx)


@never_cache
@require_POST
def review(request, number: str):
    case = _granted_case(request, number)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            citizen.ask_for_review(case, reasons=form.cleaned_data["reasons"])
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your request was sent to the higher body."))
            return redirect("portal:case", number=number)
    _mark_invalid(form)
    ctx = _case_context(request, case, review_form=form)
    return render(request, "portal/case.html", ctx)


@never_cache
@require_POST
def move(request, number: str, move: str):
    """Any further move the portal offers (declared in cases/workflow), posted from its form."""
    case = _granted_case(request, number)
    offered = {m.name: m for m in citizen.track(case).other_moves}
    if move not in offered:
        raise Http404
    form = MoveForm(request.POST, move=offered[move])
    if form.is_valid():
        try:
            citizen.make_move(case, move=move, payload=form.payload())
        except ApplicationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Done: %(move)s.") % {"move": offered[move].label})
            return redirect("portal:case", number=number)
    _mark_invalid(form)
    return render(request, "portal/case.html", _case_context(request, case, move_form=form))


@never_cache
@require_POST
def material(request, number: str):
    """Material or a message added to the open case; the holding body is told."""
    case = _granted_case(request, number)
    form = MaterialForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        files = [
            case_services.AttachmentInput(name=f.name, content=f.read())
            for f in form.cleaned_data["files"]
        ]
        try:
            citizen.add_material(case, message=form.cleaned_data["message"], files=files)
        except StorageFull as exc:
            form.add_error(None, str(exc.message))
            status = exc.http_status
        except ApplicationError as exc:
            apply_to_form(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request, _("Your material was added. The body handling your case is told.")
            )
            return redirect("portal:case", number=number)
    _mark_invalid(form)
    case.refresh_from_db()
    ctx = _case_context(request, case, material_form=form)
    return render(request, "portal/case.html", ctx, status=status)


@never_cache
def notice(request, number: str, notice_id: int):
    case = _granted_case(request, number)
    try:
        f = doc_selectors.notice_file(case, notice_id, for_citizen=True)
    except NotFound:
        raise Http404 from None
    return FileResponse(
        f.open(), as_attachment=True, filename=f.filename, content_type=f.content_type
    )


@require_POST
def forget(request, number: str):
    browser_pass.of(request).forget(Case.objects.filter(number=number).values_list("pk", flat=True))
    messages.info(request, _("This device no longer shows the case."))
    return redirect(reverse("portal:track"))


# ---------------------------------------------------------------------------------------------
# Public board (阳光信访)


def board(request):
    form = BoardSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    try:
        after = int(request.GET.get("after", "") or 0) or None
    except ValueError:
        after = None
    rows = list(
        selectors.public_cases(q, after).prefetch_related("parties")[: selectors.BOARD_PAGE + 1]
    )
    more = len(rows) > selectors.BOARD_PAGE
    rows = rows[: selectors.BOARD_PAGE]
    return render(
        request,
        "portal/board.html",
        {
            "form": form,
            "q": q,
            "items": [selectors.anonymised(c) for c in rows],
            "next_after": rows[-1].pk if more and rows else None,
            "paged": after is not None,
        },
    )


def board_case(request, number: str):
    case = selectors.public_case(number)
    if case is None:
        raise Http404
    return render(request, "portal/board_case.html", {"item": selectors.anonymised(case)})
