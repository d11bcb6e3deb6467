"""Per request for signed-in users: the idle and absolute session limits, the one-time code where
the user's roles require it, and `Cache-Control: no-store` on every page (staff pages carry
personal data; no browser or proxy cache may keep them)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from . import securitylog
from .policy import otp_required, otp_verified

SINCE = "xf_signed_in_at"
SEEN = "xf_seen_at"
# The last-seen time is written at most this often, so that reading pages rarely writes.
SEEN_RESOLUTION = 60
# Reachable before the second step: the step itself, signing out, static files, language.
OPEN_BEFORE_OTP = ("/static/", "/i18n/", "/api/")


def _go(request, url: str):
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SignInPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = securitylog.current_request.set(request)
        try:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                response = self._check(request, user)
                if response is None:
                    response = self.get_response(request)
                add_never_cache_headers(response)
                return response
            return self.get_response(request)
        finally:
            securitylog.current_request.reset(token)

    def _check(self, request, user):
        limits = settings.SIGNIN
        moment = int(time.time())
        session = request.session
        since = session.setdefault(SINCE, moment)
        seen = session.get(SEEN, moment)
        idle = moment - seen > limits["IDLE_SECONDS"]
        aged = moment - since > limits["MAX_AGE_SECONDS"]
        if idle or aged:
            securitylog.record(
                securitylog.Kind.SESSION_EXPIRED,
                request=request,
                user=user,
                reason="idle" if idle else "max_age",
            )
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity.")
                % {"minutes": limits["IDLE_SECONDS"] // 60}
                if idle
                else _("Your session has ended (%(hours)d hours after signing in).")
                % {"hours": limits["MAX_AGE_SECONDS"] // 3600},
            )
            target = request.get_full_path() if request.method == "GET" else ""
            url = settings.LOGIN_URL + (f"?{urlencode({'next': target})}" if target else "")
            return _go(request, url)
        if moment - seen >= SEEN_RESOLUTION or SEEN not in session:
            session[SEEN] = moment
        if otp_required(user) and not otp_verified(user):
            path = request.path
            steps = (
                reverse("desk:two_factor"),
                reverse("desk:two_factor_setup"),
                reverse("desk:logout"),
                reverse("desk:login"),
            )
            if path not in steps and not path.startswith(OPEN_BEFORE_OTP):
                target = request.get_full_path() if request.method == "GET" else ""
                return _go(request, f"{steps[0]}?{urlencode({'next': target or '/desk/'})}")
        return None


def start_session(sender, request, user, **kwargs):
    """On sign-in: the session's absolute age counts from now."""
    moment = int(time.time())
    request.session[SINCE] = moment
    request.session[SEEN] = moment
