"""Chain heads exported outside the database: a truncated or rewritten history shows against them,
and the export file itself cannot be edited unseen."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.cases.test_audit import _delete_event
from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.audit import verify_audit_chain
from xinfang.cases.audit_export import export_heads, read_heads
from xinfang.cases.models import Case, CaseEvent
from xinfang.core import audit


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cur:
        cur.execute(statement, params)


def _export() -> str:
    out = io.StringIO()
    call_command("export_audit_heads", stdout=out)
    return out.getvalue()


def _verify(*args) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def _broken(*args) -> str:
    with pytest.raises(CommandError) as exc:
        _verify(*args)
    assert exc.value.returncode == 1
    return str(exc.value)


def _lines(settings) -> list[str]:
    return Path(settings.AUDIT_EXPORT_PATH).read_text(encoding="utf-8").splitlines()


@pytest.fixture
def moved(county):
    """An untouched case and one moved four times."""
    first = register_appeal(county).case
    case = register_appeal(county, title="村道损毁").case
    case = services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    case = services.accept(case=case, actor=county.users["handler"])
    case = services.request_extension(
        case=case, actor=county.users["handler"], days=20, reason="需要现场勘查"
    )
    return first, case


def test_each_line_names_time_case_count_and_head_and_only_changes_are_appended(
    county, moved, settings
):
    first, case = moved
    assert "2 个事项有变化" in _export()
    lines = _lines(settings)
    assert len(lines) == 2
    at, number, count, head, kid, mac = lines[1].split("\t")
    assert (number, int(count), head) == (case.number, 4, case.audit_head)
    assert kid == audit.current_key().id and len(mac) == 64
    assert at.endswith("Z") and at[:4].isdigit()

    assert "0 个事项有变化" in _export()  # nothing moved: nothing written
    services.escalate(case=case, actor=county.users["supervisor"], reason="部门间推诿")
    _export()
    after = _lines(settings)
    assert after[:2] == lines  # appended, never rewritten
    assert len(after) == 3 and after[2].split("\t")[1:3] == [case.number, "5"]
    assert "已与链头导出比对：2 个事项" in _verify()


def test_truncated_chain_with_its_head_reset_is_caught_by_the_export(moved):
    """Delete the last events and point the case back at the last one left: the chain itself is
    consistent, so only the copy of the head kept outside the database can tell."""
    _first, case = moved
    _export()
    keep = CaseEvent.objects.get(case=case, seq=2)
    for event in CaseEvent.objects.filter(case=case, seq__gt=2):
        _delete_event(event)
    _sql(
        "UPDATE cases_case SET event_count = 2, audit_head = %s WHERE id = %s",
        [keep.hash, case.pk],
    )

    assert verify_audit_chain(use_export=False).intact  # the chain alone looks fine
    message = _broken()
    assert f"事项 {case.number}，第 3 条记录：链头导出" in message
    assert "已有 4 条记录，现只有 2 条" in message and "历史被截断" in message


def test_history_rewritten_with_the_key_after_the_export_is_caught(moved):
    """Even with the key (a leaked one), history older than the export cannot be rewritten."""
    _first, case = moved
    _export()
    head = audit.GENESIS
    for event in CaseEvent.objects.filter(case=case).order_by("seq"):
        if event.seq == 3:
            event.kind = "decline"
        event.prev_hash = head
        head = audit.link_hash(head, event.hash_payload())
        _sql(
            "UPDATE cases_caseevent SET kind = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.kind, event.prev_hash, head, event.pk],
        )
    _sql("UPDATE cases_case SET audit_head = %s WHERE id = %s", [head, case.pk])

    assert verify_audit_chain(use_export=False).intact
    assert f"事项 {case.number}，第 4 条记录" in _broken()
    assert "导出后历史被改写" in _broken()


def test_a_case_renumbered_or_deleted_after_the_export_is_reported(moved):
    first, _case = moved
    _export()
    _sql("UPDATE cases_case SET number = %s WHERE id = %s", ["XF-370687-20000101-000009", first.pk])
    message = _broken()
    assert f"事项 {first.number}" in message and "数据库中已没有" in message


def test_an_edited_line_in_the_export_file_is_reported(moved, settings):
    _first, case = moved
    _export()
    path = Path(settings.AUDIT_EXPORT_PATH)
    lines = _lines(settings)
    parts = lines[1].split("\t")
    parts[2] = "2"  # claim fewer events, to cover for a truncation
    path.write_text(lines[0] + "\n" + "\t".join(parts) + "\n", encoding="utf-8")
    message = _broken()
    assert "链头导出文件第 2 行：校验码不符" in message


def test_a_line_removed_from_the_export_file_is_reported(county, moved, settings):
    register_appeal(county, title="第三件")
    _export()
    path = Path(settings.AUDIT_EXPORT_PATH)
    lines = _lines(settings)
    path.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")
    assert "链头导出文件第 2 行：校验码不符" in _broken()


def test_a_line_cut_short_by_a_crash_is_skipped_and_the_next_export_goes_on(
    county, moved, settings
):
    first, case = moved
    _export()
    path = Path(settings.AUDIT_EXPORT_PATH)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("2026-12-01T00:00:00Z\tXF-3706")  # the disk filled mid-line
    services.escalate(case=case, actor=county.users["supervisor"], reason="部门间推诿")
    _export()

    heads = read_heads()
    assert heads.torn == [3] and heads.problems == []
    assert heads.anchors[case.number].count == 5
    out = _verify()
    assert out.startswith("审计链完整") and "第 [3] 行不完整" in out


def test_export_from_several_processes_keeps_one_chain_of_lines(county, moved, settings):
    """Runs append under a file lock and each line's MAC covers the line before it."""
    _first, case = moved
    _export()
    services.escalate(case=case, actor=county.users["supervisor"], reason="部门间推诿")
    export_heads()
    register_appeal(county, title="第三件")
    export_heads()
    heads = read_heads()
    assert heads.lines == 4 and heads.problems == [] and heads.torn == []
    assert {n: a.count for n, a in heads.anchors.items()} == {
        c.number: c.event_count for c in Case.objects.all()
    }


def test_without_an_export_file_the_chains_are_still_checked_and_the_gap_is_said(moved):
    out = _verify()
    assert out.startswith("审计链完整：2 个事项，5 条记录")
    assert "不存在，未与导出比对" in out
