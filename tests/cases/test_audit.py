"""The keyed hash chain shows tampering: `manage.py verify_audit` names every broken case, also
after the chain was recomputed by someone who can write to the database but lacks the key."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.audit import verify_audit_chain
from xinfang.cases.management.commands.verify_audit import Command as VerifyAudit
from xinfang.cases.models import Case, CaseEvent
from xinfang.core import audit
from xinfang.core.timeutil import as_of


def _run(*args) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def _summary(*args) -> str:
    return _run(*args).splitlines()[0]


def _broken(*args) -> str:
    with pytest.raises(CommandError) as exc:
        _run(*args)
    assert exc.value.returncode == 1
    return str(exc.value)


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cur:
        cur.execute(statement, params)


def _delete_event(event: CaseEvent) -> None:
    """Delete one event row as a tamperer with database access would, with rows pointing at it."""
    relations = [
        f
        for f in CaseEvent._meta.get_fields(include_hidden=True)
        if f.auto_created and f.is_relation
    ]
    for rel in relations:
        _sql(
            f"DELETE FROM {rel.related_model._meta.db_table} WHERE {rel.field.column} = %s",
            [event.pk],
        )
    _sql("DELETE FROM cases_caseevent WHERE id = %s", [event.pk])


def _json_param() -> str:
    # PostgreSQL stores JSONField as jsonb; SQLite as text.
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


@pytest.fixture
def chain(county):
    """Two cases: an untouched one, and one moved through transfer, accept and an extension."""
    first = register_appeal(county).case
    case = register_appeal(county, title="村道损毁").case
    case = services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    case = services.accept(case=case, actor=county.users["handler"])
    case = services.request_extension(
        case=case, actor=county.users["handler"], days=20, reason="需要现场勘查"
    )
    return first, case


def _event(case: Case, seq: int) -> CaseEvent:
    return CaseEvent.objects.get(case=case, seq=seq)


def test_intact_chain_reports_counts(chain):
    assert _summary() == "审计链完整：2 个事项，5 条记录"


def test_one_case_by_number(chain):
    first, case = chain
    assert _summary("--case", case.number) == "审计链完整：1 个事项，4 条记录"
    assert _summary("--case", first.number) == "审计链完整：1 个事项，1 条记录"


def test_unknown_case_number_is_an_error(chain):
    assert "未找到事项 XF-000000-20000101-000001" in _broken("--case", "XF-000000-20000101-000001")


def test_events_refuse_ordinary_saves_and_deletes(chain):
    _first, case = chain
    event = _event(case, 2)
    event.kind = "decline"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_edited_json_is_detected(chain):
    _first, case = chain
    target = _event(case, 3)
    forged = {**target.extra, "note": "已当面答复"}
    _sql(
        f"UPDATE cases_caseevent SET extra = {_json_param()} WHERE id = %s",
        [json.dumps(forged, ensure_ascii=False), target.pk],
    )

    message = _broken()
    assert message.startswith(f"审计链断裂：事项 {case.number}，第 3 条记录 (id {target.pk})：")
    assert "内容被改动" in message


def test_changed_kind_in_the_middle_is_detected(chain):
    _first, case = chain
    target = _event(case, 2)
    _sql("UPDATE cases_caseevent SET kind = %s WHERE id = %s", ["decline", target.pk])

    message = _broken("--case", case.number)
    assert f"事项 {case.number}，第 2 条记录 (id {target.pk})" in message


def test_deleted_last_event_is_caught_by_the_case_head(chain):
    _first, case = chain
    last = _event(case, 4)
    _delete_event(last)

    message = _broken()
    assert f"事项 {case.number}，第 4 条记录：" in message
    assert "末尾被删除" in message


def test_deleted_middle_event_is_a_gap(chain):
    _first, case = chain
    gone, after = _event(case, 2), _event(case, 3)
    _delete_event(gone)

    message = _broken()
    assert f"事项 {case.number}，第 3 条记录 (id {after.pk})：缺少第 2 至 2 条记录" in message


def test_rehashed_forgery_breaks_the_next_link(chain):
    """Recomputing the edited event's own hash is not enough: the next event points at the old one."""
    _first, case = chain
    target = _event(case, 2)
    target.kind = "decline"
    new_hash = audit.link_hash(target.prev_hash, target.hash_payload())
    _sql(
        "UPDATE cases_caseevent SET kind = %s, hash = %s WHERE id = %s",
        ["decline", new_hash, target.pk],
    )

    nxt = _event(case, 3)
    message = _broken()
    assert f"事项 {case.number}，第 3 条记录 (id {nxt.pk})：前一环哈希" in message


def test_first_broken_case_is_named_in_pk_order(chain):
    first, case = chain
    _sql("UPDATE cases_caseevent SET actor_label = %s WHERE id = %s", ["某人", _event(case, 1).pk])
    _sql(
        "UPDATE cases_caseevent SET citizen_visible = %s WHERE id = %s",
        [False, _event(first, 1).pk],
    )

    report = verify_audit_chain()
    assert not report.intact
    assert (report.broken.case_number, report.broken.seq) == (first.number, 1)


def test_command_exits_with_status_1(chain, capsys):
    _first, case = chain
    _sql("UPDATE cases_caseevent SET kind = %s WHERE id = %s", ["close", _event(case, 4).pk])

    with pytest.raises(SystemExit) as exc:
        VerifyAudit().run_from_argv(["manage.py", "verify_audit", "--skip-checks"])
    assert exc.value.code == 1
    assert f"事项 {case.number}，第 4 条记录" in capsys.readouterr().err


def test_events_recorded_under_a_local_clock_still_verify(county):
    """Regression: an import dated in Asia/Shanghai must hash the time the database returns."""
    with as_of(dt.datetime(2025, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        case = register_appeal(county).case
    assert case.number.startswith("XF-370687-20250303-")
    assert _summary() == "审计链完整：1 个事项，1 条记录"


def test_a_move_committed_during_the_walk_is_not_reported_as_tampering(chain, monkeypatch):
    """The walk reads events and cases in separate queries; a move landing between them makes the
    case's head newer than the events read. The case is read again under its lock, not reported."""
    import xinfang.cases.audit as audit_module

    first, case = chain
    original = audit_module._cases

    def cases_after_a_move(number, up_to):
        services.escalate(
            case=case,
            actor=first.registering_body.memberships.filter(role="supervisor").get().user,
            reason="部门间推诿",
        )
        return original(number, up_to)

    monkeypatch.setattr(audit_module, "_cases", cases_after_a_move)
    report = verify_audit_chain()
    assert report.intact, str(report)
    assert (report.cases, report.events) == (2, 6)


def test_walk_across_chunk_boundaries(county, chain, monkeypatch):
    """Cases and events are streamed in chunks; a link is checked the same on either side."""
    import xinfang.cases.audit as audit_module

    _first, case = chain
    register_appeal(county, title="第三件")
    monkeypatch.setattr(audit_module, "CHUNK", 2)
    assert str(verify_audit_chain()).splitlines()[0] == "审计链完整：3 个事项，6 条记录"

    _sql("UPDATE cases_caseevent SET notice = %s WHERE id = %s", ["x", _event(case, 3).pk])
    report = verify_audit_chain()
    assert (report.broken.case_number, report.broken.seq) == (case.number, 3)


# ---------------------------------------------------------------------------------------------
# A database writer without the key


def _forge(case: Case, seq: int, make, **changes) -> None:
    """Rewrite event `seq` and recompute the chain from there on, then point the case's head at
    the new last link: everything someone with SQL access can do, with `make` for the link."""
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    head = events[seq - 2].hash if seq > 1 else audit.GENESIS
    for event in events[seq - 1 :]:
        if event.seq == seq:
            for name, value in changes.items():
                setattr(event, name, value)
        event.prev_hash = head
        head = make(head, event.hash_payload())
        _sql(
            f"UPDATE cases_caseevent SET kind = %s, extra = {_json_param()}, prev_hash = %s, "
            "hash = %s WHERE id = %s",
            [
                event.kind,
                json.dumps(event.extra, ensure_ascii=False),
                event.prev_hash,
                head,
                event.pk,
            ],
        )
    _sql("UPDATE cases_case SET audit_head = %s WHERE id = %s", [head, case.pk])


def _guessed_key_link(kid: str, guess: bytes):
    def make(prev: str, payload: dict) -> str:
        message = kid.encode() + b"\n" + prev.encode() + b"\n" + audit.canonical(payload)
        return f"{kid}:{hmac.new(guess, message, hashlib.sha256).hexdigest()}"

    return make


def test_chain_recomputed_with_plain_sha256_is_detected(chain):
    """The attack that passed before the chain was keyed: edit, recompute every hash, reset the head."""
    _first, case = chain
    target = _event(case, 2)
    _forge(case, 2, audit.plain_link_hash, extra={**target.extra, "note": "当场办结"})

    message = _broken()
    assert f"事项 {case.number}，第 2 条记录 (id {target.pk})：链接未用审计密钥生成" in message


def test_chain_recomputed_under_a_guessed_key_is_detected(chain, settings):
    """Someone who knows the scheme and the key id (it is in every link) but not the key."""
    _first, case = chain
    kid = audit.current_key().id
    for guess in (b"", settings.SECRET_KEY.encode(), audit.DEV_KEY.encode(), b"xinfang"):
        _forge(case, 3, _guessed_key_link(kid, guess), kind="decline")
        message = _broken()
        assert f"事项 {case.number}，第 3 条记录" in message
        assert "记录内容与其哈希不符" in message


def test_chain_under_a_key_of_the_forgers_own_is_detected(chain):
    _first, case = chain
    own = audit._key("a key the forger made up")
    _forge(case, 1, _guessed_key_link(own.id, own.material), actor_label="某人")
    assert "审计密钥未配置" in _broken()


def test_every_broken_case_is_listed_not_only_the_first(county, chain, capsys):
    first, case = chain
    third = register_appeal(county, title="第三件").case
    _forge(first, 1, audit.plain_link_hash, kind="decline")
    _sql("UPDATE cases_caseevent SET notice = %s WHERE id = %s", ["x", _event(case, 3).pk])
    report = verify_audit_chain()
    assert [b.case_number for b in report.breaks] == [first.number, case.number]

    with pytest.raises(SystemExit) as exc:  # (closes the connection: last)
        VerifyAudit().run_from_argv(["manage.py", "verify_audit", "--skip-checks"])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert f"事项 {first.number}，第 1 条记录" in err
    assert f"事项 {case.number}，第 3 条记录" in err
    assert third.number not in err
    assert "共 2 个事项的审计链断裂（检查了 3 个事项）" in err
