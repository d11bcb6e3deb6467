"""A data-key change: old data stays readable under the previous key, rotate_data_key rewrites it
under the new one, and petitioners' query passwords keep working."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import register_appeal
from xinfang.cases.models import Party
from xinfang.cases.selectors import case_get_for_citizen, open_cases_of_petitioner
from xinfang.cases.services import open_for_citizen
from xinfang.core import crypto
from xinfang.core.errors import NotFound
from xinfang.notify.models import Outbox

OLD, NEW = "old key for personal data", "new key for personal data"


@pytest.fixture
def old_key(settings):
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = OLD, []
    return settings


def _readable_with(settings, key: str, previous=()) -> str:
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = key, list(previous)
    return Party.objects.get().name


def test_rotation_rewrites_personal_data_under_the_new_key(old_key, county):
    reg = register_appeal(county)  # 张三, phone 13800138000, written with the old key
    settings = old_key
    assert _readable_with(settings, NEW) == ""  # the new key alone cannot read it
    # New key configured, old one listed: everything still reads and finds.
    assert _readable_with(settings, NEW, [OLD]) == "张三"
    assert list(open_cases_of_petitioner(user=county.users["clerk"], phone="138 0013 8000")) == [
        reg.case
    ]
    call_command("rotate_data_key")
    # Now the new key alone reads it, and the petitioner is found by phone and ID number.
    assert _readable_with(settings, NEW) == "张三"
    party = Party.objects.get()
    assert party.phone == "13800138000" and party.id_number == "370687199001011234"
    assert list(open_cases_of_petitioner(user=county.users["clerk"], phone="13800138000")) == [
        reg.case
    ]
    assert list(
        open_cases_of_petitioner(user=county.users["clerk"], id_number="370687199001011234")
    ) == [reg.case]
    assert _readable_with(settings, OLD) == ""  # the old key no longer opens it
    settings.DATA_KEY = NEW
    messages = list(Outbox.objects.all())
    assert messages and all(crypto.decrypt(m.recipient_enc) for m in messages)
    # A query password given out before the rotation works while the old key is listed, and
    # its first use rehashes it under the new key: after that the old key is not needed for it.
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = NEW, [OLD]
    assert case_get_for_citizen(reg.case.tracking_code, reg.query_password) == reg.case
    assert open_for_citizen(reg.case.tracking_code, reg.query_password) == reg.case
    settings.DATA_KEY_PREVIOUS = []
    assert open_for_citizen(reg.case.tracking_code, reg.query_password) == reg.case
    with pytest.raises(NotFound):
        open_for_citizen(reg.case.tracking_code, "000000")
    settings.DATA_KEY_PREVIOUS = [OLD]
    # Running it again changes nothing that matters.
    call_command("rotate_data_key")
    assert _readable_with(settings, NEW) == "张三"


def test_rotation_rewrites_values_written_before_sealing_as_sealed(old_key, county):
    reg = register_appeal(county)
    settings = old_key
    before = crypto._fernet(crypto._key_material()).encrypt("张三".encode()).decode()
    Party.objects.filter(case=reg.case).update(name_enc=before)  # as an older release wrote it
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = NEW, [OLD]
    assert Party.objects.get().name == "张三"
    call_command("rotate_data_key")
    name_enc = Party.objects.values_list("name_enc", flat=True).get()
    assert name_enc.startswith(crypto.SEALED)
    assert _readable_with(settings, NEW) == "张三"


def test_rotation_stops_without_the_key_the_data_was_written_with(old_key, county):
    register_appeal(county)
    settings = old_key
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = NEW, []
    with pytest.raises(CommandError, match="XINFANG_DATA_KEY_PREVIOUS"):
        call_command("rotate_data_key")
    # Nothing was overwritten: with the old key listed the data reads as before.
    assert _readable_with(settings, NEW, [OLD]) == "张三"


def test_blind_indexes_cover_every_configured_key(settings):
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = NEW, [OLD]
    both = crypto.blind_indexes("13800138000")
    assert both[0] == crypto.blind_index("13800138000") and len(set(both)) == 2
    assert crypto.blind_indexes("") == []
