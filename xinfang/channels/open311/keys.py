"""Open311 API keys: made once (the key is shown then), stored as a hash, checked per request."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from ..models import Open311Key


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_key(key: Open311Key) -> str:
    """Give `key` a fresh secret and save it; the secret is returned once and never stored."""
    prefix = secrets.token_hex(4)
    while Open311Key.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    raw = f"{prefix}.{secrets.token_urlsafe(32)}"
    key.prefix = prefix
    key.key_hash = _hash(raw)
    key.save()
    return raw


def key_for(raw: str) -> Open311Key | None:
    prefix, _sep, _rest = (raw or "").partition(".")
    key = Open311Key.objects.filter(prefix=prefix[:8], revoked=False).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(raw)):
        return None
    with transaction.atomic():
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key
