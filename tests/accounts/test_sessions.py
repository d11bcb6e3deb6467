"""Sign-out, idle and absolute session limits, no-store, password rules, the security log."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.conftest import register_appeal
from xinfang.accounts.models import SecurityEvent
from xinfang.cases import services

T0 = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)


def _sign_in(client, username):
    resp = client.post("/desk/login/", {"username": username, "password": "pw-" + username})
    assert resp.status_code == 302
    return resp


def test_sign_out_is_a_post_in_the_navigation(county, client):
    _sign_in(client, "handler")
    html = client.get("/desk/").content.decode()
    assert 'action="/desk/logout/"' in html and 'method="post"' in html and "退出登录" in html
    assert client.get("/desk/logout/").status_code == 405  # a link cannot sign anyone out
    resp = client.post("/desk/logout/")
    assert resp.status_code == 302 and resp.url == "/desk/login/"
    assert client.get("/desk/").status_code == 302
    assert SecurityEvent.objects.filter(kind="signed_out", username="handler").exists()


def test_a_session_ends_after_the_idle_limit(county, client):
    with time_machine.travel(T0, tick=False) as traveller:
        _sign_in(client, "handler")
        traveller.shift(29 * 60)
        assert client.get("/desk/").status_code == 200
        traveller.shift(29 * 60)  # active 29 minutes ago: still in
        assert client.get("/desk/").status_code == 200
        traveller.shift(31 * 60)
        resp = client.get("/desk/?queue=overdue")
        assert resp.status_code == 302
        assert resp.url == "/desk/login/?next=%2Fdesk%2F%3Fqueue%3Doverdue"
        page = client.get(resp.url).content.decode()
        assert "30分钟无操作" in page
        assert client.get("/desk/").status_code == 302
    entry = SecurityEvent.objects.get(kind="session_expired")
    assert entry.username == "handler" and entry.detail["reason"] == "idle"


def test_a_session_ends_at_its_absolute_age_however_active(county, client):
    with time_machine.travel(T0, tick=False) as traveller:
        _sign_in(client, "handler")
        for _ in range(12 * 3 + 1):  # a request every 20 minutes, for more than 12 hours
            traveller.shift(20 * 60)
            if client.get("/desk/").status_code != 200:
                break
        else:
            pytest.fail("the session outlived its maximum age")
    assert SecurityEvent.objects.get(kind="session_expired").detail["reason"] == "max_age"


def test_pages_with_personal_data_are_never_stored(county, client):
    reg = register_appeal(county)
    _sign_in(client, "clerk")
    for url in ("/desk/", f"/desk/case/{reg.case.number}/", "/desk/intake/list/"):
        assert "no-store" in client.get(url)["Cache-Control"], url
    client.logout()
    resp = client.post(
        "/track/", {"tracking_code": reg.tracking_code, "password": reg.query_password}
    )
    for url in (resp.url, "/track/"):
        assert "no-store" in client.get(url)["Cache-Control"], url
    # A form sent back with its errors shows the case too.
    answer = client.post(resp.url + "rate/", {})
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]


@pytest.mark.parametrize(
    "password, rule",
    [
        ("short-Pw1", "太短"),
        ("12345678901234", "只包含数字"),
        ("password123456", "太常见"),
        ("handler12345", "相似"),
    ],
)
def test_passwords_beyond_length_are_checked(county, password, rule):
    with pytest.raises(ValidationError) as err:
        validate_password(password, user=county.users["handler"])
    assert rule in " ".join(err.value.messages)


def test_a_long_random_password_passes(county):
    validate_password("vivid-Harbor-73-lantern", user=county.users["handler"])


def test_every_unmask_goes_to_the_security_log(county, client):
    reg = register_appeal(county)
    party = reg.case.parties.get()
    _sign_in(client, "clerk")
    resp = client.post(
        f"/desk/case/{reg.case.number}/parties/{party.pk}/unmask/",
        {"reason": "电话回访核实"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert resp.status_code == 200 and "13800138000" in resp.content.decode()
    entry = SecurityEvent.objects.get(kind="unmasked")
    assert entry.username == "clerk" and entry.case_number == reg.case.number
    assert entry.ip == "192.0.2.10" and entry.detail == {
        "party": party.pk,
        "reason": "电话回访核实",
    }
    # Also when a service unmasks outside any page (a command, the API).
    services.unmask_party(
        case=reg.case, actor=county.users["clerk"], party_id=party.pk, reason="复核"
    )
    assert SecurityEvent.objects.filter(kind="unmasked").count() == 2


def test_auditors_read_the_log_and_nobody_edits_it(county, client, admin_client):
    from django.contrib.auth.models import Permission

    _sign_in(client, "handler")
    entry = SecurityEvent.objects.get(kind="signed_in", username="handler")
    auditor = county.users["supervisor"]
    auditor.is_staff = True
    auditor.save()
    auditor.user_permissions.add(Permission.objects.get(codename="view_securityevent"))
    client.force_login(auditor)
    listing = client.get("/admin/accounts/securityevent/")
    assert listing.status_code == 200 and "handler" in listing.content.decode()
    assert client.get(f"/admin/accounts/securityevent/{entry.pk}/change/").status_code == 200
    # Not even a superuser adds, changes or deletes an entry.
    assert admin_client.get("/admin/accounts/securityevent/add/").status_code == 403
    resp = admin_client.post(f"/admin/accounts/securityevent/{entry.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 403
    resp = admin_client.post(f"/admin/accounts/securityevent/{entry.pk}/change/", {"kind": "x"})
    assert resp.status_code == 403
    assert SecurityEvent.objects.filter(pk=entry.pk, kind="signed_in").exists()


def test_opening_an_attachment_goes_to_the_security_log(county, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scan = services.AttachmentInput(name="身份证.jpg", content=b"\xff\xd8\xff scan")
    case = register_appeal(county, attachments=[scan]).case
    att = case.attachments.get()
    _sign_in(client, "clerk")
    resp = client.get(f"/desk/case/{case.number}/files/{att.pk}/", REMOTE_ADDR="192.0.2.11")
    assert resp.status_code == 200
    entry = SecurityEvent.objects.get(kind="file_opened")
    assert (entry.username, entry.case_number, entry.ip) == ("clerk", case.number, "192.0.2.11")
    assert entry.detail == {"attachment": att.pk}
