from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.cases.models import Case
from xinfang.core import crypto, prepared
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


@dataclass(frozen=True)
class Answered:
    """A key's stored answer, as `answered` reads it."""

    status_code: int
    response_enc: str
    client_hash: str
    number: str | None  # the case's, read with it: the stored answer leaves it out


# One plain statement, run when a submission with a key is refused: the ORM would compose it
# anew each time.
_ANSWERED = (
    f"SELECT r.fingerprint, r.status_code, r.response_enc, r.client_hash, c.number "
    f"FROM {IdempotencyRecord._meta.db_table} r "
    f"LEFT JOIN {Case._meta.db_table} c ON c.id = r.case_id WHERE r.key = %s"
)


def answered(key: str, fp: str) -> Answered | None:
    """The answer to `key` when a submission with it made its case, else None. Raises Conflict
    when the key was used for a different payload (fingerprint `fp`)."""
    with prepared.cursor() as cur:
        cur.execute(_ANSWERED, [key])
        row = cur.fetchone()
    if row is None:
        return None
    if row[0] != fp:
        raise Conflict(
            _("This idempotency key was already used for a different submission"),
            code="idempotency_mismatch",
        )
    return Answered(status_code=row[1], response_enc=row[2], client_hash=row[3], number=row[4])


def client_hash(client: str) -> str:
    """Keyed, so the stored value tells nothing about the address."""
    return crypto.blind_index(f"idempotency-client:{client}")


def answer_row(
    key: str, fp: str, status_code: int, body: dict, *, case, client: str = ""
) -> IdempotencyRecord:
    """The row that keeps `body` (without its "number") as the answer to `key`, for the
    registration to write in its own transaction: the answer commits with the case or not at
    all. Its key is unique, so a submission that runs beside another with the same key waits
    for that one's commit, fails its insert and rolls back; it then replays the stored answer
    (`answered`). Nothing is held before the transaction, so an attempt cut off anywhere leaves
    nothing behind and a retry registers at once."""
    kept = {k: v for k, v in body.items() if k != "number"}
    return IdempotencyRecord(
        key=key,
        fingerprint=fp,
        status_code=status_code,
        response_enc=crypto.encrypt(json.dumps(kept, default=str)),
        case=case,
        client_hash=client_hash(client),
    )


# Replaced in an answer replayed to another client than the one that submitted.
SECRET_FIELDS = ("query_password",)


def stored_answer(record: Answered, *, client: str = "") -> dict:
    """The answer first given to the key, with its case's number. To another client (another
    address) it comes without the query password: knowing a key and a payload must not hand
    out access to the case."""
    answer = json.loads(crypto.decrypt(record.response_enc) or "{}")
    if record.number is not None:
        answer = {"number": record.number, **answer}
    if not hmac.compare_digest(record.client_hash, client_hash(client)):
        for name in SECRET_FIELDS:
            if name in answer:
                answer[name] = None
    return answer


def reencrypt_stored_answers() -> int:
    """After a data-key change: stored idempotent answers re-encrypted with the current key."""
    return crypto.reencrypt_rows(IdempotencyRecord.objects.all(), ["response_enc"])
