"""Two-factor sign-in (TOTP, django-otp) for the roles that can see identities."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinfang.accounts.models import SecurityEvent

pytestmark = pytest.mark.two_factor
T0 = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)


def _code(device: TOTPDevice) -> str:
    """The code the user's app shows now (time_machine sets now)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password(client, username):
    return client.post("/desk/login/", {"username": username, "password": "pw-" + username})


def test_default_requires_a_second_factor_of_every_role_that_sees_identities(settings):
    from xinfang.orgs.models import Role

    assert settings.SIGNIN["OTP_REQUIRED_ROLES"] == set(Role.values)


def test_first_sign_in_enrols_an_authenticator_with_a_locally_drawn_qr_code(county, client):
    with time_machine.travel(T0, tick=False):
        resp = _password(client, "clerk")
        assert resp.status_code == 302 and resp.url.startswith("/desk/two-factor/")
        # Every desk page waits for the second step.
        resp = client.get("/desk/")
        assert resp.status_code == 302 and resp.url.startswith("/desk/two-factor/")
        resp = client.get("/desk/two-factor/", follow=True)
        html = resp.content.decode()
        assert resp.redirect_chain[-1][0].startswith("/desk/two-factor/setup/")
        assert "<svg" in html and "<path" in html  # the QR code, drawn by the application
        assert "http" not in html.split("<svg", 1)[1].split("</svg>")[0].replace(
            "http://www.w3.org", ""
        )
        secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html).group(1)
        device = TOTPDevice.objects.get(user=county.users["clerk"])
        assert secret.replace(" ", "") in device.config_url

        resp = client.post("/desk/two-factor/setup/", {"token": "000000", "next": "/desk/"})
        assert resp.status_code == 422 and "验证码不正确" in resp.content.decode()
    with time_machine.travel(T0 + dt.timedelta(seconds=5), tick=False):
        resp = client.post("/desk/two-factor/setup/", {"token": _code(device), "next": "/desk/"})
        assert resp.status_code == 302 and resp.url == "/desk/"
        assert client.get("/desk/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["signed_in", "otp_failed", "otp_enrolled"]


def test_an_enrolled_user_signs_in_with_password_and_code(county, client):
    user = county.users["handler"]
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with time_machine.travel(T0, tick=False):
        _password(client, "handler")
        resp = client.get("/desk/two-factor/?next=/desk/")
        assert resp.status_code == 200 and "身份验证器" in resp.content.decode()
        assert client.post("/desk/two-factor/", {"token": "123456"}).status_code == 422
        # django-otp's own back-off: right after a failure even the right code must wait.
        resp = client.post("/desk/two-factor/", {"token": _code(device)})
        assert resp.status_code == 429 and "秒" in resp.content.decode()
    with time_machine.travel(T0 + dt.timedelta(seconds=3), tick=False):
        resp = client.post("/desk/two-factor/", {"token": _code(device), "next": "/desk/"})
        assert resp.status_code == 302
        assert client.get("/desk/").status_code == 200
    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["signed_in", "otp_failed", "otp_verified"]


def test_a_role_left_out_of_the_setting_signs_in_with_the_password_alone(county, client, settings):
    settings.SIGNIN = {**settings.SIGNIN, "OTP_REQUIRED_ROLES": frozenset({"handler"})}
    resp = _password(client, "clerk")
    assert resp.status_code == 302 and resp.url == "/desk/"
    assert client.get("/desk/").status_code == 200
    _password(client, "handler")
    assert client.get("/desk/").status_code == 302


def test_the_admin_site_needs_the_second_factor_too(county, client):
    clerk = county.users["clerk"]
    clerk.is_staff = clerk.is_superuser = True
    clerk.save()
    resp = client.post("/admin/login/?next=/admin/", {"username": "clerk", "password": "pw-clerk"})
    assert resp.status_code == 302
    resp = client.get("/admin/")
    assert resp.status_code == 302 and resp.url.startswith("/desk/two-factor/")


def test_a_confirmed_device_cannot_be_replaced_by_whoever_has_the_password(county, client):
    TOTPDevice.objects.create(user=county.users["clerk"], name="phone", confirmed=True)
    _password(client, "clerk")
    resp = client.get("/desk/two-factor/setup/")
    assert resp.status_code == 302 and resp.url.startswith("/desk/two-factor/")
    assert TOTPDevice.objects.filter(user=county.users["clerk"]).count() == 1
