"""Hostile input: the public API validates exactly as the portal does, and refuses NUL bytes,
lone surrogates, control characters, oversized bodies and non-object bodies with a 422 (or 413)
in Chinese, never a 500."""

from __future__ import annotations

import io
import json
import unicodedata
from urllib.parse import quote

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.api.test_public_api import PETITION, post
from tests.conftest import register_appeal
from xinfang.cases.models import Case
from xinfang.cases.validation import character_problem, id_check_digit

CHARACTERS = "含有不允许的字符（控制字符或损坏的文本）"


def with_petitioner(**fields) -> dict:
    return dict(PETITION, petitioner={**PETITION["petitioner"], **fields})


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            with_petitioner(phone="abc1380013800xyz<b>"),
            "petitioner.phone",
            "电话号码格式不正确，应为7至12位数字，例如13800138000。",
        ),
        (
            with_petitioner(id_number="ABCDEFGHIJKLMNO"),
            "petitioner.id_number",
            "身份证号码应为18位（最后一位可以是X）。",
        ),
        (
            with_petitioner(id_number="370687199001011234"),
            "petitioner.id_number",
            "身份证号码有误，请逐位核对。",
        ),
        (with_petitioner(email="not-an-email"), "petitioner.email", "请填写有效的电子邮箱地址。"),
    ],
)
def test_the_api_refuses_what_the_portal_refuses(client, county, payload, field, message):
    r = post(client, payload)
    assert r.status_code == 422
    assert r.json()["fields"][field] == [message]
    assert Case.objects.count() == 0


def test_a_valid_id_number_with_its_check_digit_is_accepted(client, county):
    first17 = "37068719900101123"
    r = post(client, with_petitioner(id_number=first17 + id_check_digit(first17)))
    assert r.status_code == 201, r.content


@pytest.mark.parametrize(
    "payload",
    [
        dict(PETITION, petitioner={**PETITION["petitioner"], "name": "张" * 100_000}),
        dict(PETITION, title="x" * 201),
        dict(PETITION, body="长" * 5001),
        dict(PETITION, title=""),
    ],
)
def test_every_field_has_its_limit(client, county, payload):
    r = post(client, payload)
    assert r.status_code in (413, 422)
    assert Case.objects.count() == 0


def test_a_one_megabyte_body_is_refused_before_it_is_read(client, county):
    r = post(client, dict(PETITION, body="x" * 1_000_000))
    assert r.status_code == 413
    assert r.json()["message"] == "请求过大（最多 256 KB）"


@pytest.mark.parametrize("bad", ["\x00", "\ud800", "\x1b[31m", "\x7f"])
def test_control_characters_and_lone_surrogates_are_refused_in_chinese(client, county, bad):
    body = json.dumps(dict(PETITION, title=f"标题{bad}"))  # \ud800 escaped, as a client sends it
    r = client.post("/api/v1/petitions", body, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["fields"]["title"] == [CHARACTERS]
    # In a URL the characters arrive percent-encoded (a lone surrogate as broken UTF-8).
    encoded = quote(bad, errors="surrogatepass")
    r = client.get(f"/api/v1/track/ABC{encoded}DEF", headers={"X-Query-Password": "1"})
    assert r.status_code == 422 and r.json()["message"] == CHARACTERS
    assert Case.objects.count() == 0


def test_tracking_codes_and_query_strings_with_nul_bytes_answer_422(client, county):
    reg = register_appeal(county)
    r = client.get(f"/api/v1/track/{reg.tracking_code}%00", headers={"X-Query-Password": "1"})
    assert r.status_code == 422
    out = io.StringIO()
    call_command("create_api_token", "clerk", stdout=out)
    token = {"Authorization": f"Bearer {out.getvalue().strip()}"}
    for query in ("q=%E6%BC%8F%00", "state=%00", "cursor=%ED%B3%BF", "%00=1"):
        r = client.get(f"/api/v1/cases?{query}", headers=token)
        assert r.status_code == 422, query


def test_a_query_parameter_given_twice_is_refused_not_half_read(client, county):
    out = io.StringIO()
    call_command("create_api_token", "clerk", stdout=out)
    token = {"Authorization": f"Bearer {out.getvalue().strip()}"}
    r = client.get("/api/v1/cases?state=registered&state=routed", headers=token)
    assert r.status_code == 422
    assert r.json()["fields"] == {"state": ["参数 state 只能给出一次"]}
    assert client.get("/api/v1/cases?state=registered", headers=token).status_code == 200


def test_a_json_array_body_and_a_number_date_are_refused(client, county):
    r = client.post("/api/v1/petitions", "[1, 2]", content_type="application/json")
    assert r.status_code == 422 and r.json()["message"] == "请求内容必须是一个 JSON 对象"
    out = io.StringIO()
    call_command("create_api_token", "clerk", stdout=out)
    token = {"Authorization": f"Bearer {out.getvalue().strip()}"}
    r = client.get("/api/v1/cases", {"registered_to": "0"}, headers=token)
    assert r.status_code == 422 and "registered_to" in r.json()["fields"]
    assert (
        client.get("/api/v1/cases", {"registered_to": "2026-03-02"}, headers=token).status_code
        == 200
    )


def test_a_move_with_a_blank_required_text_is_refused(client, county):
    reg = register_appeal(county)
    out = io.StringIO()
    call_command("create_api_token", "clerk", stdout=out)
    token = {"Authorization": f"Bearer {out.getvalue().strip()}"}
    r = client.post(
        f"/api/v1/cases/{reg.case.number}/moves/decline",
        {"reason": "   "},
        content_type="application/json",
        headers=token,
    )
    assert r.status_code == 422


@given(st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0xFFFF)))
@hypothesis_settings(max_examples=300)
def test_the_characters_refused_are_unicode_s_controls_and_surrogates_but_tab_and_line_breaks(
    text,
):
    refused = any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r" for ch in text)
    assert (character_problem(text) is not None) == refused
    for ch in ("\x00", "\x1b", "\x7f", "\x85", "\ud800", "\udfff"):
        assert character_problem(f"{text}{ch}") is not None
    assert character_problem("第一行\n\t第二行\r\n") is None
