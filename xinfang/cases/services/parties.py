"""Personal data of parties: unmasking with a logged reason, re-encryption, the citizen's access."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import crypto
from xinfang.core.errors import (
    NotFound,
    PermissionDenied,
)

from ..models import Case, Party
from .engine import record_entry, require_text


@dataclass(frozen=True)
class ClearParty:
    id: int
    kind: str
    name: str
    phone: str
    id_number: str
    address: str
    email: str


def unmask_party(*, case, actor, party_id: int, reason: str) -> ClearParty:
    """A party's personal data in clear, for a stated reason; every view is logged (DESIGN.md,
    Access). A reporter's identity stays hidden from whoever the law does not allow (W30, W46)."""
    from ..selectors import case_get_for_user, may_see_identity

    reason = require_text(reason, "reason", _("Give the reason for viewing the full personal data"))
    number = case.number if isinstance(case, Case) else case
    visible = case_get_for_user(actor, number)
    if not may_see_identity(actor, visible):
        raise PermissionDenied(_("You may not see this petitioner's identity"))
    with transaction.atomic(durable=True):
        locked = Case.objects.select_for_update().get(pk=visible.pk)
        party = Party.objects.filter(case=locked, pk=party_id).first()
        if party is None:
            raise NotFound(_("Petitioner not found"))
        record_entry(
            locked,
            kind="unmask",
            actor=actor,
            extra={"party": party.pk, "reason": reason},
            citizen_visible=False,
        )
    return ClearParty(
        id=party.pk,
        kind=party.kind,
        name=party.name,
        phone=party.phone,
        id_number=party.id_number,
        address=party.address,
        email=party.email,
    )


def reencrypt_parties() -> int:
    """After a data-key change: every party's personal data re-encrypted with the current key
    and its blind indexes recomputed (docs/configuration.md, rotate_data_key)."""
    fields = ["name_enc", "id_number_enc", "phone_enc", "address_enc", "email_enc"]

    def indexes(party: Party, plain: dict[str, str]) -> None:
        party.phone_index = crypto.blind_index(crypto.normalise_phone(plain["phone_enc"]))
        party.id_index = crypto.blind_index(crypto.normalise_id(plain["id_number_enc"]))

    return crypto.reencrypt_rows(
        Party.objects.all(), fields, derive=indexes, derived=("phone_index", "id_index")
    )


def open_for_citizen(tracking_code: str, password: str) -> Case:
    """The case a tracking code and query password open (NotFound alike for a wrong code or a
    wrong password). A password still hashed under a previous data key is rehashed under the
    current one on this use, so the old key can be retired once citizens have come back."""
    from ..selectors import case_get_for_citizen

    case = case_get_for_citizen(tracking_code, password)
    if not crypto.hashed_under_current_key(case, password):
        fresh = crypto.hash_query_password(case.tracking_code, (password or "").strip())
        # Only if unchanged meanwhile; the hash is not case state, so no event and no version.
        Case.objects.filter(pk=case.pk, query_password_hash=case.query_password_hash).update(
            query_password_hash=fresh
        )
        case.query_password_hash = fresh
    return case
