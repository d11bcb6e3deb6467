"""Sign-in pages: password (with lockout), the one-time code, enrolling an authenticator app,
sign-out. The desk mounts them under /desk/; the admin site signs in through the same forms."""

from __future__ import annotations

import base64
import io
import math

import django_otp
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import securitylog
from .forms import SignInForm, TokenForm
from .policy import otp_required, otp_verified

Kind = securitylog.Kind
DEVICE_NAME = "authenticator"


def _next(request, default: str | None = None) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or settings.LOGIN_REDIRECT_URL


def _with_next(url_name: str, target: str) -> str:
    from urllib.parse import urlencode

    return f"{reverse(url_name)}?{urlencode({'next': target})}"


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "desk/login.html"

    def get_success_url(self):
        target = super().get_success_url()
        if otp_required(self.request.user):
            return _with_next("desk:two_factor", target)
        return target

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(e.code == "locked" for e in form.non_field_errors().as_data()):
            response.status_code = 429
        return response


class SignOutView(auth_views.LogoutView):
    next_page = settings.LOGOUT_REDIRECT_URL


def _confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _wait_message(device: TOTPDevice) -> str:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return ""
    until = (info or {}).get("locked_until")
    seconds = math.ceil((until - timezone.now()).total_seconds()) if until else 1
    return _("Too many wrong codes. Wait %(seconds)d seconds and try again.") % {
        "seconds": max(seconds, 1)
    }


@never_cache
@login_required
def two_factor(request):
    """The second step: a code from the user's authenticator app."""
    target = _next(request)
    if otp_verified(request.user):
        return redirect(target)
    device = _confirmed_device(request.user)
    if device is None:
        return redirect(_with_next("desk:two_factor_setup", target))
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = _wait_message(device)
        if wait:
            form.add_error("token", wait)
            status = 429
        elif django_otp.verify_token(
            request.user, device.persistent_id, form.cleaned_data["token"]
        ):
            django_otp.login(request, device)
            securitylog.record(Kind.OTP_VERIFIED, request=request, user=request.user)
            return redirect(target)
        else:
            securitylog.record(Kind.OTP_FAILED, request=request, user=request.user)
            form.add_error("token", _("That code is not right. Codes change every 30 seconds."))
            status = 422
    elif request.method == "POST":
        status = 422
    return render(
        request, "accounts/two_factor.html", {"form": form, "next": target}, status=status
    )


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2).save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: scan the code (drawn here, no outside service), type a code."""
    target = _next(request)
    if _confirmed_device(request.user) is not None:
        # A second device only through an administrator (who removes the old one first).
        return redirect(_with_next("desk:two_factor", target))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by(
        "pk"
    ).first() or TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = _wait_message(device)
        if wait:
            form.add_error("token", wait)
            status = 429
        elif device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            securitylog.record(Kind.OTP_ENROLLED, request=request, user=request.user)
            return redirect(target)
        else:
            securitylog.record(Kind.OTP_FAILED, request=request, user=request.user, enrolling=True)
            form.add_error("token", _("That code is not right. Codes change every 30 seconds."))
            status = 422
    elif request.method == "POST":
        status = 422
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": target,
            "qr_svg": _qr_svg(device.config_url),
            "secret": _grouped(secret),
            "required": otp_required(request.user),
        },
        status=status,
    )
