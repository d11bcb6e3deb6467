"""Triage advice on the intake desk (W21, W22): the panel with one-click apply buttons, the
comparison on the check page, and the clerk's choice recorded beside the advice on saving and
routing, shown again on the case pages."""

from __future__ import annotations

import pytest

from tests.desk.test_intake import _media, desk, form_data, save, to_check  # noqa: F401
from xinfang.cases.models import Case
from xinfang.triage.models import Suggestion


def test_the_panel_suggests_a_leaf_with_an_apply_button_and_shows_low_confidence(client, desk):  # noqa: F811
    resp = client.get(
        "/desk/intake/suggest/",
        {"title": "物业管理混乱", "body": "物业管理公司不作为。", "address": "海阳市留格庄镇东村"},
    )
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "城乡建设/住房保障/物业管理" in page
    assert f"/desk/intake/categories/?category={desk.leaf.code}" in page  # one-click apply
    assert "置信度低" in page or "low confidence" in page
    assert 'data-apply-field="id_place" data-apply-value="370687101201"' in page
    assert not Suggestion.objects.exists()  # a GET saves nothing


def test_the_panel_asks_for_text_first(client, desk):  # noqa: F811
    page = client.get("/desk/intake/suggest/").content.decode()
    assert 'id="triage-leaf"' not in page


def test_the_intake_form_loads_the_panel(client, desk):  # noqa: F811
    page = client.get("/desk/intake/").content.decode()
    assert 'id="triage-suggestion"' in page and 'hx-get="/desk/intake/suggest/"' in page


def test_w21_choice_recorded_beside_the_suggestion_on_saving_and_routing(client, desk):  # noqa: F811
    wages = desk.leaf.__class__.objects.get(name="拖欠工资")
    check_url = to_check(
        client,
        desk,
        title="物业管理混乱",
        body="物业管理公司不作为。",
        address="海阳市留格庄镇东村",
        category=wages.code,
    )
    page = client.get(check_url).content.decode()
    assert 'id="triage-suggestion"' in page and "城乡建设/住房保障/物业管理" in page

    save(client, check_url)
    case = Case.objects.get()
    s = Suggestion.objects.get()
    assert s.case == case and s.chosen_by == desk.users["clerk"]
    assert s.leaf_code == desk.leaf.code and s.chosen_leaf_code == wages.code
    assert s.accepted["leaf"] is False and s.accepted["content_type"] is True
    assert s.division_code == desk.village.code and s.chosen_division_code == desk.county.code
    assert case.category == wages  # the advice never changed the case

    route_page = client.get(f"/desk/intake/case/{case.number}/").content.decode()
    assert 'id="triage-recorded"' in route_page
    resp = client.post(
        f"/desk/intake/case/{case.number}/transfer/",
        {"transfer-body": desk.housing.pk, "transfer-version": case.version},
    )
    assert resp.status_code == 302
    s.refresh_from_db()
    assert s.chosen_body == desk.housing

    client.force_login(desk.users["handler"])
    page = client.get(f"/desk/case/{case.number}/").content.decode()
    assert 'id="triage-recorded"' in page and "城乡建设/住房保障/物业管理" in page
    assert "劳动和社会保障/劳动保障/拖欠工资" in page  # what the clerk chose instead


@pytest.mark.parametrize("path", ["/desk/intake/suggest/?title=x"])
def test_only_intake_clerks_get_the_panel(client, desk, path):  # noqa: F811
    client.force_login(desk.users["handler"])
    assert client.get(path).status_code == 403
