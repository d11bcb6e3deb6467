"""One-file backups of an installation, and restoring one into an empty installation (backups.md).

The archive is a tar file:

    database/db.sqlite3 or database/xinfang.dump   the whole database (dbcopy.py)
    media/...                                      attachments, rendered notices, intake scans
    audit/audit-heads.log                          the head export as it was (if there is one)
    manifest.json                                  versions, rows per table, size and SHA-256
                                                   of every other member, written last

Restoring checks every checksum before it writes anything, refuses a database or media folder
that is not empty, and compares the restored rows per table with the manifest. The keys are not
in the archive (configuration.md): the same XINFANG_DATA_KEY and XINFANG_AUDIT_KEY must be set
where it is restored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import platform
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.migrations.recorder import MigrationRecorder

from . import audit, dbcopy
from .dbcopy import BackupError

FORMAT = "xinfang-backup/1"
MANIFEST = "manifest.json"
HEADS = "audit/audit-heads.log"
CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict

    def __str__(self) -> str:
        m = self.manifest
        size = self.path.stat().st_size
        return (
            f"备份完成：{self.path}（{size / 1e6:.1f} MB）；数据库 {m['engine']}，"
            f"{sum(m['tables'].values())} 行，{len(m['tables'])} 张表；"
            f"文件 {m['media']['files']} 个"
        )


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    counts: dict[str, int]
    media_files: int
    heads: str

    def __str__(self) -> str:
        m = self.manifest
        return (
            f"已恢复 {m['created_at']} 的备份：数据库 {m['engine']}，"
            f"{sum(self.counts.values())} 行（与清单一致），文件 {self.media_files} 个；{self.heads}\n"
            "下一步：manage.py migrate --no-input，然后 manage.py verify_audit（见 docs/backups.md）"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def referenced_files() -> set[str]:
    """Names of every stored file the database refers to (any model's FileField)."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(
                    n
                    for n in model._default_manager.exclude(**{field.name: ""})
                    .values_list(field.name, flat=True)
                    .iterator()
                    if n
                )
    return names


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.order_by("app", "name").values_list(
        "app", "name"
    ):
        latest[app] = name
    return latest


def _version() -> str:
    try:
        return metadata.version("xinfang")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return "unknown"


def _add(tar: tarfile.TarFile, name: str, path: Path, files: dict) -> None:
    files[name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with path.open("rb") as fh:
        tar.addfile(info, fh)


def backup(target: Path | None = None) -> BackupResult:
    """Write one archive of the database, the media folder and the head export."""
    engine = dbcopy.engine()
    moment = dt.datetime.now(dt.UTC)
    target = Path(target or settings.BACKUP_DIR)
    if target.is_dir() or not target.suffix:
        target = target / f"xinfang-{moment:%Y%m%dT%H%M%SZ}.tar"
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    media_root = Path(settings.MEDIA_ROOT)
    files: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="xinfang-backup-") as tmp:
        dump = Path(tmp) / "dump"
        counts, tool = dbcopy.dump(dump)
        partial = target.with_name(target.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            _add(tar, dbcopy.DUMP_NAMES[engine], dump, files)
            # After the dump, so every file the dump refers to is there.
            for rel, path in _media_files(media_root):
                _add(tar, f"media/{rel}", path, files)
            heads = Path(settings.AUDIT_EXPORT_PATH)
            if heads.is_file():
                _add(tar, HEADS, heads, files)
            referenced = referenced_files()
            missing = sorted(n for n in referenced if f"media/{n}" not in files)
            manifest = {
                "format": FORMAT,
                "created_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "versions": {
                    "xinfang": _version(),
                    "django": django.get_version(),
                    "python": platform.python_version(),
                    "database": dbcopy.server_version(),
                    "dump_tool": tool,
                },
                "engine": engine,
                "migrations": _migrations(),
                "tables": counts,
                "media": {
                    "files": sum(1 for n in files if n.startswith("media/")),
                    "bytes": sum(f["size"] for n, f in files.items() if n.startswith("media/")),
                    "referenced": len(referenced),
                    "missing": missing,
                },
                "audit_key_id": audit.current_key().id,
                "files": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(moment.timestamp())
            tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(target)
    return BackupResult(target, manifest)


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, mode="r:") as tar:
        try:
            member = tar.getmember(MANIFEST)
        except KeyError:
            raise BackupError(f"{archive} 不是信访系统备份（没有 {MANIFEST}）") from None
        manifest = json.load(tar.extractfile(member))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')}")
    return manifest


def check_archive(archive: Path) -> dict:
    """The manifest, once every member is present with its size and SHA-256 (nothing else in)."""
    manifest = read_manifest(archive)
    expected = manifest["files"]
    seen: set[str] = set()
    with tarfile.open(archive, mode="r:") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            entry = expected.get(member.name)
            if entry is None or not member.isfile() or not _safe_name(member.name):
                raise BackupError(f"备份中有清单以外的内容：{member.name}")
            digest = hashlib.sha256()
            fh = tar.extractfile(member)
            while block := fh.read(CHUNK):
                digest.update(block)
            if digest.hexdigest() != entry["sha256"] or member.size != entry["size"]:
                raise BackupError(f"备份已损坏：{member.name} 的校验值不符")
            seen.add(member.name)
    if missing := sorted(set(expected) - seen):
        raise BackupError(f"备份不完整，缺少：{', '.join(missing[:10])}")
    return manifest


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(tar.extractfile(member), out, CHUNK)


def restore(archive: Path, progress: Callable[[str], None] = lambda s: None) -> RestoreResult:
    """Restore an archive into this installation, whose database and media folder are empty."""
    archive = Path(archive)
    progress(f"检查备份 {archive} …")
    manifest = check_archive(archive)
    engine = dbcopy.engine()
    if manifest["engine"] != engine:
        raise BackupError(f"备份来自 {manifest['engine']}，此处是 {engine}：请恢复到同一种数据库")
    if not dbcopy.is_empty():
        raise BackupError("目标数据库不是空的：请恢复到新建的空数据库（见 docs/backups.md）")
    media_root = Path(settings.MEDIA_ROOT)
    if next(_media_files(media_root), None) is not None:
        raise BackupError(f"媒体目录 {media_root} 不是空的：请恢复到空目录")
    heads_path = Path(settings.AUDIT_EXPORT_PATH)
    n_media = 0
    heads = "备份中没有链头导出文件"
    with tempfile.TemporaryDirectory(prefix="xinfang-restore-") as tmp:
        with tarfile.open(archive, mode="r:") as tar:
            dump = Path(tmp) / "dump"
            _extract(tar, tar.getmember(dbcopy.DUMP_NAMES[engine]), dump)
            progress("恢复数据库 …")
            dbcopy.load(dump, progress)
            progress("恢复文件 …")
            for member in tar:
                if not _safe_name(member.name):
                    raise BackupError(f"备份中有不安全的路径：{member.name}")
                if member.name.startswith("media/"):
                    _extract(tar, member, media_root / member.name.removeprefix("media/"))
                    n_media += 1
                elif member.name == HEADS:
                    if heads_path.exists():
                        heads = f"链头导出文件 {heads_path} 已存在，未覆盖（备份中的副本未恢复）"
                    else:
                        _extract(tar, member, heads_path)
                        heads = f"链头导出文件已恢复到 {heads_path}"
    counts = dbcopy.table_counts()
    if counts != manifest["tables"]:
        diff = sorted(
            t
            for t in set(counts) | set(manifest["tables"])
            if counts.get(t) != manifest["tables"].get(t)
        )
        raise BackupError(f"恢复后的行数与清单不符：{', '.join(diff[:10])}")
    return RestoreResult(manifest, counts, n_media, heads)


def describe(manifest: dict) -> str:
    m = manifest
    v = m["versions"]
    lines = [
        f"备份时间 {m['created_at']}，xinfang {v['xinfang']}，Django {v['django']}，"
        f"Python {v['python']}，{m['engine']} {v['database']}（{v['dump_tool']}）",
        f"数据库 {sum(m['tables'].values())} 行，{len(m['tables'])} 张表；"
        f"文件 {m['media']['files']} 个，{m['media']['bytes'] / 1e6:.1f} MB",
        f"审计密钥编号 {m['audit_key_id']}",
    ]
    if m["media"]["missing"]:
        lines.append(f"备份时已缺失的文件 {len(m['media']['missing'])} 个")
    return "\n".join(lines)
