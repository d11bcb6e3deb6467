"""Verification of the keyed, hash-chained case timeline (DESIGN.md, "Timeline = audit").

Every event links to the one before it (prev_hash), its link is an HMAC of its own content under
the audit key (xinfang/core/audit.py), its seq follows without gaps, and the case row remembers
the last link and the number of events (audit_head, event_count), so editing, deleting or
truncating a timeline shows, and recomputing the chain without the key does not hide it. The
newest line of the head export (audit_export.py) is held against each chain as well: a chain cut
back to an earlier event, with its case row reset to match, still differs from what was exported.

Cases and events are streamed in (case, seq) order with one merge pass, never loaded whole. A
case that looks broken is read again under its row lock before it is reported, so a move that
commits while the walk is running is not mistaken for tampering. Every broken case is reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from xinfang.core import audit
from xinfang.core.errors import NotFound

from .audit_export import Anchor, HeadFile, read_heads
from .models import Case, CaseEvent

CHUNK = 2000

LINK_REASONS = {
    audit.UNKEYED: "链接未用审计密钥生成（被重算或为未迁移的旧式哈希）",
    audit.UNKNOWN_KEY: "链接所用的审计密钥未配置（轮换前的旧密钥请列入 XINFANG_AUDIT_KEY_PREVIOUS）",
    audit.MISMATCH: "记录内容与其哈希不符（内容被改动）",
}


@dataclass(frozen=True)
class Break:
    """The first broken link of a case's chain."""

    case_number: str
    case_id: int | None  # None when the case row itself is gone
    seq: int
    event_id: int | None  # None when the record at `seq` is missing
    reason: str

    def __str__(self) -> str:
        where = f"第 {self.seq} 条记录"
        if self.event_id is not None:
            where += f" (id {self.event_id})"
        return f"审计链断裂：事项 {self.case_number}，{where}：{self.reason}"


@dataclass(frozen=True)
class ChainReport:
    cases: int
    events: int
    breaks: tuple[Break, ...] = ()
    export: HeadFile | None = None
    keys: Counter = field(default_factory=Counter)

    @property
    def intact(self) -> bool:
        return not self.breaks and not (self.export and self.export.problems)

    @property
    def broken(self) -> Break | None:
        """The first broken case, in case order."""
        return self.breaks[0] if self.breaks else None

    def __str__(self) -> str:
        lines = [str(b) for b in self.breaks]
        if self.export is not None:
            lines.extend(self.export.problems)
        if lines:
            n = len({b.case_number for b in self.breaks})
            lines.append(f"共 {n} 个事项的审计链断裂（检查了 {self.cases} 个事项）")
        else:
            lines.append(f"审计链完整：{self.cases} 个事项，{self.events} 条记录")
        if self.keys:
            current = audit.current_key().id
            lines.append(
                "按审计密钥："
                + "，".join(
                    f"{kid}{'（当前）' if kid == current else ''} {n} 条"
                    for kid, n in sorted(self.keys.items())
                )
            )
        lines.extend(self._export_lines())
        return "\n".join(lines)

    def _export_lines(self) -> list[str]:
        if self.export is None:
            return []
        if not self.export.exists:
            return [f"注意：链头导出文件 {self.export.path} 不存在，未与导出比对"]
        out = [
            f"已与链头导出比对：{len(self.export.anchors)} 个事项，"
            f"最近一次导出 {self.export.last_at or '无'}"
        ]
        if self.export.torn:
            out.append(f"注意：导出文件第 {self.export.torn} 行不完整（导出被中断），已跳过")
        return out


def _anchor_breaks(case: Case, anchor: Anchor, event: CaseEvent | None, count: int) -> Break | None:
    if count < anchor.count:
        return Break(
            case.number,
            case.pk,
            count + 1,
            None,
            f"链头导出（{anchor.at}）时已有 {anchor.count} 条记录，现只有 {count} 条"
            "（末尾被删除，历史被截断）",
        )
    if event is not None and event.hash != anchor.head:
        return Break(
            case.number,
            case.pk,
            anchor.count,
            event.pk,
            f"与链头导出（{anchor.at}）不符（导出后历史被改写）",
        )
    return None


def check_case(
    case: Case,
    events: Iterable[CaseEvent],
    anchor: Anchor | None = None,
    keys: Counter | None = None,
) -> tuple[int, Break | None]:
    """Walk one case's events (in seq order); the number seen and the first broken link."""
    head = audit.GENESIS
    expected = 1
    last: CaseEvent | None = None
    at_anchor: CaseEvent | None = None

    def broken(seq: int, event: CaseEvent | None, reason: str) -> Break:
        return Break(case.number, case.pk, seq, event.pk if event else None, reason)

    for event in events:
        if event.seq != expected:
            if event.seq > expected:
                reason = f"缺少第 {expected} 至 {event.seq - 1} 条记录"
            else:
                reason = f"记录序号重复或倒退（应为第 {expected} 条）"
            return expected, broken(event.seq, event, reason)
        if event.prev_hash != head:
            return expected, broken(event.seq, event, "前一环哈希与上一条记录不符（链接被改动）")
        problem = audit.check_link(event.prev_hash, event.hash_payload(), event.hash)
        if problem is not None:
            return expected, broken(event.seq, event, LINK_REASONS[problem])
        if keys is not None:
            keys[audit.key_id_of(event.hash)] += 1
        if anchor is not None and event.seq == anchor.count:
            at_anchor = event
        head = event.hash
        last = event
        expected += 1
    count = expected - 1
    if anchor is not None:
        found = _anchor_breaks(case, anchor, at_anchor, count)
        if found is not None:
            return count, found
    if count < case.event_count:
        return count, broken(
            count + 1,
            None,
            f"记录缺失：事项应有 {case.event_count} 条记录，实际只有 {count} 条（末尾被删除）",
        )
    if count > case.event_count:
        # Cannot happen for a chain whose head matches; reported for a hand-edited event_count.
        return count, broken(
            case.event_count + 1,
            None,
            f"记录条数不符：事项登记为 {case.event_count} 条，实际有 {count} 条",
        )
    if head != (case.audit_head or audit.GENESIS):
        return count, broken(
            count, last, "末条记录的哈希与事项保存的审计链头不符（末尾被改动或删除）"
        )
    return count, None


def _recheck(
    case_id: int, anchor: Anchor | None, keys: Counter
) -> tuple[Case | None, int, Break | None]:
    """Read one case and its events as of a single moment: under the row lock moves take."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .filter(pk=case_id)
            .only("number", "event_count", "audit_head")
            .first()
        )
        if case is None:
            return None, 0, None
        events = case.events.order_by("seq").iterator(chunk_size=CHUNK)
        count, broken = check_case(case, events, anchor, keys)
        return case, count, broken


def _cases(number: str | None, up_to: int) -> Iterator[Case]:
    qs = (
        Case.objects.filter(pk__lte=up_to)
        .order_by("pk")
        .only("number", "event_count", "audit_head")
    )
    if number:
        qs = qs.filter(number=number)
    return qs.iterator(chunk_size=CHUNK)


def _events(case_id: int | None, up_to: int) -> Iterator[CaseEvent]:
    qs = CaseEvent.objects.filter(case_id__lte=up_to).order_by("case_id", "seq")
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return qs.iterator(chunk_size=CHUNK)


def _vanished(anchors: dict[str, Anchor]) -> list[Break]:
    """Exported cases whose row is no longer there (deleted, or renumbered)."""
    present = set(Case.objects.filter(number__in=list(anchors)).values_list("number", flat=True))
    return [
        Break(a.number, None, a.count, None, f"链头导出（{a.at}）中有此事项，数据库中已没有")
        for a in anchors.values()
        if a.number not in present
    ]


def verify_audit_chain(
    *, number: str | None = None, export: Path | None = None, use_export: bool = True
) -> ChainReport:
    """Check every case's chain (or one case's, by number) against the key and the newest head
    export (settings.AUDIT_EXPORT_PATH, or `export`); report every broken case."""
    if number:
        case_id = Case.objects.filter(number=number).values_list("pk", flat=True).first()
        if case_id is None:
            raise NotFound(f"未找到事项 {number}")
        up_to = case_id
    else:
        case_id = None
        up_to = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    heads = read_heads(export) if use_export else None
    anchors = dict(heads.anchors) if heads else {}
    keys: Counter = Counter()
    stream = _events(case_id, up_to)
    pending: CaseEvent | None = next(stream, None)
    n_cases = n_events = 0
    breaks: list[Break] = []
    for case in _cases(number, up_to):
        # Events of this case only; anything before it belongs to no case (cannot pass the FK).
        def own(case=case) -> Iterator[CaseEvent]:
            nonlocal pending
            while pending is not None and pending.case_id <= case.pk:
                event, pending = pending, next(stream, None)
                if event.case_id == case.pk:
                    yield event

        anchor = anchors.pop(case.number, None)
        seen: Counter = Counter()
        gen = own()
        count, broken = check_case(case, gen, anchor, seen)
        for _rest in gen:  # a broken case stops early; skip the rest of its events
            pass
        if broken is not None:
            seen = Counter()
            _fresh, count, broken = _recheck(case.pk, anchor, seen)
        keys.update(seen)
        n_cases += 1
        n_events += count
        if broken is not None:
            breaks.append(broken)
    if not number and anchors:
        breaks.extend(_vanished(anchors))
    return ChainReport(n_cases, n_events, tuple(breaks), heads, keys)
