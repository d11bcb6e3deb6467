"""Encryption of personal data at rest, blind indexes for look-up, and masking for display."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction

logger = logging.getLogger("xinfang.crypto")

# Letters and digits a citizen will not confuse when reading a receipt aloud.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _material(raw: str) -> bytes:
    return hashlib.sha256(raw.encode()).digest()


def _key_material() -> bytes:
    return _material(settings.DATA_KEY or ("derived:" + settings.SECRET_KEY))


def _all_materials() -> tuple[bytes, ...]:
    """The current key first, then the previous ones (still read, never written with)."""
    previous = getattr(settings, "DATA_KEY_PREVIOUS", ()) or ()
    return (_key_material(), *(_material(k) for k in previous))


@lru_cache(maxsize=4)
def _fernet(material: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(material))


@lru_cache(maxsize=4)
def _multi(materials: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([_fernet(m) for m in materials])


def encrypt(value: str | None) -> str:
    """Personal data for a column: sealed (AES-GCM) with the current key, for this use only."""
    if not value:
        return ""
    return seal(value, purpose=FIELD)


def decrypt(token: str | None) -> str:
    """The plain text, or "" when no configured key opens the token (logged once a process: a
    data key that does not match the database must not pass unnoticed)."""
    if not token:
        return ""
    try:
        return _open(token)
    except InvalidToken:
        _warn_wrong_key()
        return ""


def _open(token: str) -> str:
    """The plain text under any configured key; InvalidToken when none opens it. Values
    written before sealing are Fernet tokens, still read (rotate_data_key rewrites them)."""
    if token.startswith(SEALED):
        plain = unseal(token, purpose=FIELD)
        if plain is None:
            raise InvalidToken
        return plain
    return _multi(_all_materials()).decrypt(token.encode()).decode()


def try_decrypt(token: str) -> str | None:
    """The plain text, or None when no configured key opens the token (nothing logged: for
    values that may predate encryption, such as old sessions)."""
    try:
        return _open(token)
    except (InvalidToken, ValueError, TypeError):
        return None


# Personal data in columns, sessions and the citizen's pass: AES-256-GCM in one call, a quarter
# of Fernet's cost to write and a sixth to read, under a key of its own derived from the data
# key, each use bound to its purpose. A random 96-bit nonce stays safe for 2^32 values a key: at
# a million a day (a thousand petitions a day write a few dozen), eleven years; a rotation of
# the data key starts the count again. Files stay Fernet tokens (encrypt_bytes).
SEALED = "x1."
FIELD = "field"
_SEALED_LABEL = b"xinfang sealed v1"


@lru_cache(maxsize=4)
def _aead(material: bytes) -> AESGCM:
    return AESGCM(hmac.new(material, _SEALED_LABEL, hashlib.sha256).digest())


def _bound(purpose: str) -> bytes:
    # Authenticated with the value: a token sealed for one use does not open for another.
    return _SEALED_LABEL + (b"/" + purpose.encode() if purpose else b"")


def seal(value: str, *, purpose: str = "") -> str:
    """`value` encrypted and authenticated with the current key, as URL-safe text; `purpose`
    names its use (only `unseal` with the same purpose opens it)."""
    nonce = os.urandom(12)
    sealed = _aead(_key_material()).encrypt(nonce, value.encode(), _bound(purpose))
    return SEALED + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(token: str, *, purpose: str = "") -> str | None:
    """The value `seal` gave `token` for `purpose`, under any configured key; None when no key
    opens it, it was altered or sealed for another purpose."""
    if not token.startswith(SEALED):
        return None
    try:
        raw = base64.urlsafe_b64decode(token[len(SEALED) :])
    except ValueError:
        return None
    bound = _bound(purpose)
    for material in _all_materials():
        try:
            return _aead(material).decrypt(raw[:12], raw[12:], bound).decode()
        except (InvalidTag, ValueError):
            continue
    return None


def encrypt_bytes(data: bytes) -> bytes:
    """A file's content, encrypted with the current key (Fernet token, URL-safe base64)."""
    return _fernet(_key_material()).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """A file's content under any configured key; InvalidToken when none opens it."""
    return _multi(_all_materials()).decrypt(token)


def decrypts(token: str) -> bool:
    """Whether a configured key (current or previous) opens this token."""
    try:
        _open(token)
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


def _blind(material: bytes, value: str) -> str:
    return hmac.new(material, value.encode(), hashlib.sha256).hexdigest()[:32]


def blind_index(value: str) -> str:
    """Keyed hash: equal inputs match, without the value being readable from the database."""
    if not value:
        return ""
    return _blind(_key_material(), value)


def blind_indexes(value: str) -> list[str]:
    """The blind index under every configured key: what a look-up matches while a rotation
    has not reached every record."""
    if not value:
        return []
    return [_blind(m, value) for m in _all_materials()]


def mask_name(name: str) -> str:
    """The first character and a fixed "**": the mask does not tell how long the name is."""
    if not name:
        return ""
    return name[0] + "**"


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


def _uniform(alphabet: str, length: int) -> str:
    """`length` characters of `alphabet`, each uniform, from one read of the system's random
    source (a draw per character is a system call each). Bytes at or past the largest multiple
    of the alphabet's size are dropped, so that none of its characters is likelier."""
    usable = 256 - 256 % len(alphabet)
    out: list[str] = []
    while len(out) < length:
        out += [alphabet[b % len(alphabet)] for b in os.urandom(length + 8) if b < usable]
    return "".join(out[:length])


def new_code(length: int = 10) -> str:
    return _uniform(CODE_ALPHABET, length)


def new_password(length: int = 10) -> str:
    """A query password: 10 digits (10^10 choices), typed on any phone's keypad; with at most
    10 wrong tries per tracking code a day (cases/citizen.py) a year of guessing one case
    succeeds with a chance of 3,650 in 10^10 (docs/configuration.md, "Citizen look-ups")."""
    return _uniform("0123456789", length)


def hash_query_password(tracking_code: str, password: str, material: bytes | None = None) -> str:
    # Keyed and salted by the tracking code; brute force is held off by rate limits on the lookup.
    return hmac.new(
        material or _key_material(), f"{tracking_code}:{password}".encode(), hashlib.sha256
    ).hexdigest()


def hashed_under_current_key(case, password: str) -> bool:
    expected = hash_query_password(case.tracking_code, (password or "").strip())
    return hmac.compare_digest(expected, case.query_password_hash)


def check_query_password(case, password: str) -> bool:
    """Checked under every configured key: a password issued before a key rotation keeps
    working while the previous key is listed (the password itself is never stored)."""
    password = (password or "").strip()
    return any(
        hmac.compare_digest(
            hash_query_password(case.tracking_code, password, m), case.query_password_hash
        )
        for m in _all_materials()
    )


def reencrypt_rows(
    queryset, fields: list[str], *, derive=None, derived: tuple[str, ...] = (), batch: int = 500
) -> int:
    """Re-encrypt `fields` of every row of `queryset` with the current key, a batch per
    transaction; `derive(row, plain)` sets the `derived` fields from the plain values (blind
    indexes).
    Stops with InvalidToken, before writing that batch, at a value no configured key opens:
    nothing readable is ever replaced by something unreadable. Returns the rows rewritten."""
    done = 0
    last = 0
    while True:
        with transaction.atomic():
            rows = list(queryset.filter(pk__gt=last).order_by("pk").select_for_update()[:batch])
            if not rows:
                return done
            for row in rows:
                plain = {}
                for name in fields:
                    token = getattr(row, name)
                    plain[name] = _open(token) if token else ""
                    setattr(row, name, encrypt(plain[name]))
                if derive is not None:
                    derive(row, plain)
            queryset.model.objects.bulk_update(rows, [*fields, *derived])
        done += len(rows)
        last = rows[-1].pk
