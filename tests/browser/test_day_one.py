"""Day-one suggestions in chromium: the intake panel's body box and the route page name the same
category and body for a work-injury letter, and the route page has that body pre-selected."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login
from tests.conftest import TAXONOMY_CSV, build_county, register_appeal
from xinfang.orgs.models import Body, BodyKind
from xinfang.taxonomy.models import RoutingRule
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy
from xinfang.triage.suggest import keyword_rules

pytestmark = pytest.mark.browser

TITLE = "工伤认定申请半年多没有结果"
BODY = "去年在工地受伤，向单位和人社部门提出工伤认定申请，半年多没有结果。"


@pytest.fixture
def labour_desk(transactional_db):
    county = build_county()
    load_taxonomy(path=TAXONOMY_CSV)
    bureau = Body.objects.create(
        name="海阳市人力资源和社会保障局", kind=BodyKind.DEPARTMENT, division=county.county
    )
    top = leaves().get(name="职工工伤保险").parent.parent
    RoutingRule.objects.create(category=top, division=county.county, body=bureau)
    county.labour = bureau
    # The first suggestion of a process loads jieba and builds the rules: done here, not
    # inside the page's wait.
    keyword_rules()
    return county


@pytest.mark.parametrize("page_fixture", ["desktop_page", "phone_page"])
def test_panel_and_route_page_agree_on_the_work_injury_leaf_and_body(
    live_server, request, shot, labour_desk, page_fixture
):
    county = labour_desk
    page = request.getfixturevalue(page_fixture)
    login(page, live_server, "clerk", "pw-clerk")
    page.goto(f"{live_server.url}/desk/intake/")
    page.fill("#id_title", TITLE)
    page.fill("#id_body", BODY)
    page.locator("#id_body").dispatch_event("change")
    leaf_row = page.locator("#triage-leaf")
    leaf_row.wait_for()
    assert "职工工伤保险" in leaf_row.inner_text()
    page.locator("#triage-body", has_text=county.labour.name).wait_for()
    shot(page, "1-panel")

    case = register_appeal(county, title=TITLE, text=BODY, address="海阳市留格庄镇东村").case
    page.goto(f"{live_server.url}/desk/intake/case/{case.number}/")
    suggestion = page.locator("#suggestion").inner_text()
    assert county.labour.name in suggestion and "职工工伤保险" in suggestion
    selected = page.locator("#move-transfer select[name$='body'] option:checked").inner_text()
    assert selected.strip() == county.labour.name
    shot(page, "2-route")
