"""Reporter protection wherever a person's cases are listed (DESIGN.md, Access): a look-up by
phone or ID number, the staff API and full-text search list only cases the user may see, and a
report (检举控告) only where the user may see who reported it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.conftest import _user, register_appeal, report_against
from xinfang.cases import services
from xinfang.cases.selectors import open_cases_of_petitioner
from xinfang.triage.selectors import repeat_candidates

PHONE, ID_NUMBER = "13900139000", "370687199001011234"


@pytest.fixture
def cases(county):
    """One person (the same phone and ID number) with an appeal and a report against the
    housing bureau, both registered by the county petition office; the report is still there."""
    person = [services.PartyInput(name="李四", phone=PHONE, id_number=ID_NUMBER)]
    appeal = register_appeal(county, parties=person).case
    report = report_against(county, county.housing, routed=False, parties=person)
    return appeal, report


def test_lookup_by_phone_or_id_hides_a_report_from_the_clerk_who_may_not_know_the_reporter(
    county, cases
):
    appeal, report = cases
    clerk = county.users["clerk"]
    assert list(open_cases_of_petitioner(user=clerk, phone=PHONE)) == [appeal]
    assert list(open_cases_of_petitioner(user=clerk, id_number=ID_NUMBER)) == [appeal]
    # The intake check (the selector the clerk's page reads) lists the appeal only.
    found = repeat_candidates("反映工作人员收受好处费", "收受好处费", PHONE, ID_NUMBER, user=clerk)
    assert [c for c, _score in found.own] == [appeal]
    assert report.pk not in [c.pk for c, _score in found.similar]


def test_lookup_lists_the_report_to_the_discipline_body_handling_it(county, cases):
    appeal, report = cases
    report = services.transfer(case=report, actor=county.users["clerk"], body=county.discipline)
    inspector = county.users["discipline_handler"]
    # The appeal is not theirs to see; the report they handle is.
    assert list(open_cases_of_petitioner(user=inspector, id_number=ID_NUMBER)) == [report]


def test_lookup_across_the_county_lists_nothing_outside_the_clerks_scope(county, cases):
    # A clerk of the city petition office: neither case was registered or is held there.
    city_clerk = _user("city_clerk", county.city_office, "intake_clerk")
    assert list(open_cases_of_petitioner(user=city_clerk, phone=PHONE)) == []
    # The accused body's staff never find the report, whatever they type.
    head = county.users["head"]
    assert list(open_cases_of_petitioner(user=head, phone=PHONE, id_number=ID_NUMBER)) == []
    assert list(open_cases_of_petitioner(user=None, phone=PHONE)) == []


def _token(user) -> dict:
    out = io.StringIO()
    call_command("create_api_token", user.username, stdout=out)
    return {"Authorization": f"Bearer {out.getvalue().strip()}"}


def test_staff_api_lists_no_report_by_its_reporters_name_or_phone(client, county, cases):
    appeal, report = cases
    clerk = _token(county.users["clerk"])
    for q in ("李四", PHONE, ID_NUMBER):
        items = client.get("/api/v1/cases", {"q": q}, headers=clerk).json()["items"]
        assert report.number not in [c["number"] for c in items]
    # The report itself shows no reporter to the clerk.
    data = client.get(f"/api/v1/cases/{report.number}", headers=clerk).json()
    assert data["identity_hidden"] is True and "李" not in str(data["parties"])
    head = _token(county.users["head"])
    assert report.number not in str(client.get("/api/v1/cases", headers=head).json())


def test_desk_search_by_the_reporters_name_does_not_find_the_report(client, county, cases):
    appeal, report = cases
    client.force_login(county.users["clerk"])
    for q in ("李四", PHONE):
        page = client.get("/desk/", {"q": q}).content.decode()
        assert report.number not in page
    # The search itself works: words of the report's title find it for the clerk who holds it.
    assert report.number in client.get("/desk/", {"q": "好处费"}).content.decode()
