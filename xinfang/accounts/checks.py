"""System checks: the sign-in settings name real roles and sane limits."""

from django.conf import settings
from django.core import checks

from xinfang.orgs.models import Role


@checks.register(checks.Tags.security)
def signin_settings(app_configs, **kwargs):
    errors = []
    signin = settings.SIGNIN
    unknown = sorted(set(signin["OTP_REQUIRED_ROLES"]) - set(Role.values))
    if unknown:
        errors.append(
            checks.Error(
                f"XINFANG_OTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
                hint=f"Known roles: {', '.join(Role.values)}, or 'none'.",
                id="xinfang.E101",
            )
        )
    if signin["IDLE_SECONDS"] > signin["MAX_AGE_SECONDS"]:
        errors.append(
            checks.Warning(
                "XINFANG_SESSION_IDLE_SECONDS is longer than XINFANG_SESSION_MAX_AGE_SECONDS",
                id="xinfang.W102",
            )
        )
    for key in ("ACCOUNT_FAILURES", "IP_FAILURES", "LOCK_SECONDS"):
        if signin[key] < 1:
            errors.append(checks.Error(f"SIGNIN {key} must be at least 1", id="xinfang.E103"))
    return errors
