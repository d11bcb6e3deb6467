"""Lockout with back-off per account and per address, on the desk's and the admin's sign-in."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from xinfang.accounts.models import SecurityEvent, SignInThrottle

T0 = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)
DESK = "/desk/login/"
ADMIN = "/admin/login/"


def _sign_in(client, url, username, password, ip="10.0.0.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _kinds(username):
    return list(
        SecurityEvent.objects.filter(username=username)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


@pytest.mark.parametrize("url", [DESK, ADMIN])
def test_25_wrong_passwords_then_the_right_one_is_refused(county, client, url):
    clerk = county.users["clerk"]
    clerk.is_staff = True  # may use the admin site
    clerk.save()
    with time_machine.travel(T0, tick=False):
        for _ in range(25):
            resp = _sign_in(client, url, "clerk", "wrong-password")
            assert "_auth_user_id" not in client.session
        resp = _sign_in(client, url, "clerk", "pw-clerk")
    assert "_auth_user_id" not in client.session
    assert resp.status_code == 429 if url == DESK else resp.status_code in (200, 429)
    assert "登录失败次数过多" in resp.content.decode()
    kinds = _kinds("clerk")
    assert kinds.count("sign_in_failed") == 5  # counted until locked; then refused unchecked
    assert "locked_out" in kinds and kinds[-1] == "refused_locked"
    assert "signed_in" not in kinds


def test_the_lock_doubles_with_each_failure_after_it_and_a_success_clears_it(county, client):
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(5):
            _sign_in(client, DESK, "clerk", "nope")
        row = SignInThrottle.objects.get(key="user:clerk")
        assert row.locked_until == T0 + dt.timedelta(seconds=60)

        traveller.shift(61)  # the lock has passed: one more failure locks for twice as long
        _sign_in(client, DESK, "clerk", "nope")
        row.refresh_from_db()
        assert row.failures == 6
        assert row.locked_until == T0 + dt.timedelta(seconds=61 + 120)

        traveller.shift(60)  # still locked: even the right password is refused
        assert _sign_in(client, DESK, "clerk", "pw-clerk").status_code == 429
        traveller.shift(61)
        resp = _sign_in(client, DESK, "clerk", "pw-clerk")
        assert resp.status_code == 302 and client.session["_auth_user_id"]
    assert not SignInThrottle.objects.filter(key="user:clerk").exists()
    assert _kinds("clerk")[-1] == "signed_in"


def test_the_lock_is_capped_at_the_configured_maximum(county, client, settings):
    settings.SIGNIN = {**settings.SIGNIN, "LOCK_SECONDS": 60, "LOCK_MAX_SECONDS": 300}
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(5):
            _sign_in(client, DESK, "clerk", "nope")
        for _ in range(6):
            traveller.shift(3600)
            _sign_in(client, DESK, "clerk", "nope")
        row = SignInThrottle.objects.get(key="user:clerk")
    assert row.locked_until - row.last_failure_at == dt.timedelta(seconds=300)


def test_one_address_guessing_many_accounts_is_locked_for_all_of_them(county, client):
    names = ["clerk", "handler", "head", "supervisor", "leader", "grid", "nobody"]
    with time_machine.travel(T0, tick=False):
        for i in range(20):  # below each account's limit, but 20 from one address
            _sign_in(client, DESK, names[i % len(names)], "guess", ip="203.0.113.9")
        resp = _sign_in(client, DESK, "handler", "pw-handler", ip="203.0.113.9")
        assert resp.status_code == 429 and "_auth_user_id" not in client.session
        # A colleague at another address is not locked out by it.
        resp = _sign_in(client, DESK, "handler", "pw-handler", ip="198.51.100.4")
        assert resp.status_code == 302
    lock = SecurityEvent.objects.filter(kind="locked_out").get()
    assert lock.detail["lock"] == "ip:203.0.113.9" and lock.ip == "203.0.113.9"


def test_an_unknown_account_is_counted_and_locked_like_a_real_one(county, client):
    with time_machine.travel(T0, tick=False):
        for _ in range(6):
            resp = _sign_in(client, DESK, "no-such-user", "x")
    # Same answer as for a real account: nothing tells whether the name exists.
    assert resp.status_code == 429
    assert SignInThrottle.objects.get(key="user:no-such-user").failures == 5


def test_an_administrator_lifts_a_lock_in_the_admin(county, client, admin_client):
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            _sign_in(client, DESK, "clerk", "nope")
        row = SignInThrottle.objects.get(key="user:clerk")
        resp = admin_client.post(
            "/admin/accounts/signinthrottle/",
            {"action": "unlock", "_selected_action": [row.pk]},
        )
        assert resp.status_code == 302
        assert _sign_in(client, DESK, "clerk", "pw-clerk").status_code == 302
