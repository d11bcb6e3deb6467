"""Writing a verified exchange file (cases/exchange): each case is created with its timeline as
the sender recorded it, re-linked under this system's audit key, and a `received` entry naming
the sender, its number and the exchange chain's head. A case already here with the same history
is left alone (re-importing a file changes nothing); one whose history the file extends (a case
handed up and now handed back) gets the new entries and the sender's current state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import audit, crypto, events
from xinfang.core.errors import InvalidInput
from xinfang.orgs.models import Body, Division
from xinfang.orgs.selectors import petition_office_for
from xinfang.taxonomy.selectors import leaf_by_code

from .. import search, workflow
from ..exchange.format import chain
from ..exchange.reader import Verified
from ..models import Case, CaseEvent, Clock
from .clocks import replace_clocks
from .engine import append_event
from .registration import AttachmentInput, PartyInput, _party_row, _store_attachment

RECEIVED = workflow.HANDED_IN


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _dt(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _copy_event(case: Case, e: dict) -> CaseEvent:
    """The sender's entry as it was, linked into this system's keyed chain."""
    event = CaseEvent(
        case=case,
        seq=case.event_count + 1,
        kind=e["kind"],
        actor=None,
        actor_label=e.get("actor_label") or "",
        at=_dt(e["at"]).astimezone(dt.UTC),
        from_state=e.get("from") or "",
        to_state=e.get("to") or "",
        old=e.get("old") or {},
        new=e.get("new") or {},
        extra=e.get("extra") or {},
        notice=e.get("notice") or "",
        citizen_visible=bool(e.get("citizen_visible")),
        prev_hash=case.audit_head or audit.GENESIS,
    )
    event.hash = audit.link_hash(event.prev_hash, event.hash_payload())
    event.save()
    case.event_count = event.seq
    case.audit_head = event.hash
    return event


def local_links(case: Case) -> list[str]:
    """The exchange links of this case's own timeline, as an export would compute them."""
    from ..exchange.writer import _event

    return chain([_event(e) for e in case.events.order_by("seq")])


def _state_fields(r: dict) -> dict:
    return dict(
        state=r["state"],
        decision=r.get("decision") or "",
        decision_detail=r.get("decision_detail") or {},
        legal_channel=r.get("legal_channel") or "",
        rating=r.get("rating") or "",
        rating_comment=r.get("rating_comment") or "",
        leader_level=r.get("leader_level") or "",
        leader_plan=r.get("leader_plan") or "",
        leader_deadline=_date(r.get("leader_deadline")),
        closed_at=_dt(r.get("closed_at")),
    )


def _replace_clocks(case: Case, r: dict) -> None:
    replace_clocks(
        case,
        [
            Clock(
                period=c["period"],
                unit=c["unit"],
                days=c["days"],
                started_on=_date(c["started_on"]),
                due_on=_date(c["due_on"]),
                fixed_due=bool(c.get("fixed_due")),
                extension_days=c.get("extension_days") or 0,
                paused_days=c.get("paused_days") or 0,
                paused_since=_date(c.get("paused_since")),
                status=c["status"],
                stopped_on=_date(c.get("stopped_on")),
                met=c.get("met"),
            )
            for c in r.get("clocks") or []
        ],
    )


def _received(case: Case, r: dict, source: dict, actor, first_new: int) -> CaseEvent:
    return append_event(
        case,
        kind=RECEIVED,
        actor=actor,
        from_state=case.state,
        to_state=case.state,
        new={"holder": case.holder_body.name},
        extra={
            "source": source,
            "source_number": r["number"],
            "source_holder": r.get("holder_body") or "",
            "exchange_head": r["chain_head"],
            "source_audit_head": r.get("source_audit_head") or "",
            "entries": [first_new, len(r["events"])],
        },
        citizen_visible=False,
    )


def _create(r: dict, *, body: Body | None, source: dict, actor, files: dict) -> Case:
    place = Division.objects.filter(code=r.get("place") or "").first()
    if place is None:
        raise InvalidInput(
            _("Case %(number)s: its place %(code)s is not a division here")
            % {"number": r["number"], "code": r.get("place")}
        )
    holder = body or petition_office_for(place)
    if holder is None:
        raise InvalidInput(
            _("Case %(number)s: no petition office here covers its place") % {"number": r["number"]}
        )
    code = r.get("tracking_code") or crypto.new_code()
    if Case.objects.filter(tracking_code=code).exists():
        code = crypto.new_code()
    accused = Body.objects.filter(name=r["accused_body"]).first() if r.get("accused_body") else None
    case = Case.objects.create(
        number=r["number"],
        tracking_code=code,
        query_password_hash=r.get("query_password_hash") or "",
        registered_at=_dt(r["registered_at"]),
        registering_body=holder,
        holder_body=holder,
        channel=r["channel"],
        content_type=r["content_type"],
        category=leaf_by_code(r["category"]) if r.get("category") else None,
        place=place,
        address=r.get("address") or "",
        title=r["title"],
        body=r["body"],
        search_text=search.search_text(r["title"], r["body"], r.get("address") or ""),
        is_group=bool(r.get("is_group")),
        group_size=r.get("group_size") or 1,
        accused_body=accused,
        confidential=bool(r.get("confidential")) or r["content_type"] == "report",
        public_consent=bool(r.get("public_consent")) and r["content_type"] != "report",
        **_state_fields(r),
    )
    parties = [
        _party_row(
            PartyInput(
                **{
                    k: p.get(k) or ""
                    for k in ("kind", "name", "phone", "id_number", "address", "email")
                }
            )
        )
        for p in r.get("parties") or []
    ]
    for row in parties:
        row.case = case
    case.parties.model.objects.bulk_create(parties)
    _replace_clocks(case, r)
    for a in r.get("attachments") or []:
        _store_attachment(
            case,
            AttachmentInput(
                name=a["name"],
                content=files[a["sha256"]],
                citizen_visible=bool(a.get("citizen_visible")),
            ),
        )
    for e in r["events"]:
        _copy_event(case, e)
    return case


def _extend(case: Case, r: dict, start: int, source: dict) -> None:
    for e in r["events"][start:]:
        _copy_event(case, e)
    for name, value in _state_fields(r).items():
        setattr(case, name, value)
    _replace_clocks(case, r)


def record_handover(*, case: Case, to: str, actor=None) -> CaseEvent:
    """Note in the case's own timeline that it is handed to `to` (another level's system); the
    export that follows carries the note, so a case that comes back continues this history."""
    if not (to or "").strip():
        raise InvalidInput(_("Name the body the case is handed to"))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        event = append_event(
            case,
            kind=workflow.HANDED_OVER,
            actor=actor,
            from_state=case.state,
            to_state=case.state,
            extra={"to": to.strip()},
            citizen_visible=False,
        )
        case.version += 1
        case.save(update_fields=["event_count", "audit_head", "version", "updated_at"])
        events.publish(event)
    return event


def import_exchange(verified: Verified, *, body: Body | None = None, actor=None) -> ImportReport:
    """Write every case of a verified file in one transaction (all or nothing)."""
    report = ImportReport()
    source = verified.source
    with transaction.atomic(durable=True):
        for r in verified.records:
            number = r["number"]
            incoming = [e["link"] for e in r["events"]]
            case = Case.objects.select_for_update().filter(number=number).first()
            if case is None:
                case = _create(r, body=body, source=source, actor=actor, files=verified.files)
                first_new = 1
                report.created.append(number)
            else:
                mine = local_links(case)
                if incoming and incoming[-1] in mine:
                    report.unchanged.append(number)  # this history is already here
                    continue
                known = max((i + 1 for i, link in enumerate(incoming) if link in mine), default=0)
                if known == 0 or incoming[known - 1] != mine[-1]:
                    raise InvalidInput(
                        _(
                            "Case %(number)s is here with a history the file does not continue; "
                            "nothing was imported"
                        )
                        % {"number": number}
                    )
                _extend(case, r, known, source)
                first_new = known + 1
                report.extended.append(number)
            event = _received(case, r, source, actor, first_new)
            case.version += 1
            case.save()
            events.publish(event)
    return report
