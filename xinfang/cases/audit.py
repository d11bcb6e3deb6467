"""Verification of the hash-chained case timeline (DESIGN.md, "CaseEvent").

Every event links to the one before it (prev_hash), its hash covers its own content, its seq
follows without gaps, and the case row remembers the last hash and the number of events
(audit_head, event_count), so editing, deleting or truncating a timeline shows.

Cases and events are streamed in (case, seq) order with one merge pass, never loaded whole. A
case that looks broken is read again under its row lock before it is reported, so a move that
commits while the walk is running is not mistaken for tampering.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction

from xinfang.core import audit
from xinfang.core.errors import NotFound

from .models import Case, CaseEvent

CHUNK = 2000


@dataclass(frozen=True)
class Break:
    """The first broken link of a case's chain."""

    case_number: str
    case_id: int
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
    broken: Break | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def __str__(self) -> str:
        if self.broken:
            return str(self.broken)
        return f"审计链完整：{self.cases} 个事项，{self.events} 条记录"


def check_case(case: Case, events: Iterable[CaseEvent]) -> tuple[int, Break | None]:
    """Walk one case's events (in seq order); the number seen and the first broken link."""
    head = audit.GENESIS
    expected = 1
    last: CaseEvent | None = None

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
        if audit.link_hash(event.prev_hash, event.hash_payload()) != event.hash:
            return expected, broken(event.seq, event, "记录内容与其哈希不符（内容被改动）")
        head = event.hash
        last = event
        expected += 1
    count = expected - 1
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


def _recheck(case_id: int) -> tuple[Case | None, int, Break | None]:
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
        count, broken = check_case(case, case.events.order_by("seq").iterator(chunk_size=CHUNK))
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


def verify_audit_chain(*, number: str | None = None) -> ChainReport:
    """Check every case's chain (or one case's, by number); stop at the first broken link."""
    if number:
        case_id = Case.objects.filter(number=number).values_list("pk", flat=True).first()
        if case_id is None:
            raise NotFound(f"未找到事项 {number}")
        up_to = case_id
    else:
        case_id = None
        up_to = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    stream = _events(case_id, up_to)
    pending: CaseEvent | None = next(stream, None)
    n_cases = n_events = 0
    for case in _cases(number, up_to):
        # Events of this case only; anything before it belongs to no case (cannot pass the FK).
        def own(case=case) -> Iterator[CaseEvent]:
            nonlocal pending
            while pending is not None and pending.case_id <= case.pk:
                event, pending = pending, next(stream, None)
                if event.case_id == case.pk:
                    yield event

        gen = own()
        count, broken = check_case(case, gen)
        for _rest in gen:  # a broken case stops early; skip the rest of its events
            pass
        if broken is not None:
            _fresh, count, broken = _recheck(case.pk)
        n_cases += 1
        n_events += count
        if broken is not None:
            return ChainReport(n_cases, n_events, broken)
    return ChainReport(n_cases, n_events)
