"""The database going away under the API: JSON 503s a client can act on, health 503, connections
renewed after a restart, and clients retrying with their Idempotency-Key get one case each."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import OperationalError, close_old_connections, connection
from django.test import Client

from tests.conftest import build_county
from xinfang.api import services as api_services
from xinfang.api.models import IdempotencyRecord
from xinfang.cases.models import Case
from xinfang.core import events

from .test_public_api import PETITION, post


def _database_away(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_away_the_api_answers_json_503_and_health_503():
    county = build_county()
    from xinfang.api.services import create_token

    token = create_token(user=county.users["clerk"])
    client = Client()
    with connection.execute_wrapper(_database_away):
        submit = post(client, PETITION, **{"Idempotency-Key": "k-1"})
        health = client.get("/api/v1/health")
        staff = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})

    for r in (submit, health, staff):
        assert r.status_code == 503, r.content
        assert r["Content-Type"].startswith("application/json")
        assert r.json()["code"] == "unavailable"
        assert r.json()["message"] == "服务暂时不可用，请稍后再试。"
    assert submit["Retry-After"] == "5"
    assert health.json()["database"] == "unavailable"

    # Back again: the same key makes the case, once.
    first = post(client, PETITION, **{"Idempotency-Key": "k-1"})
    again = post(client, PETITION, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and Case.objects.count() == 1
    assert client.get("/api/v1/health").status_code == 200


def test_an_attempt_cut_off_mid_registration_leaves_nothing_and_the_retry_registers_at_once(
    client, county
):
    """The connection dies inside the registration's transaction: nothing of the attempt was
    committed, the key included, so the retry a moment later registers and its replay matches."""

    def connection_lost(event):
        raise OperationalError("terminating connection due to administrator command")

    events.subscribe(connection_lost)
    try:
        cut = post(client, PETITION, **{"Idempotency-Key": "k-2"})
    finally:
        events.unsubscribe(connection_lost)
    assert cut.status_code == 503 and Case.objects.count() == 0
    assert not IdempotencyRecord.objects.exists()

    done = post(client, PETITION, **{"Idempotency-Key": "k-2"})
    replay = post(client, PETITION, **{"Idempotency-Key": "k-2"})
    assert done.status_code == replay.status_code == 201
    assert done.json() == replay.json()
    assert Case.objects.count() == 1


def test_a_retry_of_an_answered_key_rolls_back_and_replays(client, county, monkeypatch):
    """The key is not looked up before the attempt: a retry's answer row is refused by the key's
    unique index, its case rolls back, and it answers as the first did."""
    first = post(client, PETITION, **{"Idempotency-Key": "k-3"})
    real, calls = api_services.answered, []

    def counted(key, fp):
        calls.append(key)
        return real(key, fp)

    monkeypatch.setattr(api_services, "answered", counted)
    again = post(client, PETITION, **{"Idempotency-Key": "k-3"})
    assert calls == ["k-3"]  # once, after the refusal
    assert again.status_code == 201 and again.json() == first.json()
    assert Case.objects.count() == 1
    other = post(client, dict(PETITION, title="另一件事"), **{"Idempotency-Key": "k-3"})
    assert other.status_code == 409 and other.json()["code"] == "idempotency_mismatch"
    assert Case.objects.count() == 1
    fresh = post(client, PETITION, **{"Idempotency-Key": "k-4"})
    assert fresh.status_code == 201 and calls == ["k-3", "k-3"]  # a first attempt asks nothing


def test_connections_are_health_checked_after_a_database_restart(settings):
    from django.conf import settings as live

    assert live.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# ---------------------------------------------------------------------------------------------
# PostgreSQL: connections really terminated


def _pg_only():
    if connection.vendor != "postgresql":
        pytest.skip("terminates PostgreSQL server connections: runs in the PostgreSQL pass")


def _side_connection():
    import psycopg

    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        user=s["USER"] or None,
        password=s["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_persistent_connection_cut_by_a_restart_is_replaced_at_the_next_request():
    _pg_only()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    with _side_connection() as side:
        # Waits (up to 5 s) until the backend has gone, as after a restart.
        side.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    close_old_connections()  # what every request starts with
    with connection.cursor() as cur:  # CONN_HEALTH_CHECKS: checked, found dead, reconnected
        cur.execute("SELECT 1")
        assert cur.fetchone() == (1,)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_the_server_has_said_nothing_on_is_used_without_asking_it():
    _pg_only()
    from django.db import connections

    from xinfang.core.postgresql.base import DatabaseWrapper, _quiet

    assert isinstance(connections["default"], DatabaseWrapper)  # settings choose this backend
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    raw = connection.connection
    assert _quiet(raw)  # idle, nothing sent: the request's check asks nothing
    with _side_connection() as side:
        side.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    assert not _quiet(raw)  # the server said goodbye: Django's own check runs, and fails
    assert not connection.is_usable()
    connection.close()  # as the request's check does; the next cursor connects anew


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_connections_cut_during_a_burst_of_submissions_each_client_gets_one_case(
    live_server, settings
):
    _pg_only()
    settings.XINFANG = {
        **settings.XINFANG,
        "RATE_LIMITS": {"ip": (10**6, 3600), "phone": (10**6, 86400), "lookup_failures": (9, 900)},
    }
    build_county()
    clients = 10
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        test_pid = cur.fetchone()[0]

    # The first registrations lose their connection inside their own transaction...
    lock, cuts = threading.Lock(), {"left": 3}

    def cut_inside(event):
        with lock:
            if event.kind != "register" or cuts["left"] == 0:
                return
            cuts["left"] -= 1
        with connection.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    # ...and meanwhile every connection of the database is cut now and then, wherever it is.
    done = threading.Event()
    restarts = {"n": 0}

    def restarter():
        with _side_connection() as side:
            while not done.wait(0.15):
                side.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND pid <> %s",
                    [test_pid],
                )
                restarts["n"] += 1

    answers: dict[int, list[tuple[int, dict]]] = {i: [] for i in range(clients)}

    def citizen(i: int):
        body = {**PETITION, "petitioner": {"name": "李四", "phone": f"1390013{i:04d}"}}
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            request = urllib.request.Request(
                f"{live_server.url}/api/v1/petitions",
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json", "Idempotency-Key": f"burst-{i}"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as r:
                    answers[i].append((r.status, json.load(r)))
            except urllib.error.HTTPError as exc:
                answers[i].append((exc.code, json.load(exc)))
            except (urllib.error.URLError, ConnectionError):
                answers[i].append((0, {}))
            if answers[i][-1][0] == 201 and [s for s, _a in answers[i]].count(201) == 2:
                return  # answered, and the answer confirmed once more
            time.sleep(0.1)

    events.subscribe(cut_inside)
    killer = threading.Thread(target=restarter)
    killer.start()
    threads = [threading.Thread(target=citizen, args=(i,)) for i in range(clients)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        done.set()
        killer.join(10)
        events.unsubscribe(cut_inside)

    statuses = [s for i in answers for s, _a in answers[i]]
    assert statuses.count(503) >= 3, statuses  # the cut-off attempts answered JSON 503
    assert set(statuses) <= {201, 503}, statuses  # never an HTML 500, never 'busy'
    numbers = []
    for i in range(clients):
        created = [a for s, a in answers[i] if s == 201]
        assert len(created) == 2 and created[0] == created[1], answers[i]
        numbers.append(created[0]["number"])
    assert len(set(numbers)) == clients
    assert Case.objects.count() == clients
    assert set(IdempotencyRecord.objects.values_list("status_code", flat=True)) == {201}
    assert restarts["n"] > 0
