"""Reads about parties: a petitioner's open cases, whether the data key opens stored data."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.core import crypto

from ..access import person_cases_visible_to
from ..models import Case, Party


def open_cases_of_petitioner(*, user, phone: str = "", id_number: str = "") -> QuerySet[Case]:
    """A person's open cases by phone or ID number (blind indexes), as far as `user` may list
    them (access.person_cases_visible_to: a report only where its reporter may be known)."""
    from ..workflow import OPEN

    q = Q(pk__in=[])
    if phone:
        q |= Q(parties__phone_index__in=crypto.blind_indexes(crypto.normalise_phone(phone)))
    if id_number:
        q |= Q(parties__id_index__in=crypto.blind_indexes(crypto.normalise_id(id_number)))
    return person_cases_visible_to(user).filter(q, state__in=OPEN).distinct()


def data_key_matches() -> bool | None:
    """Whether the configured data key opens the personal data already stored: checked on the
    newest party with an encrypted field. None when nothing is stored yet."""
    token = (
        Party.objects.exclude(name_enc="", phone_enc="")
        .order_by("-pk")
        .values_list("name_enc", "phone_enc")
        .first()
    )
    if token is None:
        return None
    return crypto.decrypts(token[0] or token[1])
