"""Open311 GeoReport v2, checked against the specification (wiki.open311.org/GeoReport_v2):
resource names and formats, field names, W3C date-times with a zone, the error list, the
jurisdiction_id, the api_key on POST. Requests are only published cases, anonymised."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import pytest

from tests.conftest import TAXONOMY_CSV, register_appeal, report_against
from xinfang.cases import services
from xinfang.cases.models import Case
from xinfang.channels.models import Open311Key
from xinfang.channels.open311.keys import new_key
from xinfang.taxonomy.models import RoutingRule
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy

BASE = "/open311/v2"
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


@pytest.fixture
def world(county):
    load_taxonomy(path=TAXONOMY_CSV)
    leaf = leaves().filter(full_name__contains="物业").first()
    RoutingRule.objects.create(category=leaf.parent, division=county.county, body=county.housing)
    return county, leaf


@pytest.fixture
def api_key(db):
    return new_key(Open311Key(name="市民热线 App"))


def _json(response):
    assert response["Content-Type"].startswith("application/json")
    assert "charset=utf-8" in response["Content-Type"]
    return json.loads(response.content)


def _xml(response):
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def _error(response, code: int, fmt: str = "json") -> str:
    assert response.status_code == code
    if fmt == "xml":
        root = _xml(response)
        assert root.tag == "errors"
        (err,) = root.findall("error")
        assert err.findtext("code") == str(code)
        return err.findtext("description")
    (err,) = _json(response)
    assert set(err) == {"code", "description"} and err["code"] == code
    return err["description"]


@pytest.mark.django_db
def test_services_list_every_leaf_with_the_fields_and_the_responsible_body(client, world):
    county, leaf = world
    services_ = _json(client.get(f"{BASE}/services.json", {"jurisdiction_id": "370687"}))
    assert len(services_) == leaves().count()
    assert all(SERVICE_FIELDS <= set(s) for s in services_)
    assert all(
        s["metadata"] is False and s["type"] in {"realtime", "batch", "blackbox"} for s in services_
    )
    mine = next(s for s in services_ if s["service_code"] == leaf.code)
    assert mine["service_name"] == leaf.name and county.housing.name in mine["description"]
    assert mine["group"] == leaf.parent.parent.name

    root = _xml(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "370687"}))
    assert root.tag == "services"
    first = root.find("service")
    assert {child.tag for child in first} >= SERVICE_FIELDS
    assert first.findtext("metadata") in {"true", "false"}


@pytest.mark.django_db
def test_an_unknown_jurisdiction_or_service_is_a_404_in_the_error_format(client, world):
    _, leaf = world
    assert "jurisdiction_id" in _error(
        client.get(f"{BASE}/services.json", {"jurisdiction_id": "999999"}), 404
    )
    _error(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "999999"}), 404, "xml")
    definition = _json(client.get(f"{BASE}/services/{leaf.code}.json"))
    assert definition == {"service_code": leaf.code, "attributes": []}
    root = _xml(client.get(f"{BASE}/services/{leaf.code}.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == leaf.code
    assert "service_code" in _error(client.get(f"{BASE}/services/999999.json"), 404)
    assert client.get(f"{BASE}/services.csv").status_code == 404


def _post(client, leaf, key, fmt="json", **overrides):
    data = {
        "api_key": key,
        "jurisdiction_id": "370687",
        "service_code": leaf.code,
        "address_string": "留格庄镇幸福小区3号楼",
        "description": "楼顶漏水，物业一直不修。",
        "first_name": "小明",
        "last_name": "王",
        "phone": "13912345678",
    }
    data.update(overrides)
    return client.post(f"{BASE}/requests.{fmt}", {k: v for k, v in data.items() if v is not None})


@pytest.mark.django_db
def test_post_creates_a_case_through_the_citizens_submission(client, world, api_key):
    county, leaf = world
    response = _post(client, leaf, api_key)
    assert response.status_code == 200
    (answer,) = _json(response)
    assert {"service_request_id", "service_notice", "account_id"} <= set(answer)
    case = Case.objects.get(number=answer["service_request_id"])
    assert (case.channel, case.content_type, case.category, case.holder_body) == (
        "web",
        "appeal",
        leaf,
        county.office,
    )
    assert case.parties.get().name == "王小明"
    assert answer["tracking_code"] == case.tracking_code and answer["query_password"]
    assert case.public_consent is False  # never published unless the citizen says so
    assert case.events.get().kind == "register"

    root = _xml(_post(client, leaf, api_key, "xml", first_name=None, last_name=None, phone=None))
    assert root.tag == "service_requests"
    number = root.find("request").findtext("service_request_id")
    assert Case.objects.get(number=number).content_type == "suggestion"


@pytest.mark.django_db
def test_post_refusals_use_the_specifications_codes(client, world, api_key):
    _, leaf = world
    assert "api_key" in _error(_post(client, leaf, ""), 403)
    _error(_post(client, leaf, "deadbeef.not-a-key", "xml"), 403, "xml")
    key = Open311Key.objects.get()
    key.revoked = True
    key.save()
    _error(_post(client, leaf, api_key), 403)
    key.revoked = False
    key.save()
    assert "jurisdiction_id" in _error(_post(client, leaf, api_key, jurisdiction_id=None), 400)
    assert "service_code" in _error(_post(client, leaf, api_key, service_code=None), 400)
    _error(_post(client, leaf, api_key, service_code="999999"), 404)
    _error(_post(client, leaf, api_key, address_string=None), 400)
    _error(_post(client, leaf, api_key, phone="12"), 400)
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_requests_are_only_consented_cases_anonymised(client, world):
    county, leaf = world
    shown = register_appeal(
        county,
        category=leaf,
        public_consent=True,
        text="我是张三，电话13800138000，住幸福家园3号楼，顶楼漏水。",
        address="海阳市幸福家园3号楼502室",
    ).case
    hidden = register_appeal(county, title="不公开的事项").case
    report = report_against(county, county.housing, public_consent=True)
    found = _json(client.get(f"{BASE}/requests.json", {"jurisdiction_id": "370687"}))
    assert [r["service_request_id"] for r in found] == [shown.number]
    (r,) = found
    assert REQUEST_FIELDS <= set(r)
    assert r["status"] == "open" and r["service_code"] == leaf.code
    assert W3C.match(r["requested_datetime"]) and W3C.match(r["updated_datetime"])
    text = json.dumps(found, ensure_ascii=False)
    for secret in ("张三", "13800138000", "502室", "370687199001011234"):
        assert secret not in text
    assert "某某" in r["description"]

    for number in (hidden.number, report.number, "XF-000000-20260101-000001"):
        _error(client.get(f"{BASE}/requests/{number}.json"), 404)
    root = _xml(client.get(f"{BASE}/requests/{shown.number}.xml"))
    assert root.tag == "service_requests"
    assert root.find("request").findtext("service_request_id") == shown.number
    assert root.find("request").findtext("status") == "open"


@pytest.mark.django_db
def test_request_filters_follow_the_specification(client, world):
    county, leaf = world
    case = register_appeal(county, category=leaf, public_consent=True).case
    get = lambda **q: client.get(f"{BASE}/requests.json", q)  # noqa: E731
    assert len(_json(get(status="open"))) == 1
    assert _json(get(status="closed")) == []
    assert len(_json(get(service_code=leaf.code))) == 1
    assert len(_json(get(service_request_id=f"{case.number},XF-x"))) == 1
    assert _json(get(start_date="2000-01-01T00:00:00Z", end_date="2000-02-01T00:00:00+08:00")) == []
    assert "start_date" in _error(get(start_date="yesterday"), 400)
    _error(get(status="pending"), 400)
    assert _json(get(jurisdiction_id="370687101")) == []  # the town: the case is the county's
    assert len(_json(get(jurisdiction_id="370600"))) == 1  # the city holds the county
    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    (r,) = _json(get())
    assert r["agency_responsible"] == county.housing.name


@pytest.mark.django_db
def test_the_service_discovery_file_names_the_v2_endpoint(client):
    found = _json(client.get("/open311/discovery.json"))
    (endpoint,) = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = _xml(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]
