"""Small facts about an HTTP request that every page app needs alike."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    """The client's address; behind a trusted proxy, the one the proxy appended last (earlier
    X-Forwarded-For entries are the client's own word)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.XINFANG.get("TRUST_X_FORWARDED_FOR"):
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")
