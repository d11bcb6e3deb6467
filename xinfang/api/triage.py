"""Staff endpoint (token): triage advice for a petition text. It only advises; nothing is saved."""

from __future__ import annotations

from ninja import Router, Schema
from pydantic import Field

from xinfang.orgs.selectors import memberships_of
from xinfang.triage import suggest as triage

from .staff import REFUSED, StaffToken

router = Router(tags=["triage"], auth=StaffToken())


class SuggestIn(Schema):
    title: str = Field("", max_length=200)
    body: str = Field("", max_length=20000)
    address: str = Field("", max_length=200)


@router.post(
    "/v1/triage/suggest",
    response={200: dict, **REFUSED},
    summary="Suggested content type, category, place and responsible body, with confidences",
)
def suggest(request, payload: SuggestIn):
    # Places near the caller's own body are preferred when a name is ambiguous.
    member = next(iter(memberships_of(request.auth)), None)
    advice = triage.suggest(
        payload.title[:200],
        payload.body[:20000],
        payload.address[:200],
        within=member.body.division if member else None,
    )
    return advice.as_dict()
