"""Encryption of personal data at rest, blind indexes for look-up, and masking for display."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

logger = logging.getLogger("xinfang.crypto")

# Letters and digits a citizen will not confuse when reading a receipt aloud.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _key_material() -> bytes:
    raw = settings.DATA_KEY or ("derived:" + settings.SECRET_KEY)
    return hashlib.sha256(raw.encode()).digest()


@lru_cache(maxsize=4)
def _fernet(material: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(material))


def encrypt(value: str | None) -> str:
    if not value:
        return ""
    return _fernet(_key_material()).encrypt(value.encode()).decode()


def decrypt(token: str | None) -> str:
    """The plain text, or "" when the token was made with another key (logged once a process:
    a data key that does not match the database must not pass unnoticed)."""
    if not token:
        return ""
    try:
        return _fernet(_key_material()).decrypt(token.encode()).decode()
    except InvalidToken:
        _warn_wrong_key()
        return ""


def decrypts(token: str) -> bool:
    """Whether the configured key opens this token."""
    try:
        _fernet(_key_material()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


@lru_cache(maxsize=1)
def _warn_wrong_key() -> None:
    logger.error(
        "personal data could not be decrypted: XINFANG_DATA_KEY does not match the key the data "
        "was written with (see docs/configuration.md)"
    )


def normalise_phone(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def normalise_id(id_number: str | None) -> str:
    return re.sub(r"\s", "", id_number or "").upper()


def blind_index(value: str) -> str:
    """Keyed hash: equal inputs match, without the value being readable from the database."""
    if not value:
        return ""
    return hmac.new(_key_material(), value.encode(), hashlib.sha256).hexdigest()[:32]


def mask_name(name: str) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id(id_number: str) -> str:
    if len(id_number) < 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_address(address: str) -> str:
    if not address:
        return ""
    keep = min(6, max(1, len(address) // 2))
    return address[:keep] + "****"


def new_code(length: int = 10) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_password(length: int = 6) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def hash_query_password(tracking_code: str, password: str) -> str:
    # Keyed and salted by the tracking code; brute force is held off by rate limits on the lookup.
    return hmac.new(
        _key_material(), f"{tracking_code}:{password}".encode(), hashlib.sha256
    ).hexdigest()


def check_query_password(case, password: str) -> bool:
    expected = hash_query_password(case.tracking_code, (password or "").strip())
    return hmac.compare_digest(expected, case.query_password_hash)
