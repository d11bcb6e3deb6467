"""POST /api/v1/triage/suggest: staff token only; advice with confidences and low-confidence
flags (DESIGN.md API shape)."""

from tests.api.test_staff_api import auth, token_for
from tests.conftest import TAXONOMY_CSV
from xinfang.taxonomy.models import RoutingRule
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy
from xinfang.triage.models import Suggestion

URL = "/api/v1/triage/suggest"
PAYLOAD = {
    "title": "举报小区物业服务乱收费",
    "body": "物业公司服务很差，物业服务费却年年涨。",
    "address": "海阳市留格庄镇东村",
}


def test_suggest_refuses_a_request_without_a_token(client, county):
    response = client.post(URL, PAYLOAD, content_type="application/json")
    assert response.status_code == 401
    response = client.post(
        URL, PAYLOAD, content_type="application/json", headers=auth("xf_bad.token")
    )
    assert response.status_code == 401


def test_suggest_returns_the_advice_with_confidences_and_flags(client, county):
    load_taxonomy(path=TAXONOMY_CSV)
    leaf = leaves().get(name="物业服务")
    RoutingRule.objects.create(category=leaf, division=county.town, body=county.town_gov)
    token = token_for(county.users["clerk"])

    response = client.post(URL, PAYLOAD, content_type="application/json", headers=auth(token))
    assert response.status_code == 200
    data = response.json()
    assert data["content_type"]["value"] == "report"
    assert data["leaf"]["value"] == leaf.code
    assert data["leaf"]["label"] == "城乡建设/住房保障与房地产/物业服务"
    assert data["leaf"]["source"] == "rules"
    assert 0 < data["leaf"]["confidence"] < 1
    assert data["leaf"]["low_confidence"] is True and data["low_confidence"] is True
    assert data["level1"]["value"] == "城乡建设"
    assert data["place"]["code"] == county.village.code and data["place"]["how"] == "address"
    assert data["body_id"] == county.town_gov.pk and data["body_name"] == "留格庄镇人民政府"
    assert data["threshold"] == 0.6
    assert not Suggestion.objects.exists()  # the API advises; it records nothing
