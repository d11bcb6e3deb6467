"""Writes the security log (SecurityEvent): one call per sign-in step or view of personal data.

Auditors read it in the admin; nothing edits or deletes it there."""

from __future__ import annotations

import contextvars
import ipaddress
import logging

from xinfang.core.ratelimit import client_ip

from .models import SecurityEvent

logger = logging.getLogger("xinfang.security")
Kind = SecurityEvent.Kind

# The request being served, so that entries written below the pages (a service's event) still
# carry the address and page. Set by SignInPolicyMiddleware.
current_request: contextvars.ContextVar = contextvars.ContextVar("xf_request", default=None)


def _ip(request) -> str | None:
    if request is None:
        return None
    raw = client_ip(request)
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def record(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    case_number: str = "",
    **detail,
) -> SecurityEvent:
    request = request if request is not None else current_request.get()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    name = username or (user.get_username() if user is not None else "")
    entry = SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=name[:150],
        ip=_ip(request),
        path=(request.path[:200] if request is not None else ""),
        case_number=case_number[:40],
        detail={k: v for k, v in detail.items() if v not in (None, "")},
    )
    logger.info("%s %s ip=%s %s", kind, entry.username, entry.ip, case_number)
    return entry


def on_signed_in(sender, request, user, **kwargs):
    record(Kind.SIGNED_IN, request=request, user=user)


def on_signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.SIGNED_OUT, request=request, user=user)


def on_case_event(event) -> None:
    """In the service's transaction: a view of unmasked personal data is also logged here."""
    if getattr(event, "kind", "") != "unmask":
        return
    extra = event.extra or {}
    record(
        Kind.UNMASKED,
        user=event.actor,
        case_number=event.case.number,
        party=extra.get("party"),
        reason=extra.get("reason", ""),
    )
