"""Writes: the advice as shown, and the clerk's choice beside it."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from xinfang.orgs.models import Body
from xinfang.triage.models import Suggestion

from .advice import Advice, input_hash
from .engine import advice_for_case

logger = logging.getLogger("xinfang.triage")

# Moves that hand a case to a body: the body is the routing choice set beside the suggestion.
ROUTING_EVENTS = frozenset({"transfer", "assign"})


def record_suggestion(title: str, body: str, address: str, advice: Advice) -> Suggestion:
    """Store the advice as it was shown, so the choice can be set beside it later."""
    return Suggestion.objects.create(
        input_hash=input_hash(title, body, address),
        content_type=advice.content_type.value if advice.content_type else "",
        content_type_confidence=advice.content_type.confidence if advice.content_type else None,
        level1=advice.level1.value if advice.level1 else "",
        level1_confidence=advice.level1.confidence if advice.level1 else None,
        leaf_code=advice.leaf.value if advice.leaf else "",
        leaf_confidence=advice.leaf.confidence if advice.leaf else None,
        division_code=advice.place.code if advice.place else "",
        division_match=(f"{advice.place.how}:{advice.place.matched}" if advice.place else "")[:80],
        body_id=advice.body_id,
        model_versions=advice.model_versions,
        low_confidence=advice.low_confidence,
    )


def record_choice(
    suggestion_id: int | None,
    case,
    *,
    chosen_by,
    content_type: str | None = None,
    leaf_code: str | None = None,
    division_code: str | None = None,
    body: Body | None = None,
) -> Suggestion | None:
    """Set the clerk's choice beside the suggestion and link it to the case. Fields left None
    keep what was recorded before (registration sets type, category and place; routing sets
    the body). Never changes the case."""
    if not suggestion_id:
        return None
    with transaction.atomic():
        s = Suggestion.objects.select_for_update().filter(pk=suggestion_id).first()
        if s is None or (s.case_id is not None and s.case_id != case.pk):
            return None
        s.case = case
        accepted = dict(s.accepted)
        pairs = [
            ("content_type", "content_type", content_type),
            ("leaf", "leaf_code", leaf_code),
            ("division", "division_code", division_code),
        ]
        for key, attr, chosen in pairs:
            if chosen is None:
                continue
            setattr(s, f"chosen_{attr}", chosen)
            suggested = getattr(s, attr)
            accepted[key] = bool(suggested) and suggested == chosen if suggested else None
        if body is not None:
            s.chosen_body = body
            accepted["body"] = s.body_id == body.pk if s.body_id else None
        s.accepted = accepted
        s.chosen_at = timezone.now()
        s.chosen_by = chosen_by
        s.save()
    return s


def suggestion_for_case(case) -> Suggestion | None:
    return Suggestion.objects.filter(case=case).order_by("-created_at", "-pk").first()


def record_routed_body(event) -> None:
    """Subscriber (core/events.py), inside the routing move's transaction: the body the case
    went to, beside the body suggested, whatever the channel (desk pages, API). A case routed
    without a recorded suggestion (registered through the API or the portal) gets the advice
    recorded now, as the route page shows it. Never blocks the move."""
    if event.kind not in ROUTING_EVENTS:
        return
    body_id = (event.new or {}).get("holder_body_id")
    if body_id is None:
        return
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the move intact
            case = event.case
            row = suggestion_for_case(case)
            if row is None:
                advice = advice_for_case(case)
                row = record_suggestion(case.title, case.body, case.address, advice)
            body = Body.objects.get(pk=body_id)
            record_choice(row.pk, case, chosen_by=event.actor, body=body)
    except Exception:
        logger.exception("could not record the routing choice of case %s", event.case_id)
