"""Request signing between a hotline platform and this system: HMAC-SHA256 over
"<timestamp>.<body>" with the platform's key, hex-encoded; a request older or newer than the
replay window is refused. Pure: no database."""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Hotline-Timestamp"
SIGNATURE_HEADER = "X-Hotline-Signature"


def sign(secret: str, timestamp: str | int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float, window: int):
    """True when the signature is the key's and the timestamp lies within `window` seconds."""
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - moment) > window:
        return False
    return hmac.compare_digest(sign(secret, moment, body), (signature or "").strip().lower())


def headers(secret: str, body: bytes, *, now: float) -> dict[str, str]:
    """The headers that sign `body` (what the platform sends, and what status pushes carry)."""
    stamp = str(int(now))
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(secret, stamp, body)}
