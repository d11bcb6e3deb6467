from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from contextlib import nullcontext

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core import crypto, rows
from xinfang.core.errors import Conflict, InvalidInput
from xinfang.orgs.selectors import memberships_of

from .models import ApiToken, IdempotencyRecord

logger = logging.getLogger("xinfang.api")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_days() -> int:
    return int(settings.XINFANG.get("API_TOKEN_DAYS", 90))


def create_token(*, user, name: str = "", days: int | None = None) -> str:
    """Make a token for a staff member and return the secret, which is never stored. It expires
    after `days` (XINFANG["API_TOKEN_DAYS"], 90 by default)."""
    if not memberships_of(user):
        raise InvalidInput(_("This user holds no post, so no API token can be issued"))
    days = token_days() if days is None else days
    if not 1 <= days <= 366:
        raise InvalidInput(_("A token lives from 1 to 366 days"))
    expires = timezone.now() + dt.timedelta(days=days)
    while True:
        prefix = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        try:
            ApiToken.objects.create(
                user=user,
                name=name,
                prefix=prefix,
                key_hash=_hash(f"{prefix}.{secret}"),
                expires_at=expires,
            )
            return f"xf_{prefix}.{secret}"
        except IntegrityError:
            continue


def revoke_tokens(queryset) -> int:
    """Revoke tokens at once (the admin's action); a revoked token never works again."""
    return queryset.filter(revoked=False).update(revoked=True, revoked_at=timezone.now())


def user_for_token(raw: str):
    """The active user a live token (not revoked, not expired) belongs to, or None."""
    if not raw.startswith("xf_") or "." not in raw or len(raw) > 200:
        return None
    prefix = raw[3:].split(".", 1)[0]
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked=False, expires_at__gt=timezone.now())
        .first()
    )
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
    # Its own commit, before the registration's transaction: a concurrent retry sees the claim.
    # Outside any transaction the insert commits by itself (no BEGIN and COMMIT around it);
    # inside one, a savepoint keeps a refused insert from spoiling it.
    conn = transaction.get_connection()
    guard = transaction.atomic() if conn.in_atomic_block else nullcontext()
    try:
        with guard:
            rows.insert(
                [IdempotencyRecord(key=key, fingerprint=fp, claim_token=token, claimed_at=moment)]
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


def client_hash(client: str) -> str:
    """Keyed, so the stored value tells nothing about the address."""
    return crypto.blind_index(f"idempotency-client:{client}")


def store_answer_with_case(
    key: str, token: str, status_code: int, body: dict, *, client: str = ""
) -> None:
    """Inside the registration's own transaction, so the answer commits with the case or not at
    all: a retry then finds either the answer or no case. Refuses (and so rolls the registration
    back) when this attempt no longer holds the key."""
    # One plain statement: it runs while the registration holds its day's counter.
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {IdempotencyRecord._meta.db_table} SET status_code = %s, "
            "response_enc = %s, client_hash = %s, claim_token = '' "
            "WHERE key = %s AND claim_token = %s AND status_code IS NULL",
            [
                status_code,
                crypto.encrypt(json.dumps(body, default=str)),
                client_hash(client),
                key,
                token,
            ],
        )
        stored = cur.rowcount
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


# Replaced in an answer replayed to another client than the one that submitted.
SECRET_FIELDS = ("query_password",)


def stored_answer(record: IdempotencyRecord, *, client: str = "") -> dict:
    """The answer first given to the key. To another client (another address) it comes without
    the query password: knowing a key and a payload must not hand out access to the case."""
    answer = json.loads(crypto.decrypt(record.response_enc) or "{}")
    if not hmac.compare_digest(record.client_hash, client_hash(client)):
        for name in SECRET_FIELDS:
            if name in answer:
                answer[name] = None
    return answer


def reencrypt_stored_answers() -> int:
    """After a data-key change: stored idempotent answers re-encrypted with the current key."""
    return crypto.reencrypt_rows(IdempotencyRecord.objects.all(), ["response_enc"])
