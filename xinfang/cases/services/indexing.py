"""Keeping the segmented search text of cases current."""

from __future__ import annotations

from django.db import transaction

from .. import search
from ..models import Case


def reindex_search(*, batch: int = 500, only_empty: bool = False) -> int:
    """Recompute Case.search_text for existing cases (after a dictionary or segmentation change,
    or for cases registered before it existed). Returns how many rows were written."""
    qs = Case.objects.order_by("pk").only("pk", "title", "body", "address", "search_text")
    if only_empty:
        qs = qs.filter(search_text="")
    written = 0
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last)[:batch])
        if not rows:
            return written
        changed = []
        for c in rows:
            text = search.search_text(c.title, c.body, c.address)
            if text != c.search_text:
                c.search_text = text
                changed.append(c)
        with transaction.atomic():
            Case.objects.bulk_update(changed, ["search_text"])
        written += len(changed)
        last = rows[-1].pk
