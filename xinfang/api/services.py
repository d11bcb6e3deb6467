from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core import crypto
from xinfang.core.errors import Conflict, InvalidInput
from xinfang.orgs.selectors import memberships_of

from .models import ApiToken, IdempotencyRecord


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, user, name: str = "") -> str:
    """Make a token for a staff member and return the secret, which is never stored."""
    if not memberships_of(user):
        raise InvalidInput(_("This user holds no post, so no API token can be issued"))
    while True:
        prefix = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        try:
            ApiToken.objects.create(
                user=user, name=name, prefix=prefix, key_hash=_hash(f"{prefix}.{secret}")
            )
            return f"xf_{prefix}.{secret}"
        except IntegrityError:
            continue


def user_for_token(raw: str):
    """The active user a token belongs to, or None."""
    if not raw.startswith("xf_") or "." not in raw:
        return None
    prefix = raw[3:].split(".", 1)[0]
    token = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked=False).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(raw[3:])):
        return None
    if not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def claim_idempotency_key(key: str, payload: dict) -> IdempotencyRecord | None:
    """Claim `key` for this payload. Returns the stored record when the key was already answered.

    Raises Conflict while a first request with the key is still running, or when the key was used
    for a different payload.
    """
    fp = fingerprint(payload)
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(key=key, fingerprint=fp)
        return None
    except IntegrityError:
        record = IdempotencyRecord.objects.get(key=key)
    if record.fingerprint != fp:
        raise Conflict(
            _("This idempotency key was already used for a different submission"),
            code="idempotency_mismatch",
        )
    if record.status_code is None:
        raise Conflict(
            _("The same submission is being processed; try again shortly"),
            code="idempotency_in_progress",
        )
    return record


def store_idempotent_answer(key: str, status_code: int, body: dict) -> None:
    IdempotencyRecord.objects.filter(key=key).update(
        status_code=status_code, response_enc=crypto.encrypt(json.dumps(body, default=str))
    )


def release_idempotency_key(key: str) -> None:
    """A refused submission frees its key, so the corrected one can use it."""
    IdempotencyRecord.objects.filter(key=key, status_code__isnull=True).delete()


def stored_answer(record: IdempotencyRecord) -> dict:
    return json.loads(crypto.decrypt(record.response_enc) or "{}")


def reencrypt_stored_answers() -> int:
    """After a data-key change: stored idempotent answers re-encrypted with the current key."""
    return crypto.reencrypt_rows(IdempotencyRecord.objects.all(), ["response_enc"])
