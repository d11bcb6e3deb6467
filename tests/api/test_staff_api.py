"""Staff API: token auth, lists, moves and their HTTP statuses (DESIGN.md API shape)."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import register_appeal
from xinfang.api.models import ApiToken


def token_for(user) -> str:
    out = io.StringIO()
    call_command("create_api_token", user.username, stdout=out)
    return out.getvalue().strip()


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_token_is_stored_hashed_and_can_be_revoked(client, county):
    token = token_for(county.users["clerk"])
    stored = ApiToken.objects.get()
    assert token not in stored.key_hash and stored.key_hash != token
    assert client.get("/api/v1/cases", headers=auth(token)).status_code == 200
    stored.revoked = True
    stored.save()
    assert client.get("/api/v1/cases", headers=auth(token)).status_code == 401
    assert client.get("/api/v1/cases").status_code == 401


def test_unknown_user_gets_a_clear_command_error(county):
    with pytest.raises(CommandError, match="没有用户名"):
        call_command("create_api_token", "nobody")


def test_list_is_scoped_filtered_and_paginated(client, county):
    for i in range(5):
        register_appeal(county, title=f"事项{i}")
    clerk = auth(token_for(county.users["clerk"]))
    page = client.get("/api/v1/cases?limit=2", headers=clerk).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    seen = [c["number"] for c in page["items"]]
    while page["next_cursor"]:
        page = client.get(
            f"/api/v1/cases?limit=2&cursor={page['next_cursor']}", headers=clerk
        ).json()
        seen += [c["number"] for c in page["items"]]
    assert len(seen) == len(set(seen)) == 5
    assert client.get("/api/v1/cases?state=accepted", headers=clerk).json()["items"] == []
    handler = auth(token_for(county.users["handler"]))
    assert client.get("/api/v1/cases", headers=handler).json()["items"] == []


def test_moves_listed_and_made_with_the_right_statuses(client, county):
    reg = register_appeal(county)
    number = reg.case.number
    clerk = auth(token_for(county.users["clerk"]))
    handler = auth(token_for(county.users["handler"]))
    moves = client.get(f"/api/v1/cases/{number}/moves", headers=clerk).json()
    names = {m["name"] for m in moves["moves"]}
    assert {"transfer", "assign", "decline", "redirect_to_legal_channel"} <= names
    assert "accept" not in names  # accepting is for the handling body's handler or head
    # 404 for a case the handler cannot see yet (same as missing).
    r = client.post(
        f"/api/v1/cases/{number}/moves/accept", {}, content_type="application/json", headers=handler
    )
    assert r.status_code == 404
    r = client.post(
        f"/api/v1/cases/{number}/moves/transfer",
        {"body": county.housing.pk},
        content_type="application/json",
        headers=clerk,
    )
    assert r.status_code == 200 and r.json()["state"] == "transferred"
    version = r.json()["version"]
    # 403: the clerk may see the case but not accept for the housing bureau.
    r = client.post(
        f"/api/v1/cases/{number}/moves/accept", {}, content_type="application/json", headers=clerk
    )
    assert r.status_code == 403
    # 409: stale version.
    r = client.post(
        f"/api/v1/cases/{number}/moves/accept",
        {"expected_version": version - 1},
        content_type="application/json",
        headers=handler,
    )
    assert r.status_code == 409 and r.json()["code"] == "stale_version"
    r = client.post(
        f"/api/v1/cases/{number}/moves/accept",
        {"expected_version": version},
        content_type="application/json",
        headers=handler,
    )
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    # 409: not allowed now.
    r = client.post(
        f"/api/v1/cases/{number}/moves/accept", {}, content_type="application/json", headers=handler
    )
    assert r.status_code == 409 and r.json()["code"] == "move_not_allowed"
    # 422: invalid payload, with a message per field.
    r = client.post(
        f"/api/v1/cases/{number}/moves/request_extension",
        {"days": 45, "reason": "调查"},
        content_type="application/json",
        headers=handler,
    )
    assert r.status_code == 422 and "days" in r.json()["fields"]
    r = client.post(
        f"/api/v1/cases/{number}/moves/decide",
        {"decision": "support"},
        content_type="application/json",
        headers=handler,
    )
    assert r.status_code == 422 and set(r.json()["fields"]) == {"facts", "reasons"}
    r = client.post(
        f"/api/v1/cases/{number}/moves/fly", {}, content_type="application/json", headers=handler
    )
    assert r.status_code == 404


def test_case_detail_masks_parties(client, county):
    reg = register_appeal(county)
    clerk = auth(token_for(county.users["clerk"]))
    data = client.get(f"/api/v1/cases/{reg.case.number}", headers=clerk).json()
    party = data["parties"][0]
    assert party["name"] == "张**" and party["phone"] == "138****8000"
    assert "370687199001011234" not in str(data)
    assert data["timeline"][0]["kind"] == "register"


def test_report_identity_hidden_from_the_office(client, county):
    from xinfang.cases import services

    reg = register_appeal(
        county, content_type="report", accused_body=county.housing, title="反映某局干部违规收费"
    )
    clerk = auth(token_for(county.users["clerk"]))
    data = client.get(f"/api/v1/cases/{reg.case.number}", headers=clerk).json()
    assert data["parties"] == [] and data["identity_hidden"] is True
    accused = auth(token_for(county.users["head"]))
    assert client.get(f"/api/v1/cases/{reg.case.number}", headers=accused).status_code == 404
    r = client.post(
        f"/api/v1/cases/{reg.case.number}/moves/transfer",
        {"body": county.housing.pk},
        content_type="application/json",
        headers=clerk,
    )
    assert r.status_code == 422
    services.transfer(case=reg.case, actor=county.users["clerk"], body=county.discipline)
    disc = auth(token_for(county.users["discipline_handler"]))
    data = client.get(f"/api/v1/cases/{reg.case.number}", headers=disc).json()
    assert data["parties"][0]["name"] == "张**"


def test_every_move_has_its_own_documented_operation(client):
    """One operation per move, its payload schema drawn from the move's declared inputs."""
    from xinfang.cases import workflow

    spec = client.get("/api/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for move in workflow.MOVES.values():
        op = spec["paths"][f"/api/v1/cases/{{number}}/moves/{move.name}"]["post"]
        assert {"200", "403", "404", "409", "422"} <= set(op["responses"]), move.name
        ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schema = schemas[ref.rsplit("/", 1)[1]]
        assert set(schema["properties"]) == {f.name for f in move.fields} | {"expected_version"}
        required = {f.name for f in move.fields if f.required}
        assert set(schema.get("required", [])) == required, move.name
        assert schema["additionalProperties"] is False
