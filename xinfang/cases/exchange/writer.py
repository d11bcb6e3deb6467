"""Export cases as an exchange file (docs/systems.md, "Exchange between levels")."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings

from xinfang.core.timeutil import now

from ..models import Case
from .format import FORMAT, VERSION, chain, line, record_digest, sign

CASE_FIELDS = (
    "number",
    "tracking_code",
    "query_password_hash",
    "channel",
    "content_type",
    "title",
    "body",
    "address",
    "state",
    "is_group",
    "group_size",
    "confidential",
    "public_consent",
    "decision",
    "decision_detail",
    "legal_channel",
    "rating",
    "rating_comment",
    "leader_level",
    "leader_plan",
)
CLOCK_FIELDS = (
    "period",
    "unit",
    "days",
    "started_on",
    "due_on",
    "fixed_due",
    "extension_days",
    "paused_days",
    "paused_since",
    "status",
    "stopped_on",
    "met",
)


def source() -> dict:
    cfg = settings.XINFANG
    return {
        "system": cfg.get("EXCHANGE_SOURCE") or "xinfang",
        "division": cfg.get("EXCHANGE_DIVISION") or "",
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _event(e) -> dict:
    return {
        "seq": e.seq,
        "kind": e.kind,
        "actor_label": e.actor_label,
        "at": e.at.isoformat(),
        "from": e.from_state,
        "to": e.to_state,
        "old": e.old,
        "new": e.new,
        "extra": e.extra,
        "notice": e.notice,
        "citizen_visible": e.citizen_visible,
        "source_hash": e.hash,
    }


def _attachment(a, folder: Path | None) -> dict:
    with a.file.open("rb") as fh:
        content = fh.read()
    digest = hashlib.sha256(content).hexdigest()
    out = {
        "name": a.name,
        "mime_type": a.mime_type,
        "size": len(content),
        "sha256": digest,
        "citizen_visible": a.citizen_visible,
    }
    if folder is None:
        out["content_base64"] = base64.b64encode(content).decode()
    else:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / digest).write_bytes(content)
        out["file"] = digest
    return out


def case_record(case: Case, *, folder: Path | None = None) -> dict:
    """One case line: the case, its parties in clear, clocks, attachments and the timeline."""
    record: dict = {"type": "case"}
    record.update({f: getattr(case, f) for f in CASE_FIELDS})
    record.update(
        registered_at=_iso(case.registered_at),
        closed_at=_iso(case.closed_at),
        leader_deadline=_iso(case.leader_deadline),
        place=case.place_id,
        category=case.category.code if case.category_id else None,
        registering_body=case.registering_body.name,
        holder_body=case.holder_body.name,
        accused_body=case.accused_body.name if case.accused_body_id else None,
    )
    record["parties"] = [
        {
            "kind": p.kind,
            "name": p.name,
            "phone": p.phone,
            "id_number": p.id_number,
            "address": p.address,
            "email": p.email,
        }
        for p in case.parties.order_by("pk")
    ]
    record["clocks"] = [
        {
            f: (_iso(v) if hasattr(v, "isoformat") else v)
            for f in CLOCK_FIELDS
            for v in [getattr(c, f)]
        }
        for c in case.clocks.order_by("pk")
    ]
    record["attachments"] = [_attachment(a, folder) for a in case.attachments.order_by("pk")]
    events = [_event(e) for e in case.events.order_by("seq")]
    for event, link in zip(events, chain(events), strict=True):
        event["link"] = link
    record["events"] = events
    record["chain_head"] = events[-1]["link"] if events else ""
    record["source_audit_head"] = case.audit_head
    record["digest"] = record_digest(record)
    return record


@dataclass
class ExportReport:
    cases: int
    digest: str


def export_cases(
    cases: Iterable[Case], out: IO[str], *, attachments_dir: Path | None = None
) -> ExportReport:
    """Write the header, one line per case and the closing line with the file's digest."""
    total = hashlib.sha256()

    def put(obj: dict) -> None:
        text = line(obj) + "\n"
        total.update(text.encode())
        out.write(text)

    put(
        {
            "type": "header",
            "format": FORMAT,
            "version": VERSION,
            "source": source(),
            "exported_at": now().isoformat(),
            "attachments": "folder" if attachments_dir else "inline",
        }
    )
    n = 0
    qs = Case.objects.select_related("category", "registering_body", "holder_body", "accused_body")
    for case in cases:
        case = qs.get(pk=case.pk)
        put(case_record(case, folder=attachments_dir))
        n += 1
    digest = total.hexdigest()
    out.write(line({"type": "end", "cases": n, "digest": digest, "signature": sign(digest)}) + "\n")
    return ExportReport(n, digest)
