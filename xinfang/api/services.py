from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core import crypto
from xinfang.core.errors import Conflict, InvalidInput
from xinfang.orgs.selectors import memberships_of

from .models import ApiToken, IdempotencyRecord

logger = logging.getLogger("xinfang.api")


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


def claim_idempotency_key(key: str, payload: dict) -> str | IdempotencyRecord:
    """Claim `key` for this payload: this attempt's claim token, or the stored record when the
    key was already answered.

    Raises Conflict while another attempt with the key holds it, or when the key was used for a
    different payload. An attempt that holds the key without an answer for longer than
    IDEMPOTENCY_STALE_SECONDS was cut off (the database went away under it) and is taken over;
    should it still reach its commit, its registration rolls back (store_answer_with_case).
    """
    fp = fingerprint(payload)
    token = secrets.token_hex(16)
    moment = timezone.now()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                key=key, fingerprint=fp, claim_token=token, claimed_at=moment
            )
        return token
    except IntegrityError:
        record = IdempotencyRecord.objects.get(key=key)
    if record.fingerprint != fp:
        raise Conflict(
            _("This idempotency key was already used for a different submission"),
            code="idempotency_mismatch",
        )
    if record.status_code is not None:
        return record
    stale = dt.timedelta(seconds=settings.XINFANG.get("IDEMPOTENCY_STALE_SECONDS", 15))
    if (record.claimed_at or record.created_at) <= moment - stale:
        taken = IdempotencyRecord.objects.filter(
            pk=record.pk, claim_token=record.claim_token, status_code__isnull=True
        ).update(claim_token=token, claimed_at=moment)
        if taken:
            return token
        record.refresh_from_db()
        if record.status_code is not None:
            return record
    raise Conflict(
        _("The same submission is being processed; try again shortly"),
        code="idempotency_in_progress",
    )


def store_answer_with_case(key: str, token: str, status_code: int, body: dict) -> None:
    """Inside the registration's own transaction, so the answer commits with the case or not at
    all: a retry then finds either the answer or no case. Refuses (and so rolls the registration
    back) when this attempt no longer holds the key."""
    stored = IdempotencyRecord.objects.filter(
        key=key, claim_token=token, status_code__isnull=True
    ).update(
        status_code=status_code,
        response_enc=crypto.encrypt(json.dumps(body, default=str)),
        claim_token="",
    )
    if not stored:
        raise Conflict(
            _("The same submission is being processed; try again shortly"),
            code="idempotency_in_progress",
        )


def release_idempotency_key(key: str, token: str) -> None:
    """A refused or failed submission frees its key, so a retry (or the corrected submission)
    can use it at once. Without a database to do it in, the claim goes stale instead."""
    try:
        IdempotencyRecord.objects.filter(
            key=key, claim_token=token, status_code__isnull=True
        ).delete()
    except (OperationalError, InterfaceError):
        logger.warning("idempotency key %s not released: the database is unavailable", key)


def stored_answer(record: IdempotencyRecord) -> dict:
    return json.loads(crypto.decrypt(record.response_enc) or "{}")


def reencrypt_stored_answers() -> int:
    """After a data-key change: stored idempotent answers re-encrypted with the current key."""
    return crypto.reencrypt_rows(IdempotencyRecord.objects.all(), ["response_enc"])
