"""The field-work pages as a person uses them: the tracking page takes material, the agent's
page files for a villager and the agent reaches no other case by page, API or search, the grid
worker's page records a matter with a photo and a pin and confirms the round."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.cases.steps import on
from tests.conftest import accepted_appeal, register_appeal
from xinfang.cases.fieldwork_models import GridRound
from xinfang.cases.models import Attachment, Case, CaseEvent, GridItem

from .helpers import PDF, agent, jpeg_with_gps

pytestmark = pytest.mark.django_db


def _track(client, reg):
    response = client.post(
        "/track/", {"tracking_code": reg.tracking_code, "password": reg.query_password}
    )
    assert response.status_code == 302
    return response["Location"]


def test_a_citizen_adds_material_on_the_tracking_page(client, county):
    reg = register_appeal(county)
    page = client.get(_track(client, reg)).content.decode()
    assert 'action="/track/' + reg.case.number + '/material/"' in page
    response = client.post(
        f"/track/{reg.case.number}/material/",
        {
            "message": "补充：漏水照片。",
            "files": [SimpleUploadedFile("照片.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    assert CaseEvent.objects.filter(case=reg.case, kind="add_material").count() == 1
    assert Attachment.objects.filter(case=reg.case).count() == 1


def test_a_wrong_type_is_refused_on_the_page_and_nothing_is_kept(client, county):
    reg = register_appeal(county)
    _track(client, reg)
    response = client.post(
        f"/track/{reg.case.number}/material/",
        {"message": "x", "files": [SimpleUploadedFile("a.pdf", b"MZ" + b"\0" * 100)]},
    )
    assert response.status_code == 422
    assert not CaseEvent.objects.filter(case=reg.case, kind="add_material").exists()


def test_a_closed_case_says_so_and_refuses_material(client, county):
    reg = register_appeal(county)
    _track(client, reg)
    Case.objects.filter(pk=reg.case.pk).update(state="closed")
    page = client.get(f"/track/{reg.case.number}/").content.decode()
    assert (
        'id="material-closed"' in page and "<textarea" not in page.split("material-title")[1][:600]
    )
    response = client.post(f"/track/{reg.case.number}/material/", {"message": "还有"})
    assert response.status_code == 409
    assert not CaseEvent.objects.filter(case=reg.case, kind="add_material").exists()


def test_another_browser_cannot_add_to_a_case(client, county):
    reg = register_appeal(county)
    response = client.post(f"/track/{reg.case.number}/material/", {"message": "x"})
    assert response.status_code == 404


def test_staff_record_a_contact_from_the_case_page(client, county, time_machine):
    on(time_machine, "2025-03-05")
    case = accepted_appeal(county)
    client.force_login(county.users["handler"])
    page = client.get(f"/desk/case/{case.number}/").content.decode()
    assert "record_contact" in page and "record_return_visit" in page
    response = client.post(
        f"/desk/case/{case.number}/move/record_contact/",
        {
            "record_contact-means": "phone",
            "record_contact-held_on": "2025-03-05",
            "record_contact-summary": "电话说明处理进度",
            "record_contact-version": case.version,
        },
    )
    assert response.status_code in (200, 302), response.content.decode()[:500]
    assert CaseEvent.objects.filter(case=case, kind="record_contact").exists()
    assert "电话说明处理进度" in client.get(f"/desk/case/{case.number}/").content.decode()


def test_an_agent_files_and_reaches_no_other_case(client, county):
    other = register_appeal(county).case
    a = agent("agent", county.village_committee)
    client.force_login(a)
    assert client.get("/desk/agent/").status_code == 200
    response = client.post(
        "/desk/agent/",
        {
            "name": "王大爷",
            "phone": "13700137000",
            "content_type": "appeal",
            "title": "村道路灯坏了",
            "text": "夜里出行不便。",
        },
    )
    assert response.status_code == 302 and "/receipt/" in response["Location"]
    mine = Case.objects.get(filed_by=a)
    receipt = client.get(response["Location"]).content.decode()
    assert mine.tracking_code in receipt
    assert client.get(f"/desk/case/{mine.number}/").status_code == 200
    # Another case: not by its address, not in the list or a search, not through the API.
    assert client.get(f"/desk/case/{other.number}/").status_code == 404
    listing = client.get("/desk/", {"q": other.title}).content.decode()
    assert other.number not in listing
    # The same search finds it for the clerk who registered it: the search works, the rule hides.
    client.force_login(county.users["clerk"])
    assert other.number in client.get("/desk/", {"q": other.title}).content.decode()
    client.force_login(a)
    out = io.StringIO()
    call_command("create_api_token", a.username, stdout=out)
    headers = {"Authorization": f"Bearer {out.getvalue().strip()}"}
    assert client.get(f"/api/v1/cases/{other.number}", headers=headers).status_code == 404
    numbers = [c["number"] for c in client.get("/api/v1/cases", headers=headers).json()["items"]]
    assert numbers == [mine.number]


def test_staff_who_are_not_agents_do_not_get_the_agents_page(client, county):
    client.force_login(county.users["clerk"])
    assert client.get("/desk/agent/").status_code == 403


def test_a_grid_worker_records_with_a_photo_and_a_pin_and_confirms_the_round(
    client, county, time_machine
):
    on(time_machine, "2025-03-05")
    client.force_login(county.users["grid"])
    assert client.get("/desk/field/").status_code == 200
    response = client.post("/desk/field/round/", {"nothing_found": "1", "note": ""})
    assert response.status_code == 302
    assert GridRound.objects.get().nothing_found
    response = client.post(
        "/desk/field/item/",
        {
            "kind": "hazard",
            "title": "桥栏杆松动",
            "description": "有坠落危险",
            "place": county.village.pk,
            "responsible_person": "村主任",
            "due_on": "2025-03-20",
            "latitude": "36.683333",
            "longitude": "121.150000",
            "photos": [SimpleUploadedFile("bridge.jpg", jpeg_with_gps(), "image/jpeg")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    item = GridItem.objects.get()
    photo = item.photos.get()
    page = client.get(response["Location"]).content.decode()
    assert f"/desk/grid/{item.pk}/photos/{photo.pk}/" in page and "36.683333" in page
    served = client.get(f"/desk/grid/{item.pk}/photos/{photo.pk}/")
    assert served.status_code == 200 and b"PhoneMaker" not in b"".join(served.streaming_content)
    # Staff of another body do not get the photo.
    client.force_login(county.users["land_handler"])
    assert client.get(f"/desk/grid/{item.pk}/photos/{photo.pk}/").status_code in (403, 404)


def test_the_rounds_page_lists_due_bodies_and_counts(client, county, time_machine):
    on(time_machine, "2025-03-05")
    client.force_login(county.users["supervisor"])
    page = client.get("/desk/field/rounds/", {"since": "2025-03-01"}).content.decode()
    assert county.village_committee.name in page and county.town_gov.name in page
    assert county.village.name in page and county.town.name in page


def test_the_field_page_never_asks_the_device_where_it_is(client, county):
    client.force_login(county.users["grid"])
    page = client.get("/desk/field/").content.decode()
    # The pin is typed or placed by the worker; no script asks the phone for its position.
    assert "geolocation" not in page and 'name="latitude"' in page
