"""Field work on a phone: a citizen adds material on the tracking page; a grid worker confirms the
round with nothing found and records a matter with a photo and a pin."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.browser.conftest import login
from tests.conftest import build_county, register_appeal
from tests.fieldwork.helpers import PDF, jpeg_with_gps
from xinfang.cases.fieldwork_models import GridRound
from xinfang.cases.models import Attachment, CaseEvent, GridItem

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/shots-fieldwork")


@pytest.fixture
def county(transactional_db):
    return build_county()


def _shot(page, shot, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    shot(page, name)


def test_citizen_adds_material_on_a_phone(live_server, county, phone_page, shot, tmp_path):
    reg = register_appeal(county)
    page = phone_page
    page.goto(f"{live_server.url}/track/")
    page.get_by_label("查询码").fill(reg.tracking_code)
    page.get_by_label("查询密码").fill(reg.query_password)
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(f"**/track/{reg.case.number}/")
    page.get_by_label("留言或补充材料").fill("补充：物业维修记录和现场照片。")
    pdf = tmp_path / "维修记录.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("#id_files", str(pdf))
    _shot(page, shot, "citizen-material-form")
    page.get_by_role("button", name="提交补充材料").click()
    page.wait_for_url(f"**/track/{reg.case.number}/")
    assert page.get_by_text("补充材料已提交，已通知办理单位。").is_visible()
    assert page.get_by_text("您补充了材料。").is_visible()
    _shot(page, shot, "citizen-material-done")
    assert CaseEvent.objects.filter(case=reg.case, kind="add_material").count() == 1
    assert Attachment.objects.filter(case=reg.case).count() == 1
    # Nothing on the page scrolls sideways at phone width.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_grid_worker_confirms_a_round_and_records_a_matter_on_a_phone(
    live_server, county, phone_page, shot, tmp_path
):
    page = phone_page
    login(page, live_server, "grid", "pw-grid")
    page.goto(f"{live_server.url}/desk/field/")
    _shot(page, shot, "grid-field-page")
    page.get_by_label("未发现问题").check()
    page.get_by_role("button", name="确认排查").click()
    page.wait_for_url("**/desk/field/")
    assert page.get_by_text("已确认：未发现问题。").is_visible()
    assert GridRound.objects.get().nothing_found

    form = page.locator("form[action='/desk/field/item/']")
    form.locator("#id_kind").select_option(index=1)
    form.locator("#id_title").fill("村口小桥栏杆松动")
    form.locator("#id_description").fill("东侧栏杆松动，有坠落危险。")
    form.locator("#id_place").select_option(label="东村")
    form.locator("#id_responsible_person").fill("村主任")
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    form.locator("#id_due_on").fill(due)
    photo = tmp_path / "bridge.jpg"
    photo.write_bytes(jpeg_with_gps())
    form.get_by_label("现场照片").set_input_files(str(photo))
    form.get_by_label("问题位置纬度").fill("36.683333")
    form.get_by_label("问题位置经度").fill("121.150000")
    _shot(page, shot, "grid-item-form")
    form.get_by_role("button", name="登记").click()
    page.wait_for_url("**/desk/grid/*/")
    item = GridItem.objects.get()
    assert item.photos.count() == 1 and str(item.latitude) == "36.683333"
    image = page.locator("img[alt^='现场照片']")
    # The photo arrives after the page: wait until it has loaded, then read its size.
    image.wait_for()
    page.wait_for_function(
        "() => { const i = document.querySelector(\"img[alt^='现场照片']\");"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert image.evaluate("img => img.naturalWidth") == 40
    _shot(page, shot, "grid-item-page")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_village_agent_files_on_a_phone_and_overseer_sees_rounds(
    live_server, county, phone_page, shot
):
    from tests.fieldwork.helpers import agent
    from xinfang.cases.models import Case

    agent("agent", county.village_committee)
    page = phone_page
    login(page, live_server, "agent", "pw-agent")
    page.goto(f"{live_server.url}/desk/agent/")
    page.get_by_label("村民姓名").fill("王大爷")
    page.get_by_label("村民手机号码").fill("13700137000")
    page.locator("#id_title").fill("村道路灯坏了三个月")
    page.get_by_label("村民反映的问题和诉求").fill("村东头路灯不亮，夜里出行不便。")
    _shot(page, shot, "agent-form")
    page.get_by_role("button", name="提交代办").click()
    page.wait_for_url("**/receipt/")
    case = Case.objects.get(filed_by__username="agent")
    assert page.get_by_text(case.tracking_code).first.is_visible()
    _shot(page, shot, "agent-receipt")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    login(page, live_server, "supervisor", "pw-supervisor")
    page.goto(f"{live_server.url}/desk/field/rounds/")
    assert page.get_by_text(county.village_committee.name).first.is_visible()
    _shot(page, shot, "rounds-page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
