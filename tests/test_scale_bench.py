"""The scale benchmark's generator (bench/scale.py) writes cases the pages can open: encrypted
parties that decrypt, timelines whose keyed chain verifies, clocks, search words, signatures."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

BENCH = Path(__file__).resolve().parents[1] / "bench"
DAY = dt.date(2026, 6, 1)


@pytest.fixture
def scale():
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with PostgreSQL's COPY; SQLite has no COPY")
    sys.path.insert(0, str(BENCH))
    try:
        import _scale_data as scale_data
        import scale

        scale.scale_data = scale_data
        yield scale
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture
def built(scale, settings):
    from xinfang.demo.county import build_demo_county

    settings.ALLOWED_HOSTS = ["*"]
    build_demo_county(password="bench-pass-1")
    made = scale.build(200, workers=1, on=DAY, log=lambda _line: None)
    return made


def test_the_generator_builds_the_asked_size_and_resumes_from_it(scale, built):
    from xinfang.cases.models import Case, CaseEvent, Clock, Party
    from xinfang.triage import bandkeys
    from xinfang.triage.models import SimilarityEntry

    assert built["written"] == 200 and scale.generated_count() == 200
    assert Party.objects.count() >= 200 and Clock.objects.count() == 200
    assert CaseEvent.objects.count() == sum(Case.objects.values_list("event_count", flat=True))
    assert SimilarityEntry.objects.count() == 200
    # Band keys for the open cases, none for the closed ones.
    for pk, is_open in SimilarityEntry.objects.values_list("case_id", "is_open"):
        assert len(bandkeys.keys_of(pk)) == (32 if is_open else 0)
    # Run again with a larger size: only the missing cases are made.
    again = scale.build(250, workers=1, on=DAY, log=lambda _line: None)
    assert again["already"] == 200 and again["written"] == 50
    assert Case.objects.count() == 250
    # Texts differ from case to case (not copies of a few).
    assert Case.objects.values("body").distinct().count() == 250


def test_generated_cases_open_on_every_page(scale, built, client):
    from django.contrib.auth import get_user_model

    from xinfang.cases.audit import verify_audit_chain
    from xinfang.cases.models import Case

    supervisor = get_user_model().objects.get(username="supervisor")
    client.force_login(supervisor)
    case = Case.objects.filter(number__startswith=scale.scale_data.PREFIX).order_by("-pk").first()
    page = client.get(reverse("desk:case", args=[case.number]))
    html = page.content.decode()
    assert page.status_code == 200 and case.title in html
    party = case.parties.first()
    assert party.name and party.phone.startswith("1") and len(party.id_number) == 18
    assert party.masked()["name"] in html

    for url in ("/desk/", "/desk/?queue=overdue", "/desk/?q=公积金", "/desk/supervision/"):
        assert client.get(url).status_code == 200, url
    assert "公积金" in "".join(Case.objects.values_list("search_text", flat=True))

    report = verify_audit_chain(use_export=False)
    assert report.intact, report


def test_the_api_lists_generated_cases(scale, built, client):
    from django.contrib.auth import get_user_model

    from xinfang.api.services import create_token

    token = create_token(user=get_user_model().objects.get(username="supervisor"))
    answer = client.get("/api/v1/cases?limit=5", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200
    assert [c["number"][:5] for c in answer.json()["items"]] == [scale.scale_data.PREFIX] * 5
