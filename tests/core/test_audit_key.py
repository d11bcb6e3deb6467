"""The audit key: links name the key that made them, a rotation keeps old links verifying while
the old key is listed, and chains written before the chain was keyed are re-linked once by the
migration, unless they do not check out. (Production refusing to start without an audit key of
its own: tests/config/test_production_settings.py.)"""

from __future__ import annotations

import importlib
import io
from types import SimpleNamespace

from django.apps import apps
from django.core.management import call_command
from django.db import connection

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.audit import verify_audit_chain
from xinfang.cases.models import Case, CaseEvent
from xinfang.core import audit

OLD = "the audit key before the rotation, long enough 0001"
NEW = "the audit key after the rotation, long enough 00002"

migration = importlib.import_module("xinfang.cases.migrations.0008_keyed_audit_chain")


def _kids(case: Case) -> list[str]:
    return [audit.key_id_of(e.hash) for e in CaseEvent.objects.filter(case=case).order_by("seq")]


def test_rotation_starts_new_links_under_the_new_key_and_old_links_keep_verifying(county, settings):
    settings.AUDIT_KEY, settings.AUDIT_KEY_PREVIOUS = OLD, []
    case = register_appeal(county).case
    call_command("export_audit_heads", stdout=io.StringIO())
    old_id = audit.current_key().id

    settings.AUDIT_KEY, settings.AUDIT_KEY_PREVIOUS = NEW, [OLD]
    new_id = audit.current_key().id
    assert new_id != old_id
    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    call_command("export_audit_heads", stdout=io.StringIO())

    assert _kids(case) == [old_id, new_id]  # nothing re-linked
    report = verify_audit_chain()
    assert report.intact, str(report)
    assert report.keys == {old_id: 1, new_id: 1}
    assert f"{new_id}（当前） 1 条" in str(report)

    # Dropping the old key too early: its links (and export lines) can no longer be checked.
    settings.AUDIT_KEY_PREVIOUS = []
    report = verify_audit_chain()
    assert not report.intact
    assert "审计密钥未配置" in str(report.broken)
    assert any("所用密钥" in p for p in report.export.problems)


# ---------------------------------------------------------------------------------------------
# Chains written with plain SHA-256, before the chain was keyed


def _editor():
    return SimpleNamespace(connection=connection)


def _to_plain(case: Case) -> None:
    migration.to_plain(apps, _editor())
    assert all(":" not in e.hash for e in CaseEvent.objects.filter(case=case))


def test_the_migration_relinks_intact_plain_chains_under_the_key(county):
    case = register_appeal(county).case
    case = services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    _to_plain(case)
    assert "链接未用审计密钥生成" in str(verify_audit_chain())  # plain links are not accepted

    migration.to_keyed(apps, _editor())
    assert _kids(case) == [audit.current_key().id] * 2
    assert verify_audit_chain().intact


def test_the_migration_leaves_a_plain_chain_that_does_not_check_out_for_verify_to_name(
    county, capsys
):
    untouched = register_appeal(county).case
    tampered = register_appeal(county, title="村道损毁").case
    _to_plain(tampered)
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE cases_caseevent SET actor_label = %s WHERE case_id = %s", ["某人", tampered.pk]
        )

    migration.to_keyed(apps, _editor())
    assert tampered.number in capsys.readouterr().out
    assert ":" not in CaseEvent.objects.get(case=tampered).hash  # not blessed by a re-link
    report = verify_audit_chain()
    assert [b.case_number for b in report.breaks] == [tampered.number]
    assert untouched.number not in str(report)
