"""Writes of the look-alike index. It only advises: nothing here changes a case."""

from __future__ import annotations

import functools
import logging

import numpy as np
from django.db import transaction

from xinfang.cases.models import Case, CaseEvent
from xinfang.cases.workflow import OPEN

from . import bandkeys
from .models import SimilarityEntry
from .similarity import DEFAULT_SCHEME, MinHasher

logger = logging.getLogger("xinfang.triage")


@functools.cache
def hasher() -> MinHasher:
    return MinHasher(DEFAULT_SCHEME)


def case_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def _write(cases: list[tuple[int, str, str, str]]) -> int:
    """(id, title, body, state) -> entries with their band keys, replacing what was there."""
    if not cases:
        return 0
    sigs = hasher().signatures([case_text(t, b) for _pk, t, b, _s in cases])
    keys = hasher().band_keys(sigs).tolist()
    rows = [
        (pk, sig.astype("<u4").tobytes(), state in OPEN, ks)
        for (pk, _t, _b, state), sig, ks in zip(cases, sigs, keys, strict=True)
    ]
    with transaction.atomic():
        bandkeys.write(rows, scheme=DEFAULT_SCHEME.tag)
    return len(cases)


def index_case(case_id: int) -> bool:
    """Bring one case's entry up to date; True when it had to be (re)written.

    Idempotent, so a late or repeated task is harmless. A state change flips the open flag and
    drops the band keys (closing) or makes them again from the stored signature (opening); the
    signature is made again only for a new case or a new scheme.
    """
    row = Case.objects.filter(pk=case_id).values_list("id", "title", "body", "state").first()
    if row is None:
        return False
    is_open = row[3] in OPEN
    entry = (
        SimilarityEntry.objects.filter(case_id=case_id)
        .only("scheme", "is_open", "signature")
        .first()
    )
    if entry is not None and entry.scheme == DEFAULT_SCHEME.tag:
        if entry.is_open == is_open:
            return False
        sig = np.frombuffer(bytes(entry.signature), dtype="<u4")
        with transaction.atomic():
            bandkeys.set_open(case_id, hasher().band_keys(sig).tolist() if is_open else None)
        return True
    _write([row])
    return True


def needs_indexing(event_id: int) -> int | None:
    """The case of this event if the index should hear about it: registration, or a move that
    takes a case in or out of the open set (close, merge, decline, redirect...)."""
    event = CaseEvent.objects.filter(pk=event_id).values("case_id", "kind", "to_state").first()
    if event is None:
        return None
    if event["kind"] == "register":
        return event["case_id"]
    if not event["to_state"]:
        return None
    was_open = (
        SimilarityEntry.objects.filter(case_id=event["case_id"])
        .values_list("is_open", flat=True)
        .first()
    )
    return event["case_id"] if was_open != (event["to_state"] in OPEN) else None


def reindex_all(*, batch: int = 1000, only_missing: bool = False, progress=None) -> int:
    """Rebuild every entry (or only those missing or made with another scheme), keyset by id."""
    done = 0
    last = 0
    qs = Case.objects.order_by("pk")
    if only_missing:
        current = SimilarityEntry.objects.filter(scheme=DEFAULT_SCHEME.tag).values("case_id")
        qs = qs.exclude(pk__in=current)
    while True:
        chunk = list(qs.filter(pk__gt=last).values_list("id", "title", "body", "state")[:batch])
        if not chunk:
            break
        done += _write(chunk)
        last = chunk[-1][0]
        if progress:
            progress(done)
    return done
