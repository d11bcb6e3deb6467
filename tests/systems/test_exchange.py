"""Exchange between levels: a county exports cases as JSON Lines, another system verifies and
imports them with their timeline, parties and attachments; a tampered file is refused whole."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.audit import verify_audit_chain
from xinfang.cases.models import Case
from xinfang.cases.services.exchange import local_links

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Rollback(Exception):
    pass


def _handled(county):
    reg = register_appeal(
        county, attachments=[services.AttachmentInput(name="照片.pdf", content=PDF)]
    )
    case = services.transfer(case=reg.case, actor=county.users["clerk"], body=county.housing)
    return services.accept(case=case, actor=county.users["handler"])


def _elsewhere(county, path: Path, *, folder: Path | None = None, more=None) -> str:
    """Make a case and export it, then roll it back: the file comes from another system."""
    with pytest.raises(Rollback), transaction.atomic():
        case = _handled(county)
        if more:
            case = more(case)
        args = [case.number, "-o", str(path)]
        if folder:
            args += ["--attachments-dir", str(folder)]
        call_command("export_cases", *args, stderr=io.StringIO())
        number = case.number
        raise Rollback
    assert not Case.objects.filter(number=number).exists()
    return number


def _import(path: Path, *args) -> str:
    out = io.StringIO()
    call_command("import_cases", str(path), *args, stdout=out)
    return out.getvalue()


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, lines: list[dict]) -> None:
    path.write_text(
        "".join(json.dumps(x, ensure_ascii=False, sort_keys=True) + "\n" for x in lines),
        encoding="utf-8",
    )


@pytest.mark.django_db
def test_a_case_arrives_with_its_parties_attachments_and_verified_timeline(county, tmp_path):
    f = tmp_path / "out.jsonl"
    number = _elsewhere(county, f)
    lines = _lines(f)
    assert lines[0]["format"] == "xinfang-exchange" and lines[0]["version"] == 1
    assert lines[-1]["type"] == "end" and lines[-1]["cases"] == 1
    sent = lines[1]
    assert [e["kind"] for e in sent["events"]] == ["register", "transfer", "accept"]

    assert "新建 1 个" in _import(f)
    case = Case.objects.get(number=number)
    assert case.state == sent["state"] and case.holder_body == county.office
    party = case.parties.get()
    assert (party.name, party.phone) == ("张三", "13800138000")
    att = case.attachments.get()
    assert att.sha256 == sent["attachments"][0]["sha256"] and att.file.read() == PDF
    kinds = list(case.events.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["register", "transfer", "accept", "received"]
    received = case.events.get(kind="received")
    assert received.extra["exchange_head"] == sent["chain_head"]
    # The copied entries recompute to the sender's exchange chain, and the local keyed chain holds.
    assert local_links(case)[:3] == [e["link"] for e in sent["events"]]
    assert verify_audit_chain(number=number, use_export=False).intact


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(county, tmp_path):
    f = tmp_path / "out.jsonl"
    number = _elsewhere(county, f)
    _import(f)
    before = Case.objects.get(number=number).event_count
    assert "已有未变 1 个" in _import(f)
    assert Case.objects.get(number=number).event_count == before


@pytest.mark.django_db
def test_check_only_writes_nothing(county, tmp_path):
    f = tmp_path / "out.jsonl"
    number = _elsewhere(county, f)
    assert "校验通过：1 个事项，3 条记录" in _import(f, "--check")
    assert not Case.objects.filter(number=number).exists()


def _refused(path: Path, *args) -> str:
    with pytest.raises(CommandError) as exc:
        _import(path, *args)
    return str(exc.value)


@pytest.mark.django_db
def test_a_changed_timeline_entry_is_refused_naming_line_and_case(county, tmp_path):
    f = tmp_path / "out.jsonl"
    number = _elsewhere(county, f)
    lines = _lines(f)
    lines[1]["events"][1]["actor_label"] = "别人"
    from xinfang.cases.exchange.format import record_digest

    lines[1]["digest"] = record_digest(lines[1])  # the tamperer fixes the line's digest too
    _write(f, lines)
    message = _refused(f)
    assert number in message and "2" in message
    assert not Case.objects.filter(number=number).exists()


@pytest.mark.django_db
def test_a_changed_case_field_or_a_dropped_line_is_refused(county, tmp_path):
    f = tmp_path / "out.jsonl"
    number = _elsewhere(county, f)
    lines = _lines(f)
    changed = [lines[0], {**lines[1], "title": "改过的标题"}, lines[2]]
    _write(f, changed)
    assert number in _refused(f)
    _write(f, lines[:2])  # cut short: no closing line
    _refused(f)
    assert not Case.objects.filter(number=number).exists()


@pytest.mark.django_db
def test_a_recomputed_chain_fails_the_shared_key_signature(county, tmp_path, settings):
    settings.XINFANG = {**settings.XINFANG, "EXCHANGE_KEY": "county-and-city-share-this-key"}
    f = tmp_path / "out.jsonl"
    number = _elsewhere(county, f)
    assert "校验通过" in _import(f, "--check")
    from xinfang.cases.exchange.format import chain, record_digest

    lines = _lines(f)
    rec = lines[1]
    rec["events"][0]["actor_label"] = "别人"
    for e, link in zip(rec["events"], chain(rec["events"]), strict=True):
        e["link"] = link
    rec["chain_head"] = rec["events"][-1]["link"]
    rec["digest"] = record_digest(rec)
    import hashlib

    body = "".join(
        json.dumps(x, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        for x in lines[:2]
    )
    lines[2]["digest"] = hashlib.sha256(body.encode()).hexdigest()
    f.write_text(body + json.dumps(lines[2]) + "\n", encoding="utf-8")
    assert "signature" in _refused(f) or "签名" in _refused(f)
    assert not Case.objects.filter(number=number).exists()


@pytest.mark.django_db
def test_attachments_in_a_side_folder_are_checked_by_sha256(county, tmp_path):
    f, folder = tmp_path / "out.jsonl", tmp_path / "files"
    number = _elsewhere(county, f, folder=folder)
    (stored,) = folder.iterdir()
    assert "content_base64" not in f.read_text()
    stored.write_bytes(PDF + b"x")
    assert number in _refused(f, "--attachments-dir", str(folder))
    stored.write_bytes(PDF)
    _import(f, "--attachments-dir", str(folder))
    assert Case.objects.get(number=number).attachments.get().file.read() == PDF


@pytest.mark.django_db
def test_a_case_handed_back_gets_the_new_entries(county, tmp_path):
    """The county sent a case up; the file that comes back continues its history."""
    case = _handled(county)
    u = county.users

    def decided(c):
        c = services.decide(
            case=c, actor=u["handler"], decision="support", facts="属实", reasons="应当维修"
        )
        return services.reply(case=c, actor=u["head"])

    f = tmp_path / "back.jsonl"
    with pytest.raises(Rollback), transaction.atomic():
        call_command("export_cases", case.number, "-o", str(f), stderr=io.StringIO())
        # What the other level did, recorded as if there (rolled back here).
        decided(Case.objects.get(pk=case.pk))
        call_command("export_cases", case.number, "-o", str(f), stderr=io.StringIO())
        raise Rollback
    before = Case.objects.get(pk=case.pk)
    assert "续接 1 个" in _import(f)
    after = Case.objects.get(pk=case.pk)
    assert after.state == "replied" != before.state
    assert after.event_count == before.event_count + 3  # decide, reply, received
    assert verify_audit_chain(number=case.number, use_export=False).intact
    assert "已有未变 1 个" in _import(f)


@pytest.mark.django_db
def test_a_report_stays_protected_and_confidential_at_the_receiver(county, tmp_path):
    from tests.conftest import report_against

    f = tmp_path / "report.jsonl"
    with pytest.raises(Rollback), transaction.atomic():
        case = report_against(county, county.housing, public_consent=True)
        call_command("export_cases", case.number, "-o", str(f), stderr=io.StringIO())
        number = case.number
        raise Rollback
    _import(f)
    case = Case.objects.get(number=number)
    assert case.accused_body == county.housing
    assert case.confidential and not case.public_consent
    assert case.parties.get().name == "李四"


@pytest.mark.django_db
def test_a_case_from_a_place_this_system_does_not_know_is_refused(county, tmp_path):
    f = tmp_path / "out.jsonl"
    number = _elsewhere(county, f)
    lines = _lines(f)
    from xinfang.cases.exchange.format import record_digest

    lines[1]["place"] = "440305"
    lines[1]["digest"] = record_digest(lines[1])
    body = "".join(
        json.dumps(x, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        for x in lines[:2]
    )
    import hashlib

    lines[2]["digest"] = hashlib.sha256(body.encode()).hexdigest()
    f.write_text(body + json.dumps(lines[2]) + "\n", encoding="utf-8")
    assert "校验通过" in _import(f, "--check")  # the file itself is sound
    assert "440305" in _refused(f)
    assert not Case.objects.filter(number=number).exists()


@pytest.mark.django_db
def test_a_handover_is_noted_on_both_sides_and_the_case_comes_back_onto_it(county, tmp_path):
    case = _handled(county)
    u = county.users
    up, back = tmp_path / "up.jsonl", tmp_path / "back.jsonl"
    call_command(
        "export_cases",
        case.number,
        "--hand-over",
        "烟台市信访局",
        "-o",
        str(up),
        stderr=io.StringIO(),
    )
    case.refresh_from_db()
    noted = case.events.order_by("-seq").first()
    assert (noted.kind, noted.extra["to"]) == ("handed_over", "烟台市信访局")
    sent = _lines(up)[1]
    assert sent["events"][-1]["kind"] == "handed_over"  # the file carries the note

    # The other level works on it and hands it back (recorded here, then rolled back).
    with pytest.raises(Rollback), transaction.atomic():
        c = services.decide(
            case=Case.objects.get(pk=case.pk),
            actor=u["handler"],
            decision="support",
            facts="属实",
            reasons="应当维修",
        )
        services.reply(case=c, actor=u["head"])
        call_command(
            "export_cases",
            case.number,
            "--hand-over",
            "海阳市信访局",
            "-o",
            str(back),
            stderr=io.StringIO(),
        )
        raise Rollback
    before = Case.objects.get(pk=case.pk).event_count
    assert "续接 1 个" in _import(back)
    after = Case.objects.get(pk=case.pk)
    kinds = list(after.events.filter(seq__gt=before).values_list("kind", flat=True))
    assert kinds == ["decide", "reply", "handed_over", "received"]
    assert verify_audit_chain(number=case.number, use_export=False).intact


@pytest.mark.django_db
def test_the_receiving_office_reads_the_case_and_its_origin_on_its_desk(county, tmp_path, client):
    f = tmp_path / "out.jsonl"
    number = _elsewhere(county, f)
    _import(f)
    client.force_login(county.users["clerk"])
    page = client.get(f"/desk/case/{number}/").content.decode()
    assert "收到其他层级移交" in page and "小区楼顶漏水无人维修" in page
