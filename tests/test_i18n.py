"""Messages follow the user's language: Chinese by default, English when chosen (portal switcher,
Accept-Language). What the timeline stores and hashes stays the same whatever the language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import translation

from xinfang.cases import services, workflow
from xinfang.cases.models import CaseEvent
from xinfang.core.errors import InvalidInput, MoveNotAllowed

from .conftest import register_appeal

PO = Path(__file__).resolve().parents[1] / "xinfang/locale/zh_Hans/LC_MESSAGES/django.po"


def _decline_without_reason(county) -> InvalidInput:
    case = register_appeal(county).case
    with pytest.raises(InvalidInput) as caught:
        services.decline(case=case, actor=county.users["clerk"], reason=" ")
    return caught.value


@pytest.mark.django_db
def test_w23_decline_without_reason_is_refused_in_english_when_english_is_chosen(county):
    with translation.override("en"):
        err = _decline_without_reason(county)
        assert err.as_dict() == {
            "code": "invalid",
            "message": "Give the reason for not accepting",
            "fields": {"reason": ["Give the reason for not accepting"]},
        }


@pytest.mark.django_db
def test_w23_decline_without_reason_is_refused_in_chinese_by_default(county):
    err = _decline_without_reason(county)
    assert err.as_dict()["message"] == "请填写不予受理的理由"
    assert err.as_dict()["fields"] == {"reason": ["请填写不予受理的理由"]}


def test_w32_workflow_refusal_names_state_and_move_in_the_users_language():
    move = workflow.get_move("reply")
    ctx = workflow.Context(state=workflow.S.REGISTERED, today=dt.date(2026, 12, 1))
    with translation.override("en"), pytest.raises(MoveNotAllowed) as english:
        workflow.check(move, ctx, {workflow.HEAD})
    assert str(english.value) == (
        "The case is “Newly registered”, so “Sign and send the reply” is not possible now"
    )
    with pytest.raises(MoveNotAllowed) as chinese:
        workflow.check(move, ctx, {workflow.HEAD})
    assert str(chinese.value) == "事项当前状态为“已登记”，不能执行“签发答复”"


def test_w34_guard_message_follows_the_language():
    move = workflow.get_move("request_extension")
    ctx = workflow.Context(
        state=workflow.S.ACCEPTED, today=dt.date(2026, 12, 1), extension_used=True
    )
    with translation.override("en"):
        assert workflow.guard_failures(move, ctx) == [
            "The handling period has already been extended once and cannot be extended again "
            "(Regulations on Petition Work (2022), Article 34)"
        ]
    assert workflow.guard_failures(move, ctx) == [
        "办理期限已延期一次，不能再次延期（《信访工作条例》第三十四条）"
    ]


def test_state_and_move_labels_are_read_in_the_language_of_the_reader():
    with translation.override("en"):
        assert str(workflow.STATE_LABELS["accepted"]) == "Accepted, being handled"
        assert str(workflow.MOVES["accept"].label) == "Accept"
    assert str(workflow.STATE_LABELS["accepted"]) == "已受理办理中"
    assert str(workflow.MOVES["accept"].label) == "受理"


BAD_PLACE = {
    "content_type": "appeal",
    "title": "小区路灯坏了三个月",
    "body": "小区东门路灯一直不亮，晚上出行不安全。",
    "division_code": "999999",
    "petitioner": {"name": "李四", "phone": "13900139000"},
}


@pytest.mark.django_db
def test_w21_api_answers_422_in_the_request_language(client, county):
    english = client.post(
        "/api/v1/petitions",
        BAD_PLACE,
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert english.status_code == 422
    assert english.json() == {
        "code": "invalid",
        "message": "Some of what you entered is not right; correct it and try again",
        "fields": {"division_code": ["Choose a valid place"]},
    }
    chinese = client.post("/api/v1/petitions", BAD_PLACE, content_type="application/json")
    assert chinese.status_code == 422
    assert chinese.json()["message"] == "提交的信息有误，请修改后重试"
    assert chinese.json()["fields"] == {"division_code": ["请选择有效的发生地"]}


@pytest.mark.django_db
def test_w31_a_move_made_in_english_stores_the_same_chinese_timeline_note(county):
    case = register_appeal(county).case
    with translation.override("en"):
        services.redirect_to_legal_channel(
            case=case, actor=county.users["clerk"], legal_channel="litigation", reason="诉讼时效内"
        )
    event = CaseEvent.objects.get(case=case, kind="redirect_to_legal_channel")
    assert event.extra["citizen_note"] == "请通过诉讼途径依法解决"


@pytest.mark.django_db
def test_fixed_timeline_notes_are_read_in_the_readers_language(county):
    from xinfang.cases.selectors import timeline_entries

    case = register_appeal(county).case
    case = services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    case = services.accept(case=case, actor=county.users["handler"])

    def notes():
        return [e["note"] for e in timeline_entries(case, for_citizen=True) if e["note"]]

    with translation.override("en"):
        english = notes()
    with translation.override("zh-hans"):
        chinese = notes()
    assert f"Forwarded to {county.housing.name} for handling" in english
    assert "Your petition has been accepted" in english
    assert f"已转{county.housing.name}办理" in chinese and "您的信访事项已受理" in chinese
    # The timeline record itself stays in Chinese whoever reads it.
    stored = CaseEvent.objects.get(case=case, kind="accept").extra["citizen_note"]
    assert stored == "您的信访事项已受理"


def _po_entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "\nmsgid " in "\n" + block]


def test_the_chinese_catalog_has_no_untranslated_or_fuzzy_entry():
    entries = _po_entries(PO.read_text(encoding="utf-8"))
    assert len(entries) > 100
    empty, fuzzy = [], []
    string = r'"(?:[^"\\]|\\.)*"'
    for block in entries:
        msgid = re.search(rf"^msgid ((?:{string}\n?)+)", block, re.M).group(1)
        if msgid.strip() == '""':
            continue  # the header
        flags = [ln for ln in block.split("\n") if ln.startswith("#,")]
        if any("fuzzy" in ln for ln in flags):
            fuzzy.append(msgid)
        for found in re.finditer(rf"^msgstr(?:\[\d+\])? ((?:{string}\n?)+)", block, re.M):
            if not "".join(re.findall(string, found.group(1))).strip('"'):
                empty.append(msgid)
    assert not empty, empty[:5]
    assert not fuzzy, fuzzy[:5]
