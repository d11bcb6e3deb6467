"""API tokens expire and can be revoked in the admin; an answer replayed for an Idempotency-Key
never hands the query password to another client."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from tests.api.test_public_api import PETITION
from xinfang.api.models import ApiToken


def token_for(user, *args) -> dict:
    out = io.StringIO()
    call_command("create_api_token", user.username, *args, stdout=out)
    return {"Authorization": f"Bearer {out.getvalue().strip()}"}


def test_a_token_stops_working_when_it_expires(client, county):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        token = token_for(county.users["clerk"], "--days", "30")
        assert client.get("/api/v1/cases", headers=token).status_code == 200
    with time_machine.travel(start + dt.timedelta(days=29, hours=23), tick=False):
        assert client.get("/api/v1/cases", headers=token).status_code == 200
    with time_machine.travel(start + dt.timedelta(days=30, minutes=1), tick=False):
        r = client.get("/api/v1/cases", headers=token)
        assert r.status_code == 401 and r.json()["message"] == "需要有效的接口令牌"


def test_tokens_live_ninety_days_by_default(county):
    token_for(county.users["clerk"])
    stored = ApiToken.objects.get()
    assert stored.expires_at - stored.created_at >= dt.timedelta(days=90) - dt.timedelta(seconds=5)


def test_an_administrator_revokes_a_token_and_it_stops_working(client, county):
    token = token_for(county.users["clerk"])
    assert client.get("/api/v1/cases", headers=token).status_code == 200
    admin = get_user_model().objects.create_superuser("root", password="pw-root-123")
    client.force_login(admin)
    stored = ApiToken.objects.get()
    r = client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [stored.pk]},
    )
    assert r.status_code == 302
    stored.refresh_from_db()
    assert stored.revoked and stored.revoked_at is not None
    client.logout()
    assert client.get("/api/v1/cases", headers=token).status_code == 401


def submit(client, ip: str, key: str = "k-replay"):
    return client.post(
        "/api/v1/petitions",
        PETITION,
        content_type="application/json",
        headers={"Idempotency-Key": key},
        REMOTE_ADDR=ip,
    )


def test_a_replay_from_the_same_client_gets_the_whole_answer(client, county):
    first = submit(client, "198.51.100.1")
    again = submit(client, "198.51.100.1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and len(again.json()["query_password"]) == 10


def test_a_replay_from_another_client_gets_no_query_password(client, county):
    first = submit(client, "198.51.100.1").json()
    other = submit(client, "192.0.2.99")
    assert other.status_code == 201
    answer = other.json()
    assert answer["query_password"] is None
    assert first["query_password"] not in other.content.decode()
    assert answer["number"] == first["number"]  # the same one case, not a second one
