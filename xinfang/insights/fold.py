"""Fold a case's timeline into its fact row (models.CaseFact). Runs on the task queue after a
move commits (tasks.py) and in `rebuild_insights`; never inside a move's transaction."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from xinfang.cases.models import Case, CaseEvent
from xinfang.cases.workflow import ANSWERED, S
from xinfang.orgs.models import Level

from .models import CaseFact

logger = logging.getLogger("xinfang.insights")

# Channels counted as online petitions (网上信访) in the online share.
ONLINE_CHANNELS = frozenset({"web", "mobile"})
REVIEW_MOVES = frozenset({"request_review", "request_rereview"})
REPEAT_MERGED = "repeat_merged"


def _levels(place) -> dict[int, object]:
    return {d.level: d for d in place.ancestors()}


def facts_of(case: Case) -> dict:
    """The fact row's values for one case, from the case, its clocks and its timeline."""
    events = list(
        CaseEvent.objects.filter(case=case).order_by("seq").values("kind", "to_state", "at")
    )
    answered = next((e["at"] for e in events if e["to_state"] in ANSWERED), None)
    kinds = {e["kind"] for e in events}
    window = case.clocks.filter(period="rating").order_by("-started_on", "-pk").first()
    levels = _levels(case.place)
    registered_on = timezone.localdate(case.registered_at)
    answered_on = timezone.localdate(answered) if answered else None
    return {
        "registered_on": registered_on,
        "channel": case.channel,
        "content_type": case.content_type,
        "online": case.channel in ONLINE_CHANNELS,
        "category_id": case.category_id,
        "category_code": case.category.code if case.category_id else "",
        "place_id": case.place_id,
        "place_path": case.place.path,
        "township": levels.get(Level.TOWNSHIP),
        "village": levels.get(Level.VILLAGE),
        "holder_body_id": case.holder_body_id,
        "registering_body_id": case.registering_body_id,
        "sender_body_id": case.sender_body_id,
        "accused_body_id": case.accused_body_id,
        "filed_by_id": case.filed_by_id,
        "state": case.state,
        "is_repeat": case.repeat_of_id is not None or case.state == S.MERGED,
        "answered_on": answered_on,
        "handling_days": (answered_on - registered_on).days if answered_on else None,
        "rating": case.rating,
        "rating_window_status": window.status if window else None,
        "rating_window_due": window.due_on if window else None,
        "resolved": answered is not None
        and not (kinds & REVIEW_MOVES)
        and REPEAT_MERGED not in kinds
        and case.rating != "unsatisfied",
        "leader_body_id": case.leader_body_id,
        "leader_deadline": case.leader_deadline,
        "folded_events": len(events),
    }


def fold_case(case_id: int) -> bool:
    """Bring one case's fact row up to date; False when the case is gone."""
    case = Case.objects.select_related("place", "category").filter(pk=case_id).first()
    if case is None:
        CaseFact.objects.filter(case_id=case_id).delete()
        return False
    with transaction.atomic():
        CaseFact.objects.update_or_create(case=case, defaults=facts_of(case))
        if case.repeat_of_id:
            # The case it repeats is no longer settled once: fold it again too.
            target = Case.objects.select_related("place", "category").get(pk=case.repeat_of_id)
            CaseFact.objects.update_or_create(case=target, defaults=facts_of(target))
    return True


def stale_case_ids(batch: int = 2000):
    """Cases whose fact row is missing or behind their timeline (the watermark), in batches."""
    from django.db.models import F

    last = 0
    while True:
        ids = list(
            Case.objects.filter(pk__gt=last)
            .exclude(fact__folded_events=F("event_count"))
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def rebuild(*, everything: bool = False) -> int:
    """Fold every case behind its watermark (or every case); returns how many were folded."""
    n = 0
    if everything:
        ids = Case.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000)
        for case_id in ids:
            fold_case(case_id)
            n += 1
        return n
    for ids in stale_case_ids():
        for case_id in ids:
            fold_case(case_id)
            n += 1
    return n
