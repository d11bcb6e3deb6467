"""The admin is where a deployment configures itself, in Chinese."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from xinfang.core.models import Holiday

CONFIG_MODELS = [
    ("orgs", "division", "行政区划"),
    ("orgs", "body", "单位"),
    ("orgs", "membership", "人员岗位"),
    ("taxonomy", "category", "内容分类"),
    ("taxonomy", "routingrule", "交转规则"),
    ("core", "holiday", "节假日"),
    ("cases", "periodsetting", "期限设置"),
]


@pytest.fixture
def admin_client(client, county):
    user = get_user_model().objects.create_superuser("root", password="pw-root-123")
    client.force_login(user)
    return client


@pytest.mark.parametrize(("app", "model", "title"), CONFIG_MODELS)
def test_every_configuration_list_opens_in_chinese(admin_client, app, model, title):
    response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200
    assert title in response.content.decode()


@pytest.mark.parametrize(("app", "model", "title"), CONFIG_MODELS[:3] + CONFIG_MODELS[4:])
def test_every_configuration_add_form_opens(admin_client, app, model, title):
    response = admin_client.get(reverse(f"admin:{app}_{model}_add"))
    assert response.status_code == 200


def test_admin_adds_a_2027_holiday(admin_client):
    response = admin_client.post(
        reverse("admin:core_holiday_add"),
        {"date": "2027-01-01", "name": "元旦", "is_workday": ""},
    )
    assert response.status_code == 302
    assert Holiday.objects.get(date="2027-01-01").is_workday is False


def test_holiday_list_shows_the_statutory_days_and_which_years_are_provisional(admin_client):
    """STATUTE.md, Counting periods: the fixed days of 2027 are listed before any row is entered;
    the year is provisional until its schedule is."""
    url = reverse("admin:core_holiday_changelist")
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        page = admin_client.get(url).content.decode()
        box = page[page.index('id="statutory-days"') :]
        row_2027 = box[box.index("2027") : box.index("2028")]
        assert "春节 2月5日—2月8日" in row_2027 and "中秋节 9月15日" in row_2027
        assert "暂定" in row_2027
        Holiday.objects.create(date=dt.date(2027, 2, 9), name="春节")
        page = admin_client.get(url).content.decode()
        box = page[page.index('id="statutory-days"') :]
        assert "暂定" not in box[box.index("2027") : box.index("2028")]


def test_cases_cannot_be_edited_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:cases_case_add"))
    assert response.status_code == 403


def test_admin_index_speaks_chinese(admin_client):
    body = admin_client.get(reverse("admin:index")).content.decode()
    assert "组织机构" in body and "系统配置" in body


def test_openapi_docs_are_served(client, db):
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Xinfang API"
    assert client.get("/api/v1/health").json()["status"] == "ok"


def test_health_answers_503_when_the_data_key_does_not_open_the_stored_data(
    client, registered, settings, caplog
):
    from xinfang.core import crypto

    assert client.get("/api/v1/health").json() == {
        "status": "ok",
        "data_key": "ok",
        "message": "运行正常",
    }
    settings.DATA_KEY = "another key entirely"
    crypto._warn_wrong_key.cache_clear()
    resp = client.get("/api/v1/health")
    assert resp.status_code == 503
    assert resp.json()["data_key"] == "mismatch" and "数据密钥" in resp.json()["message"]
    # Reading a party with the wrong key shows nothing, and says why in the log.
    party = registered.case.parties.get()
    with caplog.at_level("ERROR", logger="xinfang.crypto"):
        assert party.name == ""
    assert "XINFANG_DATA_KEY does not match" in caplog.text
