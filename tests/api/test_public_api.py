"""Public API: submit, follow, rate, review (DESIGN.md API shape; STATUTE W21, W22, W35)."""

import threading

import pytest
from django.db import connection

from tests.conftest import replied_appeal
from xinfang.cases import services
from xinfang.cases.models import Case

PETITION = {
    "content_type": "appeal",
    "title": "小区路灯坏了三个月",
    "body": "小区东门路灯一直不亮，晚上出行不安全。",
    "category": None,
    "division_code": "370687",
    "address": "海阳市某小区东门",
    "petitioner": {"name": "李四", "phone": "13900139000", "id_number": None},
    "public_consent": True,
}


def post(client, payload, **headers):
    return client.post(
        "/api/v1/petitions", payload, content_type="application/json", headers=headers
    )


def test_submit_gives_number_code_password_and_due_dates(client, county):
    r = post(client, PETITION)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["number"].startswith("XF-370687-")
    assert len(data["tracking_code"]) == 10 and len(data["query_password"]) == 10
    assert data["state"] == "registered"
    assert "route" in data["due"]
    case = Case.objects.get(number=data["number"])
    assert case.holder_body == county.office and case.channel == "web"


def test_idempotency_key_makes_one_case_on_retry(client, county):
    first = post(client, PETITION, **{"Idempotency-Key": "abc-123"})
    again = post(client, PETITION, **{"Idempotency-Key": "abc-123"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Case.objects.count() == 1
    other = dict(PETITION, title="另一件事")
    clash = post(client, other, **{"Idempotency-Key": "abc-123"})
    assert clash.status_code == 409


def test_a_refused_submission_keeps_nothing_so_its_key_serves_the_corrected_one(client, county):
    bad = dict(PETITION, title="")
    refused = post(client, bad, **{"Idempotency-Key": "fix-then-send"})
    assert refused.status_code == 422
    fixed = post(client, PETITION, **{"Idempotency-Key": "fix-then-send"})
    assert fixed.status_code == 201 and Case.objects.count() == 1
    assert post(client, PETITION, **{"Idempotency-Key": "fix-then-send"}).json() == fixed.json()


@pytest.mark.django_db(transaction=True)
def test_double_submit_at_once_makes_one_case(county):
    from django.test import Client

    results = []
    barrier = threading.Barrier(2)

    def submit():
        try:
            barrier.wait()
            results.append(post(Client(), PETITION, **{"Idempotency-Key": "same"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Case.objects.count() == 1
    # The second waits for the first's commit and gives the same answer: no "try again".
    assert [r.status_code for r in results] == [201, 201]
    assert results[0].json() == results[1].json()


def test_invalid_submission_gets_a_message_per_field_in_chinese(client, county):
    bad = dict(PETITION, title="", content_type="complaint", division_code="999999")
    bad.pop("body")
    r = post(client, bad)
    assert r.status_code == 422
    fields = r.json()["fields"]
    assert fields["body"] == ["此项为必填项"]
    assert "content_type" in fields
    r = post(client, dict(PETITION, title="  ", division_code="999999"))
    assert r.status_code == 422
    assert r.json()["fields"]["division_code"] == ["请选择有效的发生地"]
    assert Case.objects.count() == 0


def test_appeal_without_a_name_is_refused(client, county):
    r = post(client, dict(PETITION, petitioner=None))
    assert r.status_code == 422
    assert "petitioner" in r.json()["fields"]


def test_flood_from_one_phone_is_stopped(client, county, settings):
    settings.XINFANG = {
        **settings.XINFANG,
        "RATE_LIMITS": {"ip": (100, 3600), "phone": (2, 86400), "lookup_failures": (10, 900)},
    }
    assert post(client, PETITION).status_code == 201
    assert post(client, PETITION).status_code == 201
    r = post(client, PETITION)
    assert r.status_code == 429
    assert "手机号码" in r.json()["message"]
    other_phone = dict(PETITION, petitioner={"name": "王五", "phone": "13700137000"})
    assert post(client, other_phone).status_code == 201


def test_flood_from_one_ip_is_stopped(client, county, settings):
    settings.XINFANG = {
        **settings.XINFANG,
        "RATE_LIMITS": {"ip": (3, 3600), "phone": (100, 86400), "lookup_failures": (10, 900)},
    }
    codes = [post(client, PETITION).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]


def test_a_submission_found_over_the_limit_as_its_number_is_taken_keeps_nothing(
    client, county, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinfang.core.models import RateBucket

    settings.XINFANG = {
        **settings.XINFANG,
        "RATE_LIMITS": {"ip": (100, 3600), "phone": (1, 86400), "lookup_failures": (10, 900)},
    }
    first = post(client, PETITION).json()["number"]
    # Nothing is read before the work: the second submission from the phone is counted with
    # its number, found over the limit there, and rolled back.
    r = post(client, PETITION)
    assert r.status_code == 429
    assert "手机号码" in r.json()["message"]
    assert Case.objects.count() == 1
    # Nothing of it was kept: neither its counts nor its number.
    assert sorted(RateBucket.objects.values_list("count", flat=True)) == [1, 1]
    # The process remembers the phone: the next one is refused before any work, counting and
    # writing nothing (what it reads is the cached places and offices).
    with CaptureQueriesContext(connection) as q:
        again = post(client, PETITION)
    assert again.status_code == 429 and "手机号码" in again.json()["message"]
    assert all(x["sql"].startswith("SELECT") for x in q.captured_queries)
    assert not [x for x in q.captured_queries if "ratebucket" in x["sql"]]
    other = dict(PETITION, petitioner={"name": "王五", "phone": "13700137000"})
    second = post(client, other).json()["number"]
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1


def test_a_retry_after_the_limits_are_spent_replays_the_answer(client, county, settings):
    settings.XINFANG = {
        **settings.XINFANG,
        "RATE_LIMITS": {"ip": (100, 3600), "phone": (1, 86400), "lookup_failures": (10, 900)},
    }
    first = post(client, PETITION, **{"Idempotency-Key": "spent-1"})
    assert first.status_code == 201
    # The phone's one submission is spent by the very submission this retry repeats.
    again = post(client, PETITION, **{"Idempotency-Key": "spent-1"})
    assert again.status_code == 201 and again.json() == first.json()
    other = post(client, PETITION, **{"Idempotency-Key": "spent-2"})
    assert other.status_code == 429
    assert Case.objects.count() == 1


def test_track_shows_timeline_and_due_date(client, county):
    data = post(client, PETITION).json()
    r = client.get(
        f"/api/v1/track/{data['tracking_code']}",
        headers={"X-Query-Password": data["query_password"]},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["number"] == data["number"]
    assert body["timeline"][0]["label"] == "登记"
    assert body["clocks"][0]["period"] == "route"


def test_wrong_code_and_wrong_password_answer_alike_and_are_limited(client, county, settings):
    settings.XINFANG = {
        **settings.XINFANG,
        "RATE_LIMITS": {"ip": (100, 3600), "phone": (100, 86400), "lookup_failures": (3, 900)},
    }
    data = post(client, PETITION).json()
    wrong_pw = client.get(
        f"/api/v1/track/{data['tracking_code']}", headers={"X-Query-Password": "000000"}
    )
    wrong_code = client.get(
        "/api/v1/track/ZZZZZZZZZZ", headers={"X-Query-Password": data["query_password"]}
    )
    assert wrong_pw.status_code == wrong_code.status_code == 404
    assert wrong_pw.json() == wrong_code.json()
    client.get("/api/v1/track/ZZZZZZZZZZ", headers={"X-Query-Password": "1"})
    # Three failures used up: even the right password is refused for now.
    right = client.get(
        f"/api/v1/track/{data['tracking_code']}",
        headers={"X-Query-Password": data["query_password"]},
    )
    assert right.status_code == 429


def _replied_case(county):
    reg = services.register(
        actor=services.CitizenActor(),
        body=county.office,
        channel="web",
        content_type="appeal",
        title="噪音扰民",
        text="夜间施工噪音",
        place=county.county,
        parties=[services.PartyInput(name="赵六", phone="13600136000")],
    )
    return reg, replied_appeal(county, reg.case, facts="属实", reasons="依法应当整改")


def test_citizen_rates_then_asks_for_review(client, county):
    reg, case = _replied_case(county)
    headers = {"X-Query-Password": reg.query_password}
    url = f"/api/v1/track/{reg.tracking_code}"
    assert client.get(url, headers=headers).json()["can_rate"] is True
    r = client.post(
        f"{url}/rating",
        {"rating": "unsatisfied", "comment": "没有解决"},
        content_type="application/json",
        headers=headers,
    )
    assert r.status_code == 200 and r.json()["rating"] == "unsatisfied"
    again = client.post(
        f"{url}/rating", {"rating": "satisfied"}, content_type="application/json", headers=headers
    )
    assert again.status_code == 409
    r = client.post(
        f"{url}/review", {"reasons": "处理不公"}, content_type="application/json", headers=headers
    )
    assert r.status_code == 200
    assert r.json()["state"] == "under_review"
    case.refresh_from_db()
    assert case.holder_body == county.city_housing  # W35: the superior of the deciding body
