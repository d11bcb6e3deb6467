"""Public endpoints: submit a petition, follow it, rate the answer, ask for review. Thin over
the citizen's use cases (xinfang.cases.citizen)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db import IntegrityError
from ninja import Header, Router, Schema, Status
from pydantic import Field

from xinfang.cases import citizen, validation
from xinfang.cases.services import PartyInput
from xinfang.core.ratelimit import RateLimited, client_ip

from . import services

router = Router(tags=["public"])


# Lengths as cases/validation.py checks them (the portal's form says the same).
LIMITS = validation.MAX_LENGTHS


class PetitionerIn(Schema):
    name: str = Field("", max_length=LIMITS["petitioner.name"])
    phone: str = Field(
        "", max_length=LIMITS["petitioner.phone"], description="7 to 12 digits, e.g. 13800138000"
    )
    id_number: str | None = Field(
        None,
        max_length=LIMITS["petitioner.id_number"],
        description="18 characters with the GB 11643 check digit, or 15 digits",
    )
    email: str = Field("", max_length=LIMITS["petitioner.email"])
    address: str = Field("", max_length=LIMITS["petitioner.address"])


class PetitionIn(Schema):
    content_type: Literal["appeal", "suggestion", "report"]
    title: str = Field(..., min_length=1, max_length=LIMITS["title"])
    body: str = Field(..., min_length=1, max_length=LIMITS["body"])
    category: str | None = Field(None, max_length=LIMITS["category"])
    division_code: str = Field(..., min_length=1, max_length=LIMITS["division_code"])
    address: str = Field("", max_length=LIMITS["address"])
    petitioner: PetitionerIn | None = None
    public_consent: bool = False
    channel: Literal["web", "mobile"] = "web"

    def submission(self) -> citizen.Submission:
        p = self.petitioner or PetitionerIn()
        return citizen.Submission(
            content_type=self.content_type,
            title=self.title,
            body=self.body,
            division_code=self.division_code,
            category=self.category or "",
            address=self.address,
            petitioner=PartyInput(
                name=p.name,
                phone=p.phone,
                id_number=p.id_number or "",
                email=p.email,
                address=p.address,
            ),
            public_consent=self.public_consent,
            channel=self.channel,
        )


class PetitionOut(Schema):
    number: str
    tracking_code: str
    # null only in an answer replayed (same Idempotency-Key) to another client than the first
    query_password: str | None
    state: str
    due: dict[str, dt.date]


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


# Every operation may answer these: a body over the size limit, input refused.
REFUSED = {413: ErrorOut, 422: ErrorOut, 503: ErrorOut}


@router.post(
    "/v1/petitions",
    response={201: PetitionOut, 409: ErrorOut, 429: ErrorOut, **REFUSED},
    summary="Submit a petition (Idempotency-Key makes a retry safe)",
)
def create_petition(
    request,
    payload: PetitionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    key = (idempotency_key or "")[:100]
    ip = client_ip(request)
    if not key:
        return Status(201, petition_answer(citizen.submit(payload.submission(), ip=ip)))
    fp = services.fingerprint(payload.dict())

    def answer_row(reg) -> list:
        # Written with the case (one statement, one commit) under the key's unique index: a
        # retry finds the answer exactly when the case exists.
        return [services.answer_row(key, fp, 201, petition_answer(reg), case=reg.case, client=ip)]

    # The key is not looked up first: a first attempt, the usual case, costs nothing for it.
    try:
        reg = citizen.submit(payload.submission(), ip=ip, rows_with=answer_row)
    except (IntegrityError, RateLimited):
        # The key's answer row was refused (a submission with the key committed first, or is
        # committing beside this one: the insert waited for it), and this one rolled back; or
        # the limits are spent by the very submission this one repeats. Either way the first
        # answer, when there is one, is the answer.
        record = services.answered(key, fp)
        if record is None:
            raise
        return Status(record.status_code, services.stored_answer(record, client=ip))
    return Status(201, petition_answer(reg))


def petition_answer(reg) -> dict:
    return {
        "number": reg.case.number,
        "tracking_code": reg.tracking_code,
        "query_password": reg.query_password,
        "state": reg.case.state,
        "due": {c.period: c.due_on.isoformat() for c in reg.clocks},
    }


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
    seen = citizen.track(case)
    return {
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "state_label": seen.state_label,
        "registered_at": case.registered_at,
        "holder": case.holder_body.name,
        "clocks": [
            {
                k: v
                for k, v in c.items()
                if k in ("period", "label", "due_on", "days_left", "provisional")
            }
            for c in seen.clocks
        ],
        "timeline": [
            {k: v for k, v in e.items() if k in ("at", "label", "note", "notice")}
            for e in seen.timeline
        ],
        "rating": case.rating,
        "can_rate": seen.can_rate,
        "can_request_review": seen.can_request_review,
    }


def _found(request, tracking_code: str, password: str | None):
    return citizen.find(tracking_code, password or "", ip=client_ip(request))


@router.get(
    "/v1/track/{tracking_code}",
    response={200: TrackOut, 404: ErrorOut, 429: ErrorOut, **REFUSED},
    summary="Follow a petition with its tracking code and query password",
)
def track(
    request,
    tracking_code: str,
    x_query_password: str | None = Header(None, alias="X-Query-Password"),
):
    return Status(200, track_answer(_found(request, tracking_code, x_query_password)))


class RatingIn(Schema):
    rating: Literal["satisfied", "basically", "unsatisfied"]
    comment: str = Field("", max_length=1000)


@router.post(
    "/v1/track/{tracking_code}/rating",
    response={200: TrackOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut, **REFUSED},
    summary="Rate the answer (满意 / 基本满意 / 不满意)",
)
def rate(
    request,
    tracking_code: str,
    payload: RatingIn,
    x_query_password: str | None = Header(None, alias="X-Query-Password"),
):
    case = _found(request, tracking_code, x_query_password)
    case = citizen.rate(case, rating=payload.rating, comment=payload.comment)
    return Status(200, track_answer(case))


class ReviewIn(Schema):
    reasons: str = Field(..., min_length=1, max_length=3000)


@router.post(
    "/v1/track/{tracking_code}/review",
    response={200: TrackOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut, **REFUSED},
    summary="Ask for review (复查) or, after it, re-review (复核)",
)
def review(
    request,
    tracking_code: str,
    payload: ReviewIn,
    x_query_password: str | None = Header(None, alias="X-Query-Password"),
):
    case = _found(request, tracking_code, x_query_password)
    case = citizen.ask_for_review(case, reasons=payload.reasons)
    return Status(200, track_answer(case))
