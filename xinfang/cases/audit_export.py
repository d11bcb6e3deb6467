"""Chain heads exported outside the database (DESIGN.md, "Timeline = audit").

`export_heads` appends one line per case whose timeline changed since the case's last line:

    <time>\t<case number>\t<event count>\t<head>\t<key id>\t<MAC>

to an append-only file (settings.AUDIT_EXPORT_PATH), which should live on other storage than the
database and be copied off the machine. The MAC (HMAC under the audit key) covers the line and the
MAC of the line before it, so a line edited, inserted, removed or moved in the file shows; only the
newest lines can be cut off unseen, which copies elsewhere (a log host, WORM storage) guard against.

`verify_audit` then holds every case's chain against its newest line: a chain that no longer has
that head at that count was rewritten or truncated after the export, whatever the database says.
A line cut short by a crash while writing has no MAC to check; it is reported and skipped.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from xinfang.core import audit

from .models import Case

FIELDS = 6
CHUNK = 2000


@dataclass(frozen=True)
class Anchor:
    """A case's head as last exported."""

    number: str
    count: int
    head: str
    at: str
    line: int


@dataclass
class HeadFile:
    """What the export file says: the newest anchor per case, and what in it does not check out."""

    path: Path
    exists: bool = False
    lines: int = 0
    anchors: dict[str, Anchor] = field(default_factory=dict)
    last_at: str = ""
    last_mac: str = ""
    problems: list[str] = field(default_factory=list)  # lines that fail their MAC: tampering
    torn: list[int] = field(default_factory=list)  # lines cut short (an interrupted export)


@dataclass(frozen=True)
class ExportReport:
    path: Path
    written: int
    cases: int
    problems: tuple[str, ...] = ()

    def __str__(self) -> str:
        return (
            f"链头已导出：{self.written} 个事项有变化（共 {self.cases} 个事项），文件 {self.path}"
        )


def export_path() -> Path:
    return Path(settings.AUDIT_EXPORT_PATH)


def read_heads(path: Path | None = None) -> HeadFile:
    """Read and check the whole export file (a missing file is an empty one)."""
    path = Path(path or export_path())
    result = HeadFile(path=path)
    if not path.exists():
        return result
    result.exists = True
    keys = audit.known_keys()
    with path.open("r", encoding="utf-8", errors="replace", newline="\n") as fh:
        for n, raw in enumerate(fh, start=1):
            result.lines = n
            parts = raw.rstrip("\n").split("\t")
            if not raw.endswith("\n") or len(parts) != FIELDS or not parts[2].isdigit():
                result.torn.append(n)
                continue
            at, number, count, head, kid, mac = parts
            key = keys.get(kid)
            body = "\t".join(parts[:5])
            prev, result.last_mac = result.last_mac, mac
            if key is None:
                result.problems.append(
                    f"链头导出文件第 {n} 行：所用密钥 {kid} 未配置（旧密钥请列入 "
                    "XINFANG_AUDIT_KEY_PREVIOUS）"
                )
                continue
            if audit.line_mac(key, prev, body) != mac:
                result.problems.append(
                    f"链头导出文件第 {n} 行：校验码不符（该行或其前一行被改动、插入或删除）"
                )
                continue
            result.anchors[number] = Anchor(number, int(count), head, at, n)
            result.last_at = at
    return result


def export_heads(*, path: Path | None = None) -> ExportReport:
    """Append a line for every case whose (event count, head) differs from its newest line."""
    path = Path(path or export_path())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # one exporter at a time: the MACs form one chain
        current = read_heads(path)
        key = audit.current_key()
        at = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        prev = current.last_mac
        lines: list[str] = []
        cases = 0
        rows = (
            Case.objects.order_by("pk")
            .values_list("number", "event_count", "audit_head")
            .iterator(chunk_size=CHUNK)
        )
        for number, count, head in rows:
            cases += 1
            anchor = current.anchors.get(number)
            if not count or (anchor and (anchor.count, anchor.head) == (count, head)):
                continue
            body = f"{at}\t{number}\t{count}\t{head}\t{key.id}"
            prev = audit.line_mac(key, prev, body)
            lines.append(f"{body}\t{prev}\n")
        if lines:
            data = "".join(lines).encode()
            if current.torn and current.torn[-1] == current.lines:
                data = b"\n" + data  # close a line cut short, so ours start on their own
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
    finally:
        os.close(fd)
    return ExportReport(path, len(lines), cases, tuple(current.problems))
