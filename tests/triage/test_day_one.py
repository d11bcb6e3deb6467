"""Day-one suggestions (before any model is trained): one source for the intake panel's body
box, the route page and the API, so they never contradict each other; rules from the
taxonomy's own leaf names outrank generic words; the clerk's routing choice is recorded
whatever the channel (W21, W22)."""

from __future__ import annotations

import re

import pytest

from tests.api.test_staff_api import auth, token_for
from tests.conftest import TAXONOMY_CSV, register_appeal
from xinfang.cases import services
from xinfang.orgs.models import Body, BodyKind
from xinfang.taxonomy.models import RoutingRule
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy
from xinfang.triage.models import Suggestion

TITLE = "工伤认定申请半年多没有结果"
BODY = "去年在工地受伤，向单位和人社部门提出工伤认定申请，半年多没有结果。"
ADDRESS = "海阳市留格庄镇东村"
WORK_INJURY = "劳动和社会保障/城镇职工社会保险/职工工伤保险"


@pytest.fixture
def labour(county):
    """The bundled taxonomy; the county's labour bureau answers for labour and social security,
    and a decoy rule routes administrative review to the housing bureau."""
    load_taxonomy(path=TAXONOMY_CSV)
    bureau = Body.objects.create(
        name="海阳市人力资源和社会保障局", kind=BodyKind.DEPARTMENT, division=county.county
    )
    top = leaves().get(full_name=WORK_INJURY).parent.parent
    RoutingRule.objects.create(category=top, division=county.county, body=bureau)
    review = leaves().get(full_name="政法/行政复议/复议申请").parent
    RoutingRule.objects.create(category=review, division=county.county, body=county.housing)
    county.labour = bureau
    county.leaf = leaves().get(full_name=WORK_INJURY)
    return county


def test_the_work_injury_leaf_and_its_body_agree_on_the_panel_the_route_page_and_the_api(
    client, labour
):
    county = labour
    # The API.
    token = token_for(county.users["clerk"])
    data = client.post(
        "/api/v1/triage/suggest",
        {"title": TITLE, "body": BODY, "address": ADDRESS},
        content_type="application/json",
        headers=auth(token),
    ).json()
    assert data["leaf"]["label"] == WORK_INJURY
    assert data["level1"]["value"] == "劳动和社会保障"
    assert (data["body_id"], data["body_name"]) == (county.labour.pk, county.labour.name)

    # The intake panel's body box.
    client.force_login(county.users["clerk"])
    panel = client.get(
        "/desk/intake/suggest/", {"title": TITLE, "body": BODY, "address": ADDRESS}
    ).content.decode()
    leaf_row = panel.split('id="triage-leaf"')[1].split("</tr>")[0]
    body_row = panel.split('id="triage-body"')[1].split("</tr>")[0]
    assert WORK_INJURY in leaf_row
    assert county.labour.name in body_row

    # The route page of the case registered without a category: same body, pre-selected.
    case = register_appeal(county, title=TITLE, text=BODY, address=ADDRESS, place=county.village)
    page = client.get(f"/desk/intake/case/{case.case.number}/").content.decode()
    suggestion = page.split('id="suggestion"')[1].split("</section>")[0]
    assert county.labour.name in suggestion and "职工工伤保险" in suggestion
    assert f'<option value="{county.labour.pk}" selected>' in page
    assert county.housing.name not in suggestion


def test_once_the_clerk_sets_a_category_the_route_page_follows_it(client, labour):
    county = labour
    client.force_login(county.users["clerk"])
    review = leaves().get(full_name="政法/行政复议/复议申请")
    case = register_appeal(county, title=TITLE, text=BODY, category=review).case
    page = client.get(f"/desk/intake/case/{case.number}/").content.decode()
    suggestion = page.split('id="suggestion"')[1].split("</section>")[0]
    assert county.housing.name in suggestion and county.labour.name not in suggestion
    assert f'<option value="{county.housing.pk}" selected>' in page


def test_the_routing_choice_is_recorded_whatever_the_channel(labour):
    """A case registered through a service (no intake page, so no advice shown) and routed
    to another body than suggested: the advice and the choice are both recorded."""
    county = labour
    case = register_appeal(county, title=TITLE, text=BODY, address=ADDRESS).case
    assert not Suggestion.objects.filter(case=case).exists()

    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)

    row = Suggestion.objects.get(case=case)
    assert row.body_id == county.labour.pk  # what the route page suggested
    assert row.leaf_code == county.leaf.code
    assert row.chosen_body_id == county.housing.pk
    assert row.chosen_by == county.users["clerk"]
    assert row.accepted["body"] is False


def test_following_the_suggested_body_is_recorded_as_accepted(labour):
    county = labour
    case = register_appeal(county, title=TITLE, text=BODY, address=ADDRESS).case
    services.transfer(case=case, actor=county.users["clerk"], body=county.labour)
    row = Suggestion.objects.get(case=case)
    assert row.chosen_body_id == county.labour.pk and row.accepted["body"] is True


def test_routing_without_a_taxonomy_still_routes(county):
    case = register_appeal(county).case
    case = services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    assert case.holder_body == county.housing
    row = Suggestion.objects.get(case=case)
    assert row.leaf_code == "" and row.chosen_body_id == county.housing.pk


def test_generic_words_alone_do_not_pick_administrative_review(labour):
    from xinfang.triage import suggest

    advice = suggest.suggest("申请了很久没有结果", "")
    assert advice.leaf is None or not advice.leaf.label.startswith("政法/行政复议")
    advice = suggest.suggest(TITLE, "")
    assert advice.leaf.label == WORK_INJURY
    assert re.fullmatch(r"\d+", advice.leaf.value)
