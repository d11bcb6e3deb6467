"""/desk/alerts/: the alerts of the reader's area, each opening its cases; a supervisor
acknowledges and closes with a note; analysts read; staff of other areas see nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from xinfang.insights import fold
from xinfang.insights.alerts import jobs
from xinfang.insights.models import Alert
from xinfang.orgs.models import Body, BodyKind, Division, Level, Membership

from .conftest import W0, W1, W2, W3, register_on

pytestmark = pytest.mark.usefixtures("alert_settings")


@pytest.fixture
def alert(county, housing_quality):
    leak = housing_quality["leak"]
    register_on(county, W0, category=leak, i=0)
    register_on(county, W1, category=leak, i=1)
    cases = [
        register_on(county, W2 + dt.timedelta(days=i % 5), category=leak, i=2 + i) for i in range(6)
    ]
    fold.rebuild()
    jobs.warn_issues(today=W3, send=False)
    return Alert.objects.get(), cases


def _user(name, body, role):
    user = get_user_model().objects.create_user(name, password="pw")
    Membership.objects.create(user=user, body=body, role=role)
    return user


def test_the_supervisor_sees_the_alert_and_its_cases(client, county, alert):
    a, cases = alert
    client.force_login(county.users["supervisor"])
    page = client.get("/desk/alerts/").content.decode()
    assert "留格庄镇 · 房屋质量" in page and "高于常态" in page
    assert 'href="/desk/alerts/' in page and "预警线" in page
    detail = client.get(f"/desk/alerts/{a.pk}/").content.decode()
    for case in cases:
        assert case.number in detail
    assert "确认收悉" in detail  # the acknowledge button


def test_acknowledge_then_close_with_a_note(client, county, alert):
    a, _cases = alert
    client.force_login(county.users["supervisor"])
    r = client.post(
        f"/desk/alerts/{a.pk}/handle/", {"status": "acknowledged", "note": "已派人核实"}
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.note, a.handled_by) == (
        Alert.ACKNOWLEDGED,
        "已派人核实",
        county.users["supervisor"],
    )
    # Closing without a note is refused in plain words.
    page = client.post(
        f"/desk/alerts/{a.pk}/handle/", {"status": "closed", "note": " "}, follow=True
    )
    assert "关闭前请写明" in page.content.decode()
    a.refresh_from_db()
    assert a.status == Alert.ACKNOWLEDGED
    client.post(f"/desk/alerts/{a.pk}/handle/", {"status": "closed", "note": "开发商已统一维修"})
    a.refresh_from_db()
    assert a.status == Alert.CLOSED and a.note == "开发商已统一维修"
    assert "开发商已统一维修" not in client.get("/desk/alerts/").content.decode()  # open only
    assert "开发商已统一维修" in client.get("/desk/alerts/?show=closed").content.decode()


def test_analysts_read_but_do_not_act(client, county, alert):
    a, _cases = alert
    analyst = _user("analyst", county.office, "analyst")
    client.force_login(analyst)
    assert "房屋质量" in client.get("/desk/alerts/").content.decode()
    assert "确认收悉" not in client.get(f"/desk/alerts/{a.pk}/").content.decode()
    client.post(f"/desk/alerts/{a.pk}/handle/", {"status": "acknowledged", "note": "x"})
    a.refresh_from_db()
    assert a.status == Alert.NEW


def test_other_areas_and_other_roles_see_nothing(client, county, alert):
    a, _cases = alert
    other = Division.objects.create(
        code="370685", name="招远市", level=Level.COUNTY, parent=county.city
    )
    office = Body.objects.create(name="招远市信访局", kind=BodyKind.PETITION_OFFICE, division=other)
    client.force_login(_user("elsewhere", office, "supervisor"))
    assert "房屋质量" not in client.get("/desk/alerts/").content.decode()
    assert client.get(f"/desk/alerts/{a.pk}/").status_code == 404
    assert (
        client.post(f"/desk/alerts/{a.pk}/handle/", {"status": "closed", "note": "x"}).status_code
        == 404
    )
    client.force_login(county.users["handler"])
    assert client.get("/desk/alerts/").status_code == 403
