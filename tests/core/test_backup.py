"""`manage.py backup` and `restore`: one archive with the database, the attachments and rendered
notices, restored into an empty installation (a fresh database of the same engine, an empty
media folder) where the audit chain verifies against the restored head export."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.conftest import build_county, register_appeal
from xinfang.cases import services
from xinfang.cases.models import Attachment
from xinfang.core.backup import BackupError, backup, check_archive, restore
from xinfang.documents.models import Notice
from xinfang.documents.services import render_pending

ROOT = Path(__file__).resolve().parents[2]
SCAN = b"%PDF-1.4 scan of an ID card\n" + bytes(range(256)) * 40

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def installation(settings, tmp_path):
    """Cases with an attachment and a rendered notice, and a head export."""
    settings.MEDIA_ROOT = tmp_path / "media"
    county = build_county()
    case = register_appeal(
        county,
        attachments=[services.AttachmentInput(name="scan.pdf", content=SCAN)],
    ).case
    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    services.accept(case=case, actor=county.users["handler"])  # issues a 受理告知书
    register_appeal(county, title="村道损毁")
    render_pending()
    call_command("export_audit_heads", stdout=io.StringIO())
    return county


def _fresh_database(tmp_path: Path):
    """A new, empty database of the engine the suite runs on: (DATABASE_URL, drop)."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None
    s = connection.settings_dict
    name = f"{s['NAME']}_restored"
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')

    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}", drop


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_backup_restores_into_an_empty_installation_where_the_audit_chain_verifies(
    installation, tmp_path
):
    archive = backup(tmp_path / "backups").path
    manifest = check_archive(archive)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["cases_case"] == 2 and manifest["tables"]["cases_caseevent"] == 4
    assert manifest["media"]["missing"] == [] and manifest["media"]["referenced"] == 3
    assert manifest["media"]["files"] == 3  # the scan, the transfer slip, the acceptance notice
    assert {"xinfang", "django", "database", "dump_tool"} <= set(manifest["versions"])

    url, drop = _fresh_database(tmp_path)
    target = tmp_path / "restored"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "XINFANG_MEDIA_ROOT": str(target / "media"),
        "XINFANG_AUDIT_EXPORT_PATH": str(target / "audit" / "audit-heads.log"),
        "XINFANG_AUDIT_KEY": settings.AUDIT_KEY,
        "XINFANG_DATA_KEY": settings.DATA_KEY,
        "XINFANG_SECRET_KEY": settings.SECRET_KEY,
    }
    try:
        done = _manage(env, "restore", str(archive))
        assert done.returncode == 0, done.stderr
        assert "与清单一致" in done.stdout and "链头导出文件已恢复" in done.stdout

        done = _manage(env, "verify_audit")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("审计链完整：2 个事项，4 条记录")
        assert "已与链头导出比对：2 个事项" in done.stdout

        # The files came back byte for byte, where the database says they are.
        attachment = Attachment.objects.get()
        notices = [n.pdf.name for n in Notice.objects.exclude(pdf="")]
        assert len(notices) == 2
        for name in (attachment.file.name, *notices):
            restored = target / "media" / name
            assert restored.read_bytes() == (Path(settings.MEDIA_ROOT) / name).read_bytes()

        # Restored elsewhere without the audit key, the chains cannot be vouched for.
        done = _manage({**env, "XINFANG_AUDIT_KEY": "some other key " * 3}, "verify_audit")
        assert done.returncode == 1 and "审计密钥未配置" in done.stderr

        # A second restore into the now populated installation is refused.
        done = _manage(env, "restore", str(archive))
        assert done.returncode != 0 and "不是空的" in done.stderr
    finally:
        drop()


def test_a_damaged_archive_is_refused_before_anything_is_written(installation, tmp_path):
    archive = backup(tmp_path / "a.tar").path
    with tarfile.open(archive) as tar:
        member = tar.getmember(next(n for n in tar.getnames() if n.startswith("media/")))
        offset = member.offset_data
    data = bytearray(archive.read_bytes())
    data[offset + 10] ^= 0xFF
    archive.write_bytes(bytes(data))

    with pytest.raises(BackupError, match="校验值不符"):
        check_archive(archive)
    out = io.StringIO()
    with pytest.raises(Exception, match="校验值不符"):
        call_command("restore", str(archive), "--check", stdout=out)


def test_restore_refuses_a_database_that_is_not_empty(installation, tmp_path, settings):
    archive = backup(tmp_path / "a.tar").path
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    with pytest.raises(BackupError, match="目标数据库不是空的"):
        restore(archive)


def test_the_manifest_lists_every_member_with_its_checksum(installation, tmp_path):
    archive = backup(tmp_path / "a.tar").path
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[-1] == "manifest.json"
    assert set(names[:-1]) == set(manifest["files"])
    assert any(n.startswith("database/") for n in names)
    assert "audit/audit-heads.log" in names
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
