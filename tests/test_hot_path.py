"""The submission hot path: few statements and one commit per petition, numbers that stay
distinct and gap-free when petitions arrive together, and read-mostly tables served from caches
that show an administrator's edit at once. Timings are in bench/ (http_submit, portal_form)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from contextlib import contextmanager

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import build_county
from xinfang.cases import citizen, services
from xinfang.cases.models import Case, CaseSequence, PeriodSetting
from xinfang.core.models import Holiday

MORNING = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")

# Statements of one submission, transaction control aside: the case, its
# party, its clock and its event, the queued task, the two rate-limit counts (one statement),
# the day's counter, the number and the outbox row. PostgreSQL writes the party, clock and
# event in one statement, and takes the counter, sets the number, writes the queued task and
# counts the rate limits in one; after the commit, the statement that waits for the log flush
# (core/commits.py).
API_CEILING = 5 if connection.vendor == "postgresql" else 9
# The Idempotency-Key costs no look-up; its answer is written with the case's parties
# (PostgreSQL), elsewhere by a statement of its own.
API_WITH_KEY_CEILING = API_CEILING if connection.vendor == "postgresql" else API_CEILING + 1
# The receipt goes in the browser's sealed pass: no row of its own.
PORTAL_CEILING = API_CEILING
TOGETHER = connection.vendor == "postgresql"  # rows of several tables in one statement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def county_committed(settings):
    settings.XINFANG = {**settings.XINFANG, "TRUST_X_FORWARDED_FOR": True}
    return build_county()


@contextmanager
def counted():
    """(statements, commits) of the block, as the database sees them."""
    commits = []
    real = connection.commit

    def commit():
        commits.append(1)
        return real()

    connection.commit = commit
    try:
        with CaptureQueriesContext(connection) as q:
            yield q, commits
    finally:
        del connection.commit


def statements(q) -> list[str]:
    return [x["sql"] for x in q.captured_queries if not x["sql"].upper().startswith(CONTROL)]


def petition(i: int) -> dict:
    return {
        "content_type": "appeal",
        "title": f"小区路灯损坏第{i}号",
        "division_code": "370687",
        "body": "小区东门路灯一直不亮，晚上出行不安全。",
        "petitioner": {"name": "王五", "phone": f"139{i:08d}"},
    }


def post_api(client, i: int, key: str = ""):
    headers = {"X-Forwarded-For": f"10.0.0.{i}"}
    if key:
        headers["Idempotency-Key"] = key
    return client.post(
        "/api/v1/petitions", petition(i), content_type="application/json", headers=headers
    )


def form_data(i: int) -> dict:
    return {
        "content_type": "appeal",
        "title": f"路灯不亮{i}",
        "body": "小区东门路灯一直不亮。",
        "division_code": ["370000", "370600", "370687"],
        "name": "王五",
        "phone": f"137{i:08d}",
    }


def test_an_api_submission_is_a_handful_of_statements_and_one_commit(county_committed):
    client = Client()
    assert post_api(client, 1).status_code == 201  # caches warm, as in a running server
    with counted() as (q, commits):
        r = post_api(client, 2)
    assert r.status_code == 201
    sql = statements(q)
    assert len(sql) <= API_CEILING, "\n".join(sql)
    assert len(commits) == 1
    assert not [s for s in q.captured_queries if s["sql"].upper().startswith("SAVEPOINT")]

    with counted() as (q, commits):
        r = post_api(client, 3, key="retry-safe-3")
    assert r.status_code == 201
    assert len(statements(q)) <= API_WITH_KEY_CEILING, "\n".join(statements(q))
    sql = [x["sql"] for x in q.captured_queries]
    keyed = [i for i, s in enumerate(sql) if "api_idempotencyrecord" in s]
    begin = next(i for i, s in enumerate(sql) if s.upper().startswith("BEGIN"))
    # A first attempt does not look the key up: its answer is written in the case's
    # transaction (with its parties, on PostgreSQL), and the whole commits once.
    assert len(keyed) == 1 and begin < keyed[0]
    assert sql[keyed[0]].upper().startswith(("INSERT", "WITH"))
    if TOGETHER:
        assert "cases_party" in sql[keyed[0]]
    assert len(commits) == 1
    replay = post_api(client, 3, key="retry-safe-3")
    assert replay.json() == r.json() and Case.objects.filter(number=r.json()["number"]).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_every_statement_of_a_submission_is_parsed_and_planned_once_per_connection(
    county_committed,
):
    client = Client()
    assert post_api(client, 1, key="first-1").status_code == 201
    with counted() as (q, _commits):
        assert post_api(client, 2, key="second-2").status_code == 201
    with connection.cursor() as cur:
        cur.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        runs = dict(cur.fetchall())
    sql = statements(q)
    assert len(sql) >= 5
    # Each ran for both submissions under the one statement prepared for the first.
    assert [s for s in sql if runs.get(s, 0) < 2] == []


def test_the_case_number_is_taken_last_and_the_audit_chain_holds(county_committed):
    from xinfang.cases.audit import verify_audit_chain

    client = Client()
    post_api(client, 1)
    with CaptureQueriesContext(connection) as q:
        r = post_api(client, 2)
    sql = statements(q)
    counter = next(i for i, s in enumerate(sql) if "cases_casesequence" in s)
    # After the counter's row is locked: the outbox row, nothing costly. On PostgreSQL the
    # number's statement itself writes the queued task and counts the rate limits.
    assert len(sql) - counter <= (3 if TOGETHER else 4), sql[counter:]
    if TOGETHER:
        assert "dbtaskresult" in sql[counter] and "core_ratebucket" in sql[counter]
    case = Case.objects.get(number=r.json()["number"])
    assert case.number.startswith("XF-370687-") and not case.number.startswith("~")
    (message,) = case.outbox.filter(channel="sms")
    assert case.number in message.body  # the message quotes the real number, not a placeholder
    assert verify_audit_chain().intact


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the log flush is PostgreSQL's (core/commits.py)"
)
def test_the_counter_is_let_go_before_the_log_flush_and_the_answer_waits_for_it(
    county_committed,
):
    client = Client()
    post_api(client, 1)
    seen: list[tuple[str, bool]] = []

    def watch(execute, sql, params, many, context):
        seen.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        r = post_api(client, 2, key="flush-2")
    assert r.status_code == 201
    number = next(i for i, (sql, _) in enumerate(seen) if "cases_casesequence" in sql)
    flush = next(i for i, (sql, _) in enumerate(seen) if "pg_logical_emit_message" in sql)
    # The number's own statement turns the wait off for its transaction ...
    assert "synchronous_commit" in seen[number][0] and seen[number][1]
    # ... and once it has committed (outside any transaction), before the answer, one
    # synchronous commit of its own waits for the log up to it.
    assert flush > number and not seen[flush][1]
    assert flush == len(seen) - 1
    with connection.cursor() as cur:
        cur.execute("SHOW synchronous_commit")
        assert cur.fetchone()[0] == "on"  # for that one transaction only
    assert Case.objects.filter(number=r.json()["number"]).exists()


def test_a_portal_submission_commits_once_with_its_receipt(county_committed):
    first = Client()
    assert first.post("/submit/", form_data(1)).status_code == 302
    client = Client()
    client.get("/submit/")
    with counted() as (q, commits):
        r = client.post("/submit/", form_data(2))
    assert r.status_code == 302, r.content.decode()[:2000]
    sql = statements(q)
    assert len(sql) <= PORTAL_CEILING, "\n".join(sql)
    assert len(commits) == 1
    assert not [x for x in q.captured_queries if "SAVEPOINT" in x["sql"].upper()]
    receipt = client.get(r["Location"]).content.decode()
    number = Case.objects.get(title="路灯不亮2").number
    assert number in receipt


def shape(sql: str) -> tuple[str, tuple[str, ...]]:
    """A statement's verb and the tables it names, whatever its values."""
    return sql.split()[0].upper(), tuple(re.findall(r'(?:INTO|FROM|UPDATE)\s+"?(\w+)', sql))


def test_the_form_costs_the_api_s_statements_and_writes_no_session(county_committed):
    api = Client()
    assert post_api(api, 1).status_code == 201
    assert Client().post("/submit/", form_data(1)).status_code == 302  # caches warm
    with counted() as (q, commits):
        assert post_api(api, 2).status_code == 201
    api_sql = statements(q)
    visitor = Client()
    visitor.get("/submit/")
    with counted() as (q, commits):
        r = visitor.post("/submit/", form_data(3))
    assert r.status_code == 302
    form_sql = statements(q)
    # The receipt travels in the browser's sealed pass, as the API's answer carries it: the
    # form runs the API's statements, in one commit, and no session row is read or written.
    assert [shape(s) for s in form_sql] == [shape(s) for s in api_sql]
    assert len(commits) == 1
    assert not [s for s in form_sql if "django_session" in s]
    assert "路灯不亮3" in visitor.get(r["Location"]).content.decode()

    # A visitor who proved access to a case before keeps it, still without a session row.
    with counted() as (q, commits):
        assert visitor.post("/submit/", form_data(4)).status_code == 302
    assert [shape(s) for s in statements(q)] == [shape(s) for s in api_sql]
    for title in ("路灯不亮3", "路灯不亮4"):
        number = Case.objects.get(title=title).number
        assert visitor.get(f"/track/{number}/").status_code == 200


def test_a_valid_form_is_checked_by_the_submission_not_by_building_the_form(
    county_committed, monkeypatch
):
    from xinfang.portal.forms import SubmitForm

    built = []
    real = SubmitForm.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(SubmitForm, "__init__", counting)
    assert Client().post("/submit/", form_data(1)).status_code == 302
    assert built == []  # the checks ran once, in citizen.submit, as for the API
    # Anything wrong: the whole form judges it and says what, in the user's language.
    r = Client().post("/submit/", {**form_data(2), "title": "  "})
    assert r.status_code == 200 and "请填写标题" in r.content.decode()
    assert len(built) == 1
    assert not Case.objects.filter(title__contains="路灯不亮2").exists()


def test_the_blank_form_is_served_without_queries(county_committed):
    client = Client()
    first = client.get("/submit/")
    with CaptureQueriesContext(connection) as q:
        page = client.get("/submit/")
    assert page.status_code == 200 and len(q.captured_queries) == 0
    assert first.content.count(b'name="csrfmiddlewaretoken"') == 2  # the form, the language
    assert b"\x00" not in page.content
    # Each visitor's own CSRF token is in the cached page, and the form accepts it.
    strict = Client(enforce_csrf_checks=True)
    html = strict.get("/submit/").content.decode()
    value = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    r = strict.post("/submit/", {**form_data(5), "csrfmiddlewaretoken": value})
    assert r.status_code == 302


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time: concurrent registrations need PostgreSQL",
)
def test_registrations_at_the_same_time_get_distinct_gap_free_numbers(county_committed):
    n = 12
    barrier = threading.Barrier(n)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            barrier.wait()
            reg = citizen.submit(
                citizen.Submission(
                    content_type="appeal",
                    title=f"同时提交{i}",
                    body="同一时刻提交的事项。",
                    division_code="370687",
                    petitioner=services.PartyInput(name="赵六", phone=f"136{i:08d}"),
                ),
                ip=f"10.1.0.{i}",
            )
            numbers.append(reg.case.number)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    sequence = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert sequence == list(range(1, n + 1))
    (counter,) = CaseSequence.objects.filter(division_code="370687")
    assert counter.last == n


def _route_due(client, i: int) -> str:
    r = post_api(client, i)
    assert r.status_code == 201, r.content
    return r.json()["due"]["route"]


def test_a_holiday_or_period_edited_changes_the_next_due_date_at_once(county_committed):
    client = Client()
    with time_machine.travel(MORNING, tick=False):
        before = _route_due(client, 1)
        Holiday.objects.create(date=dt.date.fromisoformat(before), is_workday=False)
        moved = _route_due(client, 2)
        assert moved > before
        PeriodSetting.objects.create(key="route", days=20, unit="calendar")
        longer = _route_due(client, 3)
    assert dt.date.fromisoformat(longer) - MORNING.date() >= dt.timedelta(days=20)


def test_a_renamed_place_shows_in_the_form_at_once(county_committed):
    from xinfang.orgs.models import Division

    client = Client()
    assert "海阳市" in client.get("/submit/").content.decode()
    town = Division.objects.get(code=county_committed.town.code)
    town.name = "凤城新街道"
    town.save()
    page = client.get("/submit/").content.decode()
    assert "凤城新街道" in page
    with CaptureQueriesContext(connection) as q:
        again = client.get("/submit/").content.decode()
    assert "凤城新街道" in again and len(q.captured_queries) == 0
