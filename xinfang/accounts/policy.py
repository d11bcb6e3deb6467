"""Who must confirm a one-time code, and the session limits (settings.SIGNIN)."""

from __future__ import annotations

from django.conf import settings

from xinfang.orgs.selectors import roles_of

ADMIN_ROLE = "admin"


def otp_required(user) -> bool:
    """Whether this user must confirm a code from an authenticator app after the password: a role
    listed in SIGNIN["OTP_REQUIRED_ROLES"], or the admin site's staff when "admin" is listed."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    required = settings.SIGNIN["OTP_REQUIRED_ROLES"]
    if not required:
        return False
    if ADMIN_ROLE in required and (user.is_staff or user.is_superuser):
        return True
    return bool(roles_of(user) & required)


def otp_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())
