"""Staff endpoints (token): list and read cases, and make every move of workflow.py."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from ninja import Query, Router, Schema
from ninja.security import HttpBearer
from pydantic import BeforeValidator, Field

from xinfang.cases import selectors as case_selectors
from xinfang.cases import services as case_services
from xinfang.cases import workflow
from xinfang.core.articles import cite

from . import schemas
from .services import user_for_token


class StaffToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["staff"], auth=StaffToken())


def _iso_date(value):
    """Only YYYY-MM-DD: not a number (pydantic would read 0 as 1970-01-01), not a time."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError("Dates are written YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Word = Annotated[str, Field(min_length=1, max_length=50)]


class CaseFilters(Schema):
    state: Word | None = None
    category: Word | None = None
    division: Word | None = None
    channel: Word | None = None
    content_type: Word | None = None
    holder: int | None = Field(None, ge=1)
    registered_from: IsoDate | None = None
    registered_to: IsoDate | None = None
    queue: Literal["all", "new", "due_soon", "overdue", "signoff", "supervised", "leader"] = "all"
    q: str | None = Field(None, max_length=100)
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


# Every staff operation may answer these: no valid token, a body over the size limit, input
# refused, the database away.
REFUSED = {401: ErrorOut, 413: ErrorOut, 422: ErrorOut, 503: ErrorOut}


def case_summary(case) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "state_label": str(workflow.STATE_LABELS[case.state]),
        "channel": case.channel,
        "content_type": case.content_type,
        "category": case.category.full_name if case.category_id else None,
        "place": case.place_id,
        "holder": case.holder_body.name,
        "registered_at": case.registered_at,
        "version": case.version,
    }


@router.get(
    "/v1/cases",
    response={200: dict, **REFUSED},
    summary="Cases visible to the token's user (keyset pagination)",
)
def list_cases(request, filters: Query[CaseFilters]):
    f = filters
    page = case_selectors.inbox(
        request.auth,
        f.queue,
        case_selectors.InboxFilters(
            state=f.state or "",
            category=f.category or "",
            division=f.division or "",
            channel=f.channel or "",
            content_type=f.content_type or "",
            holder=f.holder,
            registered_from=f.registered_from,
            registered_to=f.registered_to,
            q=f.q or "",
        ),
        f.cursor,
        f.limit,
    )
    return {"items": [case_summary(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/v1/cases/{number}",
    response={200: dict, 404: ErrorOut, **REFUSED},
    summary="One case, with parties masked, clocks and timeline",
)
def get_case(request, number: str):
    case = case_selectors.case_get_for_user(request.auth, number)
    show_identity = case_selectors.may_see_identity(request.auth, case)
    out = case_summary(case)
    out.update(
        {
            "body": case.body,
            "address": case.address,
            "parties": [p.masked() for p in case.parties.all()] if show_identity else [],
            "identity_hidden": not show_identity,
            "clocks": case_selectors.clock_entries(case),
            "timeline": case_selectors.timeline_entries(case, for_citizen=False),
            "flags": {
                "supervised": case.supervised,
                "listed_supervision": case.listed_supervision,
                "leader_level": case.leader_level,
                "is_group": case.is_group,
                "repeat_of": case.repeat_of.number if case.repeat_of_id else None,
            },
        }
    )
    return out


def _move_info(move: workflow.Move) -> dict:
    return {
        "name": move.name,
        "label": str(move.label),
        "article": cite(move.article),
        "target": move.target,
        "params": [
            {
                "name": f.name,
                "required": f.required,
                "kind": f.spec.kind,
                "label": str(f.spec.label),
            }
            for f in move.fields
        ],
    }


@router.get(
    "/v1/cases/{number}/moves",
    response={200: dict, 404: ErrorOut, **REFUSED},
    summary="The moves this user may make on the case now",
)
def list_moves(request, number: str):
    case = case_selectors.case_get_for_user(request.auth, number)
    return {
        "version": case.version,
        "moves": [_move_info(m) for m in case_services.available_moves(request.auth, case)],
    }


class MovedOut(Schema):
    number: str
    state: str
    state_label: str
    version: int


MOVE_ANSWERS = {200: MovedOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, **REFUSED}


def _add_move_operation(move: workflow.Move) -> None:
    """POST /v1/cases/{number}/moves/<move>, with the move's own payload schema."""
    payload_schema = schemas.move_payload(move)

    def make(request, number, payload):
        case = case_services.make_move(
            actor=request.auth,
            number=number,
            move=move.name,
            payload=payload.model_dump(exclude_unset=True),
        )
        return {
            "number": case.number,
            "state": case.state,
            "state_label": str(workflow.STATE_LABELS[case.state]),
            "version": case.version,
        }

    make.__name__ = f"move_{move.name}"
    # Real objects, not strings: the schema is built here, so ninja cannot look it up by name.
    make.__annotations__ = {"number": str, "payload": payload_schema}
    router.add_api_operation(
        f"/v1/cases/{{number}}/moves/{move.name}",
        ["POST"],
        make,
        response=MOVE_ANSWERS,
        summary=f"{move.label}（{cite(move.article)}）",
        description=(
            "403: not the role or the scope; 404: no such case, or not visible; 409: changed "
            "since `expected_version`, or not possible now; 422: invalid payload."
        ),
        operation_id=f"move_{move.name}",
    )


for _move in workflow.MOVES.values():
    _add_move_operation(_move)
