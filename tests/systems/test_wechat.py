"""The official account: recorded WeChat payloads (tests/systems/wechat) against the callback,
signatures checked in plain and safe mode; template messages through the outbox with WeChat's
HTTP API answered by recorded replies."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import requests
import time_machine
import xmltodict

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.core import crypto
from xinfang.notify import backends
from xinfang.notify import services as notify
from xinfang.notify.models import Outbox, WechatBinding

HERE = Path(__file__).parent / "wechat"
RECORDED = json.loads((HERE / "requests.json").read_text(encoding="utf-8"))
SENT_AT = dt.datetime.fromtimestamp(int(RECORDED["plain"]["timestamp"]), dt.UTC)
OPENID = RECORDED["openid"]
CODE, PASSWORD = "K7Q2M9X4TB", "2718281828"


@pytest.fixture
def account(settings):
    settings.WECHAT = {
        "APP_ID": RECORDED["app_id"],
        "APP_SECRET": "test-secret",
        "TOKEN": RECORDED["token"],
        "ENCODING_AES_KEY": RECORDED["encoding_aes_key"],
        "TEMPLATE_ID": "tpl-progress",
        "TEMPLATE_URL": "",
        "MAX_SKEW_SECONDS": 300,
    }
    settings.NOTIFY = {
        **settings.NOTIFY,
        "BACKENDS": {"sms": "off", "email": "off", "wechat": "wechat_template"},
    }
    backends._CLIENTS.clear()
    with time_machine.travel(SENT_AT + dt.timedelta(seconds=20), tick=False):
        yield
    backends._CLIENTS.clear()


@pytest.fixture
def case(county, account, monkeypatch):
    """The case the recorded messages name (its code and password as the citizen typed them)."""
    monkeypatch.setattr(crypto, "new_code", lambda length=10: CODE)
    monkeypatch.setattr(crypto, "new_password", lambda length=10: PASSWORD)
    return register_appeal(county).case


def _post(client, name: str, query: str = "plain"):
    return client.post(
        "/wechat/callback?" + "&".join(f"{k}={v}" for k, v in RECORDED[query].items()),
        data=(HERE / name).read_bytes(),
        content_type="text/xml",
    )


def _reply(response) -> dict:
    assert response.status_code == 200
    return xmltodict.parse(response.content)["xml"]


@pytest.mark.django_db
def test_the_server_address_check_answers_echostr_only_when_signed(client, account):
    q = RECORDED["verify"]
    response = client.get("/wechat/callback", q)
    assert response.status_code == 200 and response.content.decode() == q["echostr"]
    assert client.get("/wechat/callback", {**q, "signature": "0" * 40}).status_code == 403
    with time_machine.travel(SENT_AT + dt.timedelta(hours=1), tick=False):
        assert client.get("/wechat/callback", q).status_code == 403  # replayed later


@pytest.mark.django_db
def test_code_and_password_answer_the_state_as_the_portal_shows_it(client, case):
    reply = _reply(_post(client, "text_track.xml"))
    assert reply["ToUserName"] == OPENID and reply["MsgType"] == "text"
    text = reply["Content"]
    assert case.number in text and str(case.state_label) in text
    assert case.holder_body.name in text and "最近进展" in text
    for personal in ("张三", "13800138000", "370687199001011234", "3号楼"):
        assert personal not in text
    assert not WechatBinding.objects.exists()  # tracking alone subscribes to nothing


@pytest.mark.django_db
def test_a_wrong_password_finds_nothing_and_counts_against_the_limit(client, case, settings):
    settings.XINFANG = {**settings.XINFANG, "RATE_LIMITS": {"lookup_code_failures": (2, 86400)}}
    assert "未找到信访事项" in _reply(_post(client, "text_wrong_password.xml"))["Content"]
    _post(client, "text_wrong_password.xml")
    # The limit holds for the right password too, as on the portal.
    text = _reply(_post(client, "text_track.xml"))["Content"]
    assert case.number not in text


@pytest.mark.django_db
def test_a_bad_signature_or_a_stranger_is_refused(client, case):
    bad = {**RECORDED["plain"], "signature": "f" * 40}
    response = client.post(
        "/wechat/callback?" + "&".join(f"{k}={v}" for k, v in bad.items()),
        data=(HERE / "text_track.xml").read_bytes(),
        content_type="text/xml",
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_safe_mode_decrypts_the_message_and_encrypts_the_reply(client, case):
    from wechatpy.crypto import WeChatCrypto

    q = RECORDED["safe"]
    response = _post(client, "safe_text_track.xml", "safe")
    assert response.status_code == 200
    envelope = response.content.decode()
    assert case.number not in envelope  # only ciphertext on the wire
    plain = WeChatCrypto(RECORDED["token"], RECORDED["encoding_aes_key"], RECORDED["app_id"])
    inner = plain.decrypt_message(
        envelope,
        xmltodict.parse(envelope)["xml"]["MsgSignature"],
        q["timestamp"],
        q["nonce"],
    )
    assert case.number in xmltodict.parse(inner)["xml"]["Content"]

    RECORDED["tampered"] = {**q, "msg_signature": "0" * 40}
    assert _post(client, "safe_text_track.xml", "tampered").status_code == 403


@pytest.mark.django_db
def test_following_the_account_gets_the_instructions(client, account):
    assert "查询码" in _reply(_post(client, "event_subscribe.xml"))["Content"]


class Recorded:
    """WeChat's HTTP API, answered from recorded replies in order; every request kept."""

    def __init__(self, *template_replies: dict):
        self.replies = list(template_replies)
        self.requests: list[requests.PreparedRequest] = []

    def send(self, adapter, request, **kwargs):
        self.requests.append(request)
        if "/cgi-bin/token" in request.url:
            body = {"access_token": "ACCESS_TOKEN", "expires_in": 7200}
        else:
            body = self.replies.pop(0)
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.request = request
        response.url = request.url
        return response


def _subscribed(client, case):
    text = _reply(_post(client, "text_subscribe.xml"))["Content"]
    assert "已订阅" in text
    binding = WechatBinding.objects.get()
    assert binding.case == case and crypto.decrypt(binding.openid_enc) == OPENID
    assert OPENID not in binding.openid_enc


@pytest.mark.django_db
def test_subscribers_get_template_messages_through_the_outbox_with_retries(
    client, case, county, monkeypatch
):
    _subscribed(client, case)
    api = Recorded(
        {"errcode": -1, "errmsg": "system error"},
        {"errcode": 0, "errmsg": "ok", "msgid": 200228332},
    )
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter, "send", lambda self, r, **k: api.send(self, r, **k)
    )
    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    row = Outbox.objects.get(channel="wechat")
    assert row.template_key == "routed" and crypto.decrypt(row.recipient_enc) == OPENID

    first = notify.deliver(ids=[row.pk])
    row.refresh_from_db()
    assert (first.retrying, row.status, row.attempts) == (1, Outbox.FAILED, 1)
    with time_machine.travel(SENT_AT + dt.timedelta(hours=1), tick=False):
        second = notify.deliver(ids=[row.pk])
    row.refresh_from_db()
    assert (second.sent, row.status) == (1, Outbox.SENT)

    sends = [r for r in api.requests if "message/template/send" in r.url]
    assert len(sends) == 2 and "access_token=ACCESS_TOKEN" in sends[0].url
    payload = json.loads(sends[-1].body)
    assert payload["touser"] == OPENID and payload["template_id"] == "tpl-progress"
    assert payload["data"]["first"]["value"] == "已转送交办"
    assert county.housing.name in payload["data"]["keyword1"]["value"]
    assert sum("/cgi-bin/token" in r.url for r in api.requests) == 1  # the token is reused


@pytest.mark.django_db
def test_a_user_who_left_the_account_is_not_retried(client, case, county, monkeypatch):
    _subscribed(client, case)
    api = Recorded({"errcode": 43004, "errmsg": "require subscribe"})
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter, "send", lambda self, r, **k: api.send(self, r, **k)
    )
    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    report = notify.deliver()
    row = Outbox.objects.get(channel="wechat")
    assert (report.dead, row.status) == (1, Outbox.DEAD) and "43004" in row.last_error


@pytest.mark.django_db
def test_unsubscribing_stops_the_messages(client, case, county):
    _subscribed(client, case)
    assert "已退订" in _reply(_post(client, "text_unsubscribe.xml"))["Content"]
    assert not WechatBinding.objects.exists()
    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    assert not Outbox.objects.filter(channel="wechat").exists()


def test_recorded_payloads_are_wechat_xml():
    for path in HERE.glob("*.xml"):
        root = ET.fromstring(path.read_bytes())
        assert root.tag == "xml" and root.findtext("ToUserName")


@pytest.mark.django_db
def test_a_data_key_rotation_keeps_subscriptions_working(client, case, county, settings):
    _subscribed(client, case)  # under the key the case was registered with
    before = settings.DATA_KEY or "derived:" + settings.SECRET_KEY
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = "new key for personal data", [before]
    notify.reencrypt_outbox()
    settings.DATA_KEY_PREVIOUS = []
    assert crypto.decrypt(WechatBinding.objects.get().openid_enc) == OPENID
    assert "已退订" in _reply(_post(client, "text_unsubscribe.xml"))["Content"]
    assert not WechatBinding.objects.exists()
