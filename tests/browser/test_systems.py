"""An administrator makes an Open311 key; a partner's app posts a request with it; the citizen
follows that case on the portal with the code and password the app was given. The public
requests list shows a consented case anonymised."""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import TAXONOMY_CSV, build_county, register_appeal
from xinfang.cases.models import Case
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-systems")


def _keep(path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def test_a_partner_app_submits_through_open311_and_the_citizen_tracks_it(
    live_server, desktop_page, phone_page, shot
):
    from django.contrib.auth import get_user_model

    county = build_county()
    load_taxonomy(path=TAXONOMY_CSV)
    leaf = leaves().filter(full_name__contains="物业").first()
    get_user_model().objects.create_superuser("root", password="pw-root-admin")
    page = desktop_page
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-root-admin")
    page.click("[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"{live_server.url}/admin/channels/open311key/add/")
    page.fill("#id_name", "海阳市民通 App")
    page.click("[name=_save]")
    message = page.inner_text(".messagelist")
    key = re.search(r"([0-9a-f]{8}\.[\w-]+)", message).group(1)
    _keep(shot(page, "1-key-made"))

    data = urllib.parse.urlencode(
        {
            "api_key": key,
            "jurisdiction_id": "370687",
            "service_code": leaf.code,
            "address_string": "留格庄镇幸福小区3号楼",
            "description": "楼顶漏水，物业一直不修。",
            "last_name": "王",
            "first_name": "小明",
            "phone": "13912345678",
        }
    ).encode()
    with urllib.request.urlopen(f"{live_server.url}/open311/v2/requests.json", data) as r:
        (answer,) = json.loads(r.read())
    case = Case.objects.get(number=answer["service_request_id"])
    assert case.holder_body == county.office

    page = phone_page
    page.goto(f"{live_server.url}/track/")
    page.get_by_label("查询码").fill(answer["tracking_code"])
    page.get_by_label("查询密码").fill(answer["query_password"])
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_url(f"**/track/{case.number}/")
    assert "您的信访事项已收到并登记" in page.inner_text("main")
    _keep(shot(page, "2-tracked-on-phone"))

    shown = register_appeal(
        county, category=leaf, public_consent=True, text="我是张三，电话13800138000，顶楼漏水。"
    ).case
    page.goto(f"{live_server.url}/open311/v2/requests.xml?jurisdiction_id=370687")
    text = page.content()
    assert shown.number in text and "张三" not in text and "13800138000" not in text
    assert case.number not in text  # not consented
    _keep(shot(page, "3-requests-xml"))
