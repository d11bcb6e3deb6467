"""Reads for the desk's printed papers (registration form, receipt)."""

from __future__ import annotations

from ..models import Case, CaseEvent


def registration_event(case: Case) -> CaseEvent | None:
    """The event that registered the case: who registered it and when."""
    return case.events.filter(kind="register").order_by("seq").first()
