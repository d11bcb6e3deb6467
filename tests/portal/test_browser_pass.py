"""What a citizen's browser proved, in its sealed cookie: grants, a receipt shown once, expiry,
tampering, keys, and nothing kept on the server."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from tests.conftest import TAXONOMY_CSV, grant, register_appeal
from xinfang.core import crypto
from xinfang.portal import browser_pass
from xinfang.portal.browser_pass import COOKIE, GRANTS_KEPT, RECEIPT_SECONDS, BrowserPass
from xinfang.taxonomy.services import load_taxonomy

from .test_portal import receipt_of, submit, track

T0 = 1_900_000_000  # a fixed instant: nothing here depends on the machine's clock


@pytest.fixture
def portal(county):
    load_taxonomy(path=TAXONOMY_CSV)
    return county


@pytest.fixture
def clock(monkeypatch):
    now = [T0]
    monkeypatch.setattr(browser_pass, "_clock", lambda: now[0])
    return now


def opens(client, case) -> bool:
    r = client.get(f"/track/{case.number}/")
    assert r.status_code in (200, 302)
    return r.status_code == 200


def test_submitting_keeps_nothing_on_the_server_and_the_cookie_is_guarded(
    client, portal, settings, clock
):
    settings.SESSION_COOKIE_SECURE = True
    assert submit(client, portal).status_code == 302
    cookie = client.cookies[COOKIE]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE and cookie["path"] == "/"
    assert not Session.objects.exists()


def test_the_receipt_is_shown_once_and_the_case_stays_open(client, portal, clock):
    assert submit(client, portal).status_code == 302
    rec = receipt_of(client)
    again = client.get("/submit/done/").content.decode()
    assert rec["password"] not in again and rec["code"] not in again
    assert client.get(f"/track/{rec['number']}/").status_code == 200


def test_a_receipt_not_shown_in_time_is_dropped_but_the_grant_stays(client, portal, clock):
    assert submit(client, portal).status_code == 302
    clock[0] += RECEIPT_SECONDS + 1
    page = client.get("/submit/done/").content.decode()
    assert 'id="query-password"' not in page
    from xinfang.cases.models import Case

    assert opens(client, Case.objects.get())


def test_a_pass_past_its_age_opens_nothing(client, county, settings, clock):
    case = register_appeal(county).case
    grant(client, case)
    clock[0] += settings.SESSION_COOKIE_AGE - 1
    assert opens(client, case)
    clock[0] += 2
    assert not opens(client, case)


def test_an_altered_pass_or_one_sealed_for_another_use_opens_nothing(client, county, clock):
    case = register_appeal(county).case
    grant(client, case)
    value = client.cookies[COOKIE].value
    assert opens(client, case)
    body = value[len(crypto.SEALED) :]
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    for forged in (
        crypto.SEALED + flipped,
        value[:-4],
        "x1.not-base64!",
        crypto.seal(f'{{"c":[{case.pk}],"e":{T0 + 999}}}'),  # a session's seal, not a pass's
    ):
        client.cookies[COOKIE] = forged
        assert not opens(client, case), forged


@pytest.mark.parametrize(
    "plain",
    ['{"c":"1","e":1900009999}', '{"c":[1]}', '["c"]', "not json", '{"c":[1],"e":"x"}'],
)
def test_a_sealed_pass_of_the_wrong_shape_is_empty(plain, clock):
    value = crypto.seal(plain, purpose=browser_pass.PURPOSE)
    proof = browser_pass._opened(value)
    assert proof.cases == [] and proof.receipt is None and proof.booked is None


def test_a_pass_sealed_under_the_previous_key_still_opens(client, county, settings, clock):
    case = register_appeal(county).case
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = "old data key " * 3, []
    grant(client, case)
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = "new data key " * 3, ["old data key " * 3]
    assert opens(client, case)
    settings.DATA_KEY_PREVIOUS = []
    assert not opens(client, case)


def test_forgetting_drops_the_case_and_an_empty_pass_its_cookie(client, county, clock):
    first, second = register_appeal(county).case, register_appeal(county).case
    grant(client, first, second)
    assert opens(client, first) and opens(client, second)
    client.post(f"/track/{first.number}/forget/")
    assert not opens(client, first) and opens(client, second)
    r = client.post(f"/track/{second.number}/forget/")
    assert r.cookies[COOKIE]["max-age"] == 0  # nothing left to keep: the cookie goes
    assert not opens(client, second)


def test_the_latest_grants_are_kept_first(clock):
    proof = BrowserPass()
    for i in range(1, GRANTS_KEPT + 6):
        proof.grant(i)
    proof.grant(10)
    kept = browser_pass._opened(proof.sealed()).cases
    assert len(kept) == GRANTS_KEPT and kept[0] == 10 and kept[1] == GRANTS_KEPT + 5
    assert 1 not in kept


def test_pages_that_do_not_read_the_pass_leave_it_alone(client, county, clock):
    case = register_appeal(county).case
    grant(client, case)
    r = client.get("/")
    assert r.status_code == 200 and COOKIE not in r.cookies
    r = client.get(f"/track/{case.number}/")
    assert COOKIE not in r.cookies  # read, not changed: not written again
    assert "Cookie" in r["Vary"]


def test_the_tracking_code_grants_without_a_session(client, portal, clock):
    assert submit(client, portal).status_code == 302
    rec = receipt_of(client)
    fresh = client.__class__()
    r = track(fresh, rec["code"], rec["password"])
    assert r.status_code == 302
    assert fresh.get(f"/track/{rec['number']}/").status_code == 200
    assert not Session.objects.exists()
