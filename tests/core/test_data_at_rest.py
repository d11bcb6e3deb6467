"""Personal data at rest: sessions, attachments and notices are encrypted with the data key and
opened only through the permission-checked views; masked names do not tell their length."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore as PlainSessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.core import crypto
from xinfang.core.storage import ENCRYPTED_MAGIC

SCAN = b"\xff\xd8\xff\xe0 ID card scan of 370687199001011234"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def fernet(value: str) -> str:
    """A value as it was written before sealing: a Fernet token under the current key."""
    return crypto._fernet(crypto._key_material()).encrypt(value.encode()).decode()


def raw_sessions() -> list[str]:
    return list(Session.objects.values_list("session_data", flat=True))


def readable_by_django(data: str) -> dict:
    """What Django's own (signed, not encrypted) session store makes of a stored row."""
    return PlainSessionStore().decode(data)


def test_the_citizens_receipt_is_kept_nowhere_on_the_server_and_sealed_in_the_browser(
    client, county
):
    from xinfang.portal import browser_pass

    form = {
        "content_type": "appeal",
        "division_code": [county.county.code],
        "title": "小区路灯坏了",
        "body": "东门路灯一直不亮。",
        "name": "王小明",
        "phone": "13700137000",
    }
    resp = client.post("/submit/", form)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    assert not raw_sessions()
    cookie = client.cookies[browser_pass.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    held = browser_pass._opened(cookie.value).receipt  # opened with the data key only
    # Only what the case cannot give back: the rest of the receipt is read from the case.
    assert set(held) == {"case_id", "tracking_code", "password", "at"}
    assert held["password"] not in cookie.value and held["tracking_code"] not in cookie.value
    assert crypto.unseal(cookie.value) is None  # not a session's seal: bound to its purpose
    page = client.get(resp.url).content.decode()
    assert held["password"] in page and held["tracking_code"] in page
    assert held["password"] not in client.get(resp.url).content.decode()  # once


def test_an_intake_draft_is_not_readable_in_the_session_table(client, county):
    client.force_login(county.users["clerk"])
    data = {
        "channel": "visit",
        "content_type": "appeal",
        "place": county.county.code,
        "title": "物业公司不履行维修义务",
        "body": "楼道灯坏了三个月，物业一直不修。",
        "name": "王小明",
        "phone": "13700137000",
        "id_number": "370687199001011234",
    }
    resp = client.post("/desk/intake/", data)
    assert resp.status_code == 302 and "/desk/intake/check/" in resp.url
    assert "王小明" in client.get(resp.url).content.decode()  # the clerk's page reads it
    for row in raw_sessions():
        assert readable_by_django(row) == {}
        plain = crypto.unseal(row)
        assert plain is not None  # it is the data key that opens it


def test_attachments_are_encrypted_on_disk_and_served_plain_to_who_may_open_them(
    client, county, settings
):
    case = register_appeal(
        county, attachments=[services.AttachmentInput(name="身份证.jpg", content=SCAN)]
    ).case
    att = case.attachments.get()
    on_disk = (Path(settings.MEDIA_ROOT) / att.file.name).read_bytes()
    assert on_disk.startswith(ENCRYPTED_MAGIC)
    assert b"370687199001011234" not in on_disk and b"\xff\xd8\xff" not in on_disk
    assert att.size == len(SCAN) and att.mime_type == "image/jpeg"
    client.force_login(county.users["clerk"])
    resp = client.get(f"/desk/case/{case.number}/files/{att.pk}/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == SCAN
    # Someone who may not see the case gets nothing.
    client.force_login(county.users["land_handler"])
    assert client.get(f"/desk/case/{case.number}/files/{att.pk}/").status_code == 404


def test_files_stored_before_encryption_are_sealed_by_the_command(client, county, settings):
    case = register_appeal(
        county, attachments=[services.AttachmentInput(name="信件.pdf", content=b"%PDF-1.4 old")]
    ).case
    att = case.attachments.get()
    path = Path(settings.MEDIA_ROOT) / att.file.name
    path.write_bytes(b"%PDF-1.4 old")  # as an installation before encryption left it
    client.force_login(county.users["clerk"])
    url = f"/desk/case/{case.number}/files/{att.pk}/"
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 old"  # still served
    call_command("encrypt_media")
    assert path.read_bytes().startswith(ENCRYPTED_MAGIC)
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 old"
    before = path.read_bytes()
    call_command("encrypt_media")  # again: nothing left to do
    assert path.read_bytes() == before


def test_files_are_resealed_under_a_new_key(county, settings):
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = "old key", []
    case = register_appeal(
        county, attachments=[services.AttachmentInput(name="信件.pdf", content=b"%PDF-1.4 x")]
    ).case
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = "new key", ["old key"]
    call_command("encrypt_media", "--rotate")
    settings.DATA_KEY_PREVIOUS = []
    with case.attachments.get().file.open("rb") as fh:
        assert fh.read() == b"%PDF-1.4 x"


def test_masked_names_do_not_tell_their_length():
    assert crypto.mask_name("张三") == crypto.mask_name("张三丰") == "张**"
    assert len(crypto.mask_name("欧阳娜娜")) == len(crypto.mask_name("李四")) == 3


def test_a_session_is_its_json_sealed_and_rows_written_before_still_open(db):
    from django.contrib.sessions.backends.base import SessionBase

    from xinfang.core.sessions import SessionStore

    store = SessionStore()
    store["portal_cases"] = [7]
    store.save()
    (row,) = raw_sessions()
    # Encrypted and authenticated with the data key, without Django's signature inside.
    assert row.startswith(crypto.SEALED) and "portal_cases" not in row
    assert crypto.unseal(row) == '{"portal_cases":[7]}'
    assert SessionStore(store.session_key)["portal_cases"] == [7]
    # Rows of the earlier kinds: a Fernet token of the JSON, and of the signed value.
    assert SessionStore().decode(fernet('{"portal_cases":[9]}')) == {"portal_cases": [9]}
    earlier = fernet(SessionBase.encode(store, {"portal_cases": [8]}))
    assert SessionStore().decode(earlier) == {"portal_cases": [8]}
    assert SessionStore().decode(fernet("{not json")) == {}
    # Personal data is sealed for its own use: a column's value is no session.
    assert SessionStore().decode(crypto.encrypt('{"portal_cases":[6]}')) == {}


def test_a_sealed_session_altered_or_under_an_unlisted_key_is_simply_not_there(db, settings):
    from xinfang.core.sessions import SessionStore

    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = "old data key " * 3, []
    row = SessionStore().encode({"portal_cases": [7]})
    assert row != SessionStore().encode({"portal_cases": [7]})  # a fresh nonce each time
    body = row[len(crypto.SEALED) :]
    flipped = body[:-6] + ("A" if body[-6] != "A" else "B") + body[-5:]
    assert SessionStore().decode(crypto.SEALED + flipped) == {}
    assert SessionStore().decode(crypto.SEALED + "not base64 at all!") == {}
    assert SessionStore().decode(crypto.SEALED + body[:20]) == {}
    # A new key with the old one listed still opens it; without the old one it is gone.
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = "new data key " * 3, ["old data key " * 3]
    assert SessionStore().decode(row) == {"portal_cases": [7]}
    settings.DATA_KEY_PREVIOUS = []
    assert SessionStore().decode(row) == {}
    # The sealing key is not the Fernet key: a Fernet token under the same key is not sealed.
    assert crypto.unseal(fernet("x")) is None


def test_personal_data_is_sealed_for_its_use_and_earlier_fernet_values_still_open(db, county):
    from xinfang.cases.models import Party

    reg = register_appeal(county)
    stored = Party.objects.filter(case=reg.case).values_list("name_enc", "phone_enc").get()
    assert all(v.startswith(crypto.SEALED) for v in stored)
    assert "张三" not in stored[0] and crypto.decrypt(stored[0]) == "张三"
    assert crypto.decrypt(crypto.encrypt("王小明")) == "王小明"
    assert crypto.encrypt("王小明") != crypto.encrypt("王小明")  # a fresh nonce each time
    # Sealed for another use (a session, the citizen's pass) it does not open as a column.
    assert crypto.decrypt(crypto.seal("王小明")) == ""
    assert crypto.unseal(crypto.encrypt("王小明")) is None
    # Written before sealing: Fernet tokens, read as they are until rotate_data_key rewrites them.
    Party.objects.filter(case=reg.case).update(name_enc=fernet("李四"))
    assert Party.objects.get(case=reg.case).name == "李四"
    body = stored[1][len(crypto.SEALED) :]
    altered = crypto.SEALED + body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    assert crypto.decrypt(altered) == "" and not crypto.decrypts(altered)


def test_a_new_session_key_is_160_random_bits_in_djangos_key_alphabet():
    from xinfang.core.sessions import SessionStore

    keys = {SessionStore()._get_new_session_key() for _ in range(50)}
    assert len(keys) == 50
    assert all(re.fullmatch(r"[0-9a-f]{40}", key) for key in keys)
    field = SessionStore.get_model_class()._meta.get_field("session_key")
    assert field.max_length == 40
