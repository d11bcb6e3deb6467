"""Sign-in forms: the password form with lockout (desk and admin), and the one-time code form."""

from __future__ import annotations

import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.ratelimit import client_ip

from . import securitylog, throttle

Kind = securitylog.Kind


def locked_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _(
        "Too many failed sign-ins from this account or this address. Try again in %(minutes)d "
        "minutes, or ask an administrator to unlock the account."
    ) % {"minutes": minutes}


class ThrottledLoginMixin:
    """Refuses while the account or the address is locked (before the password is checked),
    counts each failure on both, and logs every step."""

    def clean(self):
        username = (self.data.get("username") or "").strip()
        ip = client_ip(self.request) if self.request is not None else "unknown"
        keys = [throttle.account_key(username), throttle.ip_key(ip)]
        lock = throttle.locked(keys)
        if lock is not None:
            securitylog.record(
                Kind.REFUSED_LOCKED, request=self.request, username=username, lock=lock.key
            )
            raise ValidationError(locked_message(lock.seconds), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            started = throttle.fail(keys)
            securitylog.record(Kind.SIGN_IN_FAILED, request=self.request, username=username)
            for new in started:
                securitylog.record(
                    Kind.LOCKED_OUT,
                    request=self.request,
                    username=username,
                    lock=new.key,
                    seconds=new.seconds,
                )
            if started:
                longest = max(s.seconds for s in started)
                raise ValidationError(locked_message(longest), code="locked") from None
            raise
        throttle.succeed(username)
        return cleaned


class SignInForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminSignInForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("6-digit code"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise ValidationError(_("The code is six digits."))
        return token
