"""Public endpoints: submit a petition, follow it, rate the answer, ask for review."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status

from xinfang.cases import selectors as case_selectors
from xinfang.cases import services as case_services
from xinfang.cases.workflow import STATE_LABELS, S
from xinfang.core import crypto, ratelimit
from xinfang.core.errors import InvalidInput, NotFound
from xinfang.core.ratelimit import client_ip
from xinfang.orgs.models import Division
from xinfang.orgs.selectors import petition_office_for
from xinfang.taxonomy.selectors import leaf_by_code

from . import services

router = Router(tags=["public"])


class PetitionerIn(Schema):
    name: str = ""
    phone: str = ""
    id_number: str | None = None
    email: str = ""
    address: str = ""


class PetitionIn(Schema):
    content_type: Literal["appeal", "suggestion", "report"]
    title: str
    body: str
    category: str | None = None
    division_code: str
    address: str = ""
    petitioner: PetitionerIn | None = None
    public_consent: bool = False
    channel: Literal["web", "mobile"] = "web"


class PetitionOut(Schema):
    number: str
    tracking_code: str
    query_password: str
    state: str
    due: dict[str, dt.date]


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


LIMITS = {
    "ip": (30, 3600),  # submissions per IP an hour
    "phone": (5, 86400),  # submissions per phone number a day
    "lookup_failures": (10, 900),  # wrong code or password per IP in 15 minutes
}


def submit_petition(payload: PetitionIn, *, ip: str, channel: str | None = None, attachments=()):
    """Shared by the API and the portal form: limits, look-ups, then services.register."""
    limits = settings.XINFANG.get("RATE_LIMITS", LIMITS)
    ratelimit.hit(
        f"submit:ip:{ip}",
        limit=limits["ip"][0],
        per_seconds=limits["ip"][1],
        message=_("Too many submissions; try again later"),
    )
    phone = crypto.normalise_phone(payload.petitioner.phone if payload.petitioner else "")
    if phone:
        ratelimit.hit(
            f"submit:phone:{crypto.blind_index(phone)}",
            limit=limits["phone"][0],
            per_seconds=limits["phone"][1],
            message=_(
                "Too many submissions from this phone number today; try again tomorrow or call the petition office"
            ),
        )
    division = Division.objects.filter(code=payload.division_code).first()
    errors = {}
    if division is None:
        errors["division_code"] = [_("Choose a valid place")]
    category = None
    if payload.category:
        category = leaf_by_code(payload.category)
        if category is None:
            errors["category"] = [_("Choose a valid category")]
    office = petition_office_for(division) if division else None
    if division is not None and office is None:
        errors["division_code"] = [_("Online petitions are not open yet in this area")]
    if errors:
        raise InvalidInput(
            _("Some of what you entered is not right; correct it and try again"), fields=errors
        )
    p = payload.petitioner
    parties = []
    if p and (p.name or p.phone or p.id_number or p.email):
        parties.append(
            case_services.PartyInput(
                name=p.name,
                phone=p.phone,
                id_number=p.id_number or "",
                email=p.email,
                address=p.address,
            )
        )
    return case_services.register(
        actor=case_services.CitizenActor(),
        body=office,
        channel=channel or payload.channel,
        content_type=payload.content_type,
        title=payload.title,
        text=payload.body,
        place=division,
        address=payload.address,
        category=category,
        parties=parties,
        public_consent=payload.public_consent,
        attachments=attachments,
    )


@router.post(
    "/v1/petitions",
    response={201: PetitionOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Submit a petition (Idempotency-Key makes a retry safe)",
)
def create_petition(
    request,
    payload: PetitionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    if idempotency_key:
        record = services.claim_idempotency_key(idempotency_key[:100], payload.dict())
        if record is not None:
            return Status(record.status_code, services.stored_answer(record))
    try:
        reg = submit_petition(payload, ip=client_ip(request))
    except Exception:
        if idempotency_key:
            services.release_idempotency_key(idempotency_key[:100])
        raise
    answer = {
        "number": reg.case.number,
        "tracking_code": reg.tracking_code,
        "query_password": reg.query_password,
        "state": reg.case.state,
        "due": {c.period: c.due_on.isoformat() for c in reg.clocks},
    }
    if idempotency_key:
        services.store_idempotent_answer(idempotency_key[:100], 201, answer)
    return Status(201, answer)


def citizen_case(request, tracking_code: str, password: str | None):
    """Same answer for a wrong code and a wrong password; failures are rate-limited per IP."""
    limit, window = settings.XINFANG.get("RATE_LIMITS", LIMITS)["lookup_failures"]
    key = f"lookup:ip:{client_ip(request)}"
    ratelimit.check(
        key,
        limit=limit,
        per_seconds=window,
        message=_("Too many failed look-ups; try again in 15 minutes"),
    )
    try:
        return case_services.open_for_citizen(tracking_code, password or "")
    except NotFound:
        ratelimit.hit(key, limit=limit + 1, per_seconds=window)
        raise


class TrackOut(Schema):
    number: str
    title: str
    state: str
    state_label: str
    registered_at: dt.datetime
    holder: str
    clocks: list[dict]
    timeline: list[dict]
    rating: str
    can_rate: bool
    can_request_review: bool


def track_answer(case) -> dict:
    moves = {
        m.name for m in case_services.available_moves(case_services.CitizenActor(case.pk), case)
    }
    return {
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "state_label": str(STATE_LABELS[case.state]),
        "registered_at": case.registered_at,
        "holder": case.holder_body.name,
        "clocks": [
            {
                k: v
                for k, v in c.items()
                if k in ("period", "label", "due_on", "days_left", "provisional")
            }
            for c in case_selectors.clock_entries(case)
        ],
        "timeline": [
            {k: v for k, v in e.items() if k in ("at", "label", "note", "notice")}
            for e in case_selectors.timeline_entries(case, for_citizen=True)
        ],
        "rating": case.rating,
        "can_rate": "rate" in moves,
        "can_request_review": bool({"request_review", "request_rereview"} & moves),
    }


@router.get(
    "/v1/track/{tracking_code}",
    response={200: TrackOut, 404: ErrorOut, 429: ErrorOut},
    summary="Follow a petition with its tracking code and query password",
)
def track(
    request,
    tracking_code: str,
    x_query_password: str | None = Header(None, alias="X-Query-Password"),
):
    return Status(200, track_answer(citizen_case(request, tracking_code, x_query_password)))


class RatingIn(Schema):
    rating: Literal["satisfied", "basically", "unsatisfied"]
    comment: str = ""


@router.post(
    "/v1/track/{tracking_code}/rating",
    response={200: TrackOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Rate the answer (满意 / 基本满意 / 不满意)",
)
def rate(
    request,
    tracking_code: str,
    payload: RatingIn,
    x_query_password: str | None = Header(None, alias="X-Query-Password"),
):
    case = citizen_case(request, tracking_code, x_query_password)
    case = case_services.rate(
        case=case,
        actor=case_services.CitizenActor(case.pk),
        rating=payload.rating,
        comment=payload.comment,
    )
    return Status(200, track_answer(case))


class ReviewIn(Schema):
    reasons: str


@router.post(
    "/v1/track/{tracking_code}/review",
    response={200: TrackOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Ask for review (复查) or, after it, re-review (复核)",
)
def review(
    request,
    tracking_code: str,
    payload: ReviewIn,
    x_query_password: str | None = Header(None, alias="X-Query-Password"),
):
    case = citizen_case(request, tracking_code, x_query_password)
    actor = case_services.CitizenActor(case.pk)
    move = (
        case_services.request_rereview
        if case.state == S.REVIEW_DECIDED
        else (case_services.request_review)
    )
    case = move(case=case, actor=actor, reasons=payload.reasons)
    return Status(200, track_answer(case))
