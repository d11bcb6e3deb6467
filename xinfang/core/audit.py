"""Keyed hash chaining for the append-only case timeline (DESIGN.md, "Timeline = audit").

Each link is an HMAC-SHA256 under the audit key (XINFANG_AUDIT_KEY), which lives in the
environment, never in the database: someone who can write to the database but does not hold the
key cannot compute a link that verifies, so an edited event and a recomputed chain both show.

A link reads "<key id>:<64 hex digits>". The key id (a fingerprint of the key, not the key) names
the key that made the link, so links made before a key rotation keep verifying while the old key
is listed in XINFANG_AUDIT_KEY_PREVIOUS. Links are never re-made under a new key: a re-link would
bless whatever the database held at that moment and would change every head already exported
outside the database (docs/configuration.md, "XINFANG_AUDIT_KEY").

Plain SHA-256 links (the chain's first format) are not accepted: a marker saying "legacy" would be
one more thing a database writer can set. Migration cases 0007 re-linked such chains under the
key after checking them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings

GENESIS = "0" * 64
# What the chain is keyed with when XINFANG_AUDIT_KEY is unset: development only (with DEBUG off
# the settings refuse to start without a key of at least 32 characters of its own).
DEV_KEY = "dev-only-audit-key-change-me"
KEY_ID_LENGTH = 12

# Why a link does not verify (codes; cases/audit.py words them for people).
UNKEYED = "unkeyed"
UNKNOWN_KEY = "unknown_key"
MISMATCH = "mismatch"


@dataclass(frozen=True)
class AuditKey:
    id: str
    material: bytes


@lru_cache(maxsize=16)
def _key(raw: str) -> AuditKey:
    material = hashlib.sha256(b"xinfang-audit:" + raw.encode()).digest()
    kid = hmac.new(material, b"key-id", hashlib.sha256).hexdigest()[:KEY_ID_LENGTH]
    return AuditKey(kid, material)


def current_key() -> AuditKey:
    return _key(getattr(settings, "AUDIT_KEY", "") or DEV_KEY)


def known_keys() -> dict[str, AuditKey]:
    """Every key a link or an export line may have been made with, by key id."""
    previous = getattr(settings, "AUDIT_KEY_PREVIOUS", ())
    return {k.id: k for k in (*(_key(raw) for raw in previous), current_key())}


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def _mac(key: AuditKey, prev_hash: str, payload: dict[str, Any]) -> str:
    message = key.id.encode() + b"\n" + prev_hash.encode() + b"\n" + canonical(payload)
    return hmac.new(key.material, message, hashlib.sha256).hexdigest()


def link_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    """The link of a new event after `prev_hash`, made under the current audit key."""
    key = current_key()
    return f"{key.id}:{_mac(key, prev_hash, payload)}"


def key_id_of(link: str) -> str:
    """The id of the key a link was made with; "" for an unkeyed (plain SHA-256) link."""
    kid, sep, _digest = link.partition(":")
    return kid if sep else ""


def check_link(prev_hash: str, payload: dict[str, Any], link: str) -> str | None:
    """None when `link` is the keyed link of this content after `prev_hash`, else why not."""
    kid = key_id_of(link)
    if not kid:
        return UNKEYED
    key = known_keys().get(kid)
    if key is None:
        return UNKNOWN_KEY
    expected = f"{kid}:{_mac(key, prev_hash, payload)}"
    return None if hmac.compare_digest(expected, link) else MISMATCH


def plain_link_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    """The chain's first, unkeyed format: kept to check old chains before they are re-linked."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(payload)).hexdigest()


def line_mac(key: AuditKey, prev_mac: str, line: str) -> str:
    """MAC of one line of the head export file, chained to the line before it."""
    message = b"export\n" + prev_mac.encode() + b"\n" + line.encode()
    return hmac.new(key.material, message, hashlib.sha256).hexdigest()
