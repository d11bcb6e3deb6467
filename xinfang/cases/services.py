"""Every change of a case goes through here: one function per move (DESIGN.md, Transitions).

Each move, in one durable transaction: locks the case row, checks role and scope, checks the move
is allowed now (workflow.py), applies it, appends the hash-chained CaseEvent, moves the clocks and
publishes the event so in-transaction subscribers (outbox, notices) commit with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xinfang.core import audit, crypto, events
from xinfang.core.errors import (
    InvalidInput,
    MoveNotAllowed,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from xinfang.core.selectors import work_calendar
from xinfang.core.timeutil import now, today
from xinfang.orgs.models import Body, BodyKind, Division, Level
from xinfang.orgs.selectors import memberships_of
from xinfang.taxonomy.models import Category

from . import deadlines, search, workflow
from .models import Attachment, Case, CaseEvent, Clock, Party
from .selectors import note_text, periods

W = workflow.S
MAX_REPRESENTATIVES = 5  # W20


@dataclass(frozen=True)
class CitizenActor:
    """A petitioner who proved access to one case (tracking code and query password)."""

    case_id: int | None = None
    label: str = "信访人"


@dataclass
class PartyInput:
    name: str = ""
    phone: str = ""
    id_number: str = ""
    address: str = ""
    email: str = ""
    kind: str = Party.PETITIONER


@dataclass
class AttachmentInput:
    name: str
    content: bytes
    mime_type: str = "application/octet-stream"
    citizen_visible: bool = True


@dataclass
class Registration:
    case: Case
    tracking_code: str
    query_password: str
    clocks: list[Clock] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Registration


def _validate_registration(
    *, channel, content_type, title, text, parties, is_group, accused_body
) -> None:
    errors: dict[str, list[str]] = {}
    if channel not in workflow.CHANNELS:
        errors["channel"] = [_("Choose a valid channel")]
    if content_type not in workflow.CONTENT_TYPES:
        errors["content_type"] = [
            _("Choose the content type: suggestion, report of misconduct, or request or complaint")
        ]
    if not (title or "").strip():
        errors["title"] = [_("Enter a title")]
    elif len(title) > 200:
        errors["title"] = [_("The title may not be longer than 200 characters")]
    if not (text or "").strip():
        errors["body"] = [_("Describe the matter")]
    petitioners = [p for p in parties if p.kind == Party.PETITIONER]
    representatives = [p for p in parties if p.kind == Party.REPRESENTATIVE]
    if content_type == "appeal":
        # W19: a request names the petitioner and a way to reach them.
        if not petitioners and not representatives:
            errors["petitioner"] = [_("A request or complaint must name the petitioner")]
        elif not all(p.name.strip() for p in petitioners + representatives):
            errors["petitioner.name"] = [_("Enter the petitioner's name")]
        elif not any(p.phone or p.address for p in petitioners + representatives):
            errors["petitioner.phone"] = [_("Enter at least a phone number or a postal address")]
    for p in parties:
        if p.phone and not (7 <= len(crypto.normalise_phone(p.phone)) <= 12):
            errors["petitioner.phone"] = [_("The phone number is not valid")]
        if p.id_number and len(crypto.normalise_id(p.id_number)) not in (15, 18):
            errors["petitioner.id_number"] = [_("An ID number has 15 or 18 characters")]
    if is_group and len(representatives) > MAX_REPRESENTATIVES:
        errors["representatives"] = [
            _("A group visit chooses representatives, no more than 5 (W20)")
        ]
    if accused_body is not None and content_type != "report":
        errors["accused_body"] = [_("Only a report of misconduct may name an accused body")]
    if errors:
        raise InvalidInput(
            _("Some of what you entered is not right; correct it and try again"), fields=errors
        )


def _next_number(county_code: str, day: dt.date) -> str:
    # One statement both engines run atomically; it rolls back with the registration (gap-free).
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO cases_casesequence (division_code, day, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (division_code, day) DO UPDATE SET last = cases_casesequence.last + 1 "
            "RETURNING last",
            [county_code, day],
        )
        seq = cur.fetchone()[0]
    from django.conf import settings

    prefix = settings.XINFANG["CASE_NUMBER_PREFIX"]
    return f"{prefix}-{county_code}-{day:%Y%m%d}-{seq:06d}"


def _register_roles(actor, body: Body) -> set[str]:
    if isinstance(actor, CitizenActor):
        return {workflow.PETITIONER}
    if actor is None:
        return set()
    return {m.role for m in memberships_of(actor) if m.body_id == body.pk}


def register(
    *,
    actor,
    body: Body,
    channel: str,
    content_type: str,
    title: str,
    text: str,
    place: Division,
    address: str = "",
    category: Category | None = None,
    parties: Iterable[PartyInput] = (),
    public_consent: bool = False,
    is_group: bool = False,
    group_size: int = 1,
    accused_body: Body | None = None,
    confidential: bool = False,
    attachments: Iterable[AttachmentInput] = (),
) -> Registration:
    """Register a petition item (W17, W21). Nothing received is ever dropped."""
    parties = list(parties)
    _validate_registration(
        channel=channel,
        content_type=content_type,
        title=title,
        text=text,
        parties=parties,
        is_group=is_group,
        accused_body=accused_body,
    )
    if not _register_roles(actor, body) & workflow.REGISTER_ROLES:
        raise PermissionDenied(_("You may not register cases at this body"))
    if category is not None and category.level != 3:
        raise InvalidInput(
            _("Choose a category at the lowest level"),
            fields={"category": [_("Choose a category at the lowest level")]},
        )
    if accused_body is not None and accused_body.pk == body.pk:
        raise InvalidInput(
            _("A report may not be registered by the body it accuses"),
            fields={"accused_body": [_("The accused body may not be the registering body")]},
        )
    moment = now()
    day = today()
    tracking_code = crypto.new_code()
    password = crypto.new_password()
    with transaction.atomic(durable=True):
        case = Case.objects.create(
            number=_next_number(body.division.county_code, day),
            tracking_code=tracking_code,
            query_password_hash=crypto.hash_query_password(tracking_code, password),
            registered_at=moment,
            registering_body=body,
            holder_body=body,
            channel=channel,
            content_type=content_type,
            category=category,
            place=place,
            address=address.strip(),
            title=title.strip(),
            body=text.strip(),
            search_text=search.search_text(title, text, address),
            is_group=is_group,
            group_size=max(group_size, len(parties), 1),
            accused_body=accused_body,
            confidential=confidential or content_type == "report",
            public_consent=public_consent and content_type != "report",
        )
        for p in parties:
            Party.objects.create(
                case=case,
                kind=p.kind,
                name_enc=crypto.encrypt(p.name.strip()),
                phone_enc=crypto.encrypt(crypto.normalise_phone(p.phone)),
                id_number_enc=crypto.encrypt(crypto.normalise_id(p.id_number)),
                address_enc=crypto.encrypt(p.address.strip()),
                email_enc=crypto.encrypt(p.email.strip()),
                phone_index=crypto.blind_index(crypto.normalise_phone(p.phone)),
                id_index=crypto.blind_index(crypto.normalise_id(p.id_number)),
            )
        for a in attachments:
            _store_attachment(case, a)
        cal = work_calendar()
        configured = periods()
        clocks = [_start_clock(case, "route", day, cal, configured)]
        if content_type == "suggestion":
            clocks.append(_start_clock(case, "proposal_feedback", day, cal, configured))
        event = _append_event(
            case,
            kind="register",
            actor=actor,
            from_state="",
            to_state=case.state,
            new={"channel": channel, "content_type": content_type, "holder": body.name},
            extra={"article": "W17/W21"},
            notice="",
            citizen_visible=True,
        )
        case.save()
        events.publish(event)
    return Registration(
        case=case, tracking_code=tracking_code, query_password=password, clocks=clocks
    )


def _store_attachment(case: Case, a: AttachmentInput) -> Attachment:
    from django.core.files.base import ContentFile

    att = Attachment(
        case=case,
        name=a.name[:200],
        mime_type=a.mime_type,
        size=len(a.content),
        sha256=hashlib.sha256(a.content).hexdigest(),
        citizen_visible=a.citizen_visible,
    )
    att.file.save(a.name, ContentFile(a.content), save=False)
    att.save()
    return att


# ---------------------------------------------------------------------------------------------
# The one transition function


def _append_event(
    case: Case,
    *,
    kind: str,
    actor,
    from_state: str,
    to_state: str,
    old: dict | None = None,
    new: dict | None = None,
    extra: dict | None = None,
    notice: str = "",
    citizen_visible: bool = True,
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        seq=case.event_count + 1,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_actor_label(actor),
        # UTC, as the database returns it: the hash covers at.isoformat().
        at=now().astimezone(dt.UTC),
        from_state=from_state,
        to_state=to_state,
        old=old or {},
        new=new or {},
        extra=extra or {},
        notice=notice or "",
        citizen_visible=citizen_visible,
        prev_hash=case.audit_head or audit.GENESIS,
    )
    event.hash = audit.link_hash(event.prev_hash, event.hash_payload())
    event.save()
    case.event_count = event.seq
    case.audit_head = event.hash
    return event


def _actor_label(actor) -> str:
    if actor is None:
        return "系统"
    if isinstance(actor, CitizenActor):
        return actor.label
    return actor.get_full_name() or actor.get_username()


def _is_protected_from(actor, case: Case) -> bool:
    if case.accused_body_id is None or not getattr(actor, "is_authenticated", False):
        return False
    return any(m.body_id == case.accused_body_id for m in memberships_of(actor))


def _covers(member_body: Body, target: Body) -> bool:
    return target.division.path.startswith(member_body.division.path)


def acting_roles(actor, case: Case, move: workflow.Move) -> set[str]:
    """The roles of `move.roles` the actor holds for this case, as the move's `acting` says."""
    if actor is None:
        return {workflow.SYSTEM} & move.roles
    if isinstance(actor, CitizenActor):
        return {workflow.PETITIONER} & move.roles if actor.case_id == case.pk else set()
    if _is_protected_from(actor, case):
        return set()
    held = set()
    holder = case.holder_body
    for m in memberships_of(actor):
        if m.role not in move.roles:
            continue
        body = m.body
        if move.acting == workflow.AT_HOLDER:
            ok = body.pk == holder.pk
        elif move.acting == workflow.AT_SENDER:
            ok = body.pk == case.sender_body_id
        elif move.acting == workflow.AT_CO_HANDLER:
            ok = case.co_handlers.filter(body_id=body.pk).exists()
        elif move.acting == workflow.AT_OFFICE:
            ok = body.pk == holder.pk or (
                body.kind == BodyKind.PETITION_OFFICE and _covers(body, holder)
            )
        else:  # IN_SCOPE
            ok = body.pk == holder.pk or _covers(body, holder)
        if ok:
            held.add(m.role)
    return held


def context_for(case: Case, on: dt.date | None = None) -> workflow.Context:
    due = {c.period: c.due_on for c in case.clocks.exclude(status=Clock.STOPPED)}
    return workflow.Context(
        state=case.state,
        today=on or today(),
        content_type=case.content_type,
        channel=case.channel,
        extension_used=case.extension_used,
        extension_requested=case.extension_requested,
        hearing_active=case.hearing_active,
        rated=case.rating,
        due=due,
        holder_is_discipline=case.holder_body.kind == BodyKind.DISCIPLINE,
        holder_level=case.holder_body.division.level,
        co_handling=case.co_handlers.exists(),
    )


def available_moves(actor, case: Case) -> list[workflow.Move]:
    """Moves this actor may make on this case now (drawn from workflow.py)."""
    ctx = context_for(case)
    return [
        m
        for m in workflow.moves_from(case.state)
        if acting_roles(actor, case, m) and not workflow.guard_failures(m, ctx)
    ]


SNAPSHOT_FIELDS = (
    "state",
    "holder_body_id",
    "handler_id",
    "decision",
    "rating",
    "leader_level",
    "supervised",
    "listed_supervision",
    "escalated",
    "extension_used",
)


def _snapshot(case: Case) -> dict[str, Any]:
    return {f: getattr(case, f) for f in SNAPSHOT_FIELDS}


def _diff(old: dict, new: dict) -> tuple[dict, dict]:
    changed = [k for k in old if old[k] != new[k]]
    return {k: old[k] for k in changed}, {k: new[k] for k in changed}


def _resolve(case: Case | str) -> int:
    if isinstance(case, Case):
        return case.pk
    pk = Case.objects.filter(number=case).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound(_("Case not found"))
    return pk


Apply = Callable[[Case, dt.date], dict | None]


# Serialisation failure and deadlock (PostgreSQL), and a lock wait that timed out (SQLite).
LOCK_CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})


def is_lock_conflict(exc: OperationalError) -> bool:
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return state in LOCK_CONFLICT_SQLSTATES or "database is locked" in str(exc)


class Note:
    """A fixed note the citizen reads on the timeline. The hashed timeline keeps it in Chinese,
    never in the language of whoever made the move, together with its English source and values,
    so each reader sees it in their own language (selectors.citizen_note)."""

    def __init__(self, msgid: str, **values: str):
        self.msgid = msgid
        self.values = values

    def as_extra(self) -> dict:
        with translation.override("zh-hans"):
            text = note_text(self.msgid, self.values)
        return {
            "citizen_note": text,
            "citizen_note_msgid": self.msgid,
            "citizen_note_values": dict(self.values),
        }


def transition(
    name: str,
    *,
    case: Case | str,
    actor,
    expected_version: int | None = None,
    apply: Apply | None = None,
    clock_due: dict[str, dt.date] | None = None,
    citizen_note: str | Note = "",
) -> Case:
    """Make move `name` on `case`. `apply` changes the case's own fields and returns event extra.

    Two moves that lock the same cases in opposite order (a repeat merged each way) make the
    database give up one of them: that one gets the same clear conflict as a stale form.
    """
    try:
        return _transition(
            name,
            case=case,
            actor=actor,
            expected_version=expected_version,
            apply=apply,
            clock_due=clock_due,
            citizen_note=citizen_note,
        )
    except OperationalError as exc:
        if is_lock_conflict(exc):
            raise StaleVersion(
                _("Someone else has changed this case; reload it and check before you try again")
            ) from exc
        raise


def _transition(
    name: str,
    *,
    case: Case | str,
    actor,
    expected_version: int | None,
    apply: Apply | None,
    clock_due: dict[str, dt.date] | None,
    citizen_note: str | Note,
) -> Case:
    move = workflow.get_move(name)
    pk = _resolve(case)
    with transaction.atomic(durable=True):
        locked = (
            Case.objects.select_for_update()
            .select_related("holder_body", "holder_body__division")
            .filter(pk=pk)
            .first()
        )
        if locked is None:
            raise NotFound(_("Case not found"))
        roles = acting_roles(actor, locked, move)
        if not roles:
            if _is_protected_from(actor, locked):
                raise NotFound(_("Case not found"))
            raise PermissionDenied(
                _("You may not do “%(move)s” on this case") % {"move": move.label}
            )
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(
                _("Someone else has changed this case; reload it and check before you try again")
            )
        day = today()
        workflow.check(move, context_for(locked, day), roles)
        before = _snapshot(locked)
        from_state = locked.state
        extra = (apply(locked, day) if apply else None) or {}
        if move.target:
            locked.state = move.target
            if move.target == W.CLOSED:
                locked.closed_at = now()
        cal = work_calendar()
        configured = periods()
        for key in move.stops:
            _stop_clock(locked, key, day)
        if locked.state in workflow.TERMINAL:
            # A case that ends stops every clock still counting (result report, feedback, ...).
            for key in locked.clocks.exclude(status=Clock.STOPPED).values_list("period", flat=True):
                _stop_clock(locked, key, day)
        for key in move.starts:
            _start_clock(locked, key, day, cal, configured, due=(clock_due or {}).get(key))
        locked.version += 1
        old, new = _diff(before, _snapshot(locked))
        extra.setdefault("article", move.article)
        if isinstance(citizen_note, Note):
            extra.update(citizen_note.as_extra())
        elif citizen_note:
            extra["citizen_note"] = citizen_note
        event = _append_event(
            locked,
            kind=name,
            actor=actor,
            from_state=from_state,
            to_state=locked.state,
            old=old,
            new=new,
            extra=extra,
            notice=move.notice or "",
            citizen_visible=move.citizen_visible,
        )
        locked.save()
        events.publish(event)
    return locked


# ---------------------------------------------------------------------------------------------
# Clocks


def _start_clock(
    case: Case, key: str, start: dt.date, cal, configured, due: dt.date | None = None
) -> Clock:
    period = configured[key]
    Clock.objects.filter(case=case, period=key).exclude(status=Clock.STOPPED).update(
        status=Clock.STOPPED, stopped_on=start
    )
    if due is not None and due < start:
        raise InvalidInput(
            _("The date may not be before today"),
            fields={"due_on": [_("The date may not be before today")]},
        )
    return Clock.objects.create(
        case=case,
        period=key,
        unit=period.unit,
        days=period.days,
        started_on=start,
        due_on=cal.next_workday(due) if due else deadlines.due_date(period, start, cal),
        fixed_due=due is not None,
    )


def _stop_clock(case: Case, key: str, on: dt.date) -> None:
    for clock in Clock.objects.filter(case=case, period=key).exclude(status=Clock.STOPPED):
        clock.status = Clock.STOPPED
        clock.stopped_on = on
        clock.met = on <= clock.due_on
        clock.save(update_fields=["status", "stopped_on", "met"])


def _running_clock(case: Case, key: str) -> Clock:
    clock = Clock.objects.filter(case=case, period=key).exclude(status=Clock.STOPPED).first()
    if clock is None:
        raise MoveNotAllowed(_("That period is not running"))
    return clock


def _recompute(clock: Clock, cal, configured) -> None:
    if clock.fixed_due:
        return
    period = configured[clock.period]
    clock.due_on = deadlines.due_date(
        period.with_settings(days=clock.days, unit=clock.unit),
        clock.started_on,
        cal,
        extension_days=clock.extension_days,
        paused_days=clock.paused_days,
    )


def recompute_clocks(*, changed_day: dt.date) -> int:
    """Move the due dates a holiday-table edit on `changed_day` affects; returns how many moved.

    Only clocks still counting, computed from the period (not a person-set date), that started
    before the day and end on or after it, can depend on it.
    """
    cal = work_calendar()
    configured = periods()
    moved = 0
    with transaction.atomic():
        affected = Clock.objects.select_for_update().filter(
            status__in=[Clock.RUNNING, Clock.PAUSED],
            fixed_due=False,
            started_on__lt=changed_day,
            due_on__gte=changed_day - dt.timedelta(days=1),
        )
        for clock in affected:
            before = clock.due_on
            _recompute(clock, cal, configured)
            if clock.due_on != before:
                clock.save(update_fields=["due_on"])
                moved += 1
    return moved


# ---------------------------------------------------------------------------------------------
# Routing moves


def _body_or_error(body: Body | None, field_name: str = "body") -> Body:
    if body is None or not body.is_active:
        raise InvalidInput(
            _("Choose a valid body"), fields={field_name: [_("Choose a valid body")]}
        )
    return body


def _check_target(case: Case, target: Body) -> None:
    if case.accused_body_id and target.pk == case.accused_body_id:
        # W30, W46: a report never goes to the body it accuses.
        raise InvalidInput(
            _("A report may not go to the body it accuses"),
            code="protected_target",
            fields={"body": [_("A report may not go to the body it accuses")]},
        )
    if case.content_type == "report" and target.kind != BodyKind.DISCIPLINE:
        raise InvalidInput(
            _("A report of misconduct goes to a discipline inspection body (W22, W28)"),
            fields={"body": [_("A report of misconduct goes to a discipline inspection body")]},
        )
    if target.pk == case.holder_body_id:
        raise InvalidInput(
            _("The case cannot be sent to the body that holds it"),
            fields={"body": [_("The case cannot be sent to the body that holds it")]},
        )


def _route(
    name: str,
    *,
    case,
    actor,
    body: Body,
    note: str,
    expected_version,
    report_due: dt.date | None = None,
) -> Case:
    target = _body_or_error(body)

    def apply(c: Case, day: dt.date):
        _check_target(c, target)
        c.sender_body_id = c.holder_body_id
        c.holder_body = target
        c.handler = None
        out = {"to_body": target.name, "note": note}
        if report_due:
            out["report_due"] = report_due.isoformat()
        return out

    due = {"result_report": report_due} if report_due else None
    return transition(
        name,
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        clock_due=due,
        citizen_note=Note(gettext_noop("Forwarded to %(body)s for handling"), body=target.name),
    )


def transfer(
    *, case, actor, body: Body, note: str = "", expected_version: int | None = None
) -> Case:
    """转送 to the responsible body (W22)."""
    return _route(
        "transfer", case=case, actor=actor, body=body, note=note, expected_version=expected_version
    )


def assign(
    *,
    case,
    actor,
    body: Body,
    report_due: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """交办 with a required result report by a date the office sets (W22)."""
    return _route(
        "assign",
        case=case,
        actor=actor,
        body=body,
        note=note,
        expected_version=expected_version,
        report_due=report_due,
    )


def _require(text: str, field_name: str, message: str) -> str:
    if not (text or "").strip():
        raise InvalidInput(message, fields={field_name: [message]})
    return text.strip()


def object_remit(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = _require(reason, "reason", _("Explain why this is not your body's responsibility"))
    return transition(
        "object_remit",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=lambda c, d: {"reason": reason},
    )


def agree_return(*, case, actor, note: str = "", expected_version: int | None = None) -> Case:
    def apply(c: Case, day):
        returned_from = c.holder_body.name
        c.holder_body_id = c.sender_body_id
        c.sender_body = None
        c.handler = None
        return {"returned_from": returned_from, "note": note}

    return transition(
        "agree_return", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def reject_objection(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = _require(reason, "reason", _("Explain why you refuse to take it back"))
    return transition(
        "reject_objection",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=lambda c, d: {"reason": reason},
    )


def accept(
    *, case, actor, handler=None, note: str = "", expected_version: int | None = None
) -> Case:
    """受理 into the petition procedure; the 60-day clock starts (W23, W31, W34)."""

    def apply(c: Case, day):
        c.handler = handler or (actor if getattr(actor, "is_authenticated", False) else None)
        return {"note": note}

    return transition(
        "accept",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=Note(gettext_noop("Your petition has been accepted")),
    )


def decline(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = _require(reason, "reason", _("Give the reason for not accepting"))
    return transition(
        "decline",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=lambda c, d: {"reason": reason},
        citizen_note=reason,
    )


def not_reaccept(
    *, case, actor, reason: str, final_case: str = "", expected_version: int | None = None
) -> Case:
    """不再受理: the same facts and reasons after a re-review (W36)."""
    reason = _require(reason, "reason", _("Give the reason for not accepting again"))

    def apply(c: Case, day):
        if final_case:
            prior = Case.objects.filter(number=final_case).first()
            if prior is not None and _is_protected_from(actor, prior):
                prior = None  # a report hidden from the actor answers as if it did not exist
            if prior is None or prior.state not in (W.FINAL, W.CLOSED):
                raise InvalidInput(
                    _("The case referred to has not been finally decided on re-review"),
                    fields={
                        "final_case": [
                            _("The case referred to has not been finally decided on re-review")
                        ]
                    },
                )
        return {"reason": reason, "final_case": final_case}

    return transition(
        "not_reaccept",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=reason,
    )


def redirect_to_legal_channel(
    *, case, actor, legal_channel: str, reason: str = "", expected_version: int | None = None
) -> Case:
    """申诉求决 with a statutory channel goes there, not into the petition procedure (W31)."""
    if legal_channel not in workflow.LEGAL_CHANNELS:
        raise InvalidInput(
            _("Choose a statutory channel"),
            fields={"legal_channel": [_("Choose a statutory channel")]},
        )

    def apply(c: Case, day):
        c.legal_channel = legal_channel
        return {"legal_channel": legal_channel, "reason": reason}

    return transition(
        "redirect_to_legal_channel",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=Note(
            gettext_noop("Please pursue it through %(route)s as the law provides"),
            route=legal_channel,
        ),
    )


def merge_repeat(
    *, case, actor, into: str, reason: str = "", expected_version: int | None = None
) -> Case:
    """Link a repeat to the open case it repeats; both timelines record it (never a silent drop)."""

    def apply(c: Case, day):
        target = Case.objects.select_for_update().filter(number=into).first()
        # A report stays invisible to the body it accuses, also as a merge target (W30, W46).
        if target is None or target.pk == c.pk or _is_protected_from(actor, target):
            raise InvalidInput(
                _("Enter the number of the case this repeats"),
                fields={"into": [_("Enter the number of the case this repeats")]},
            )
        if not target.is_open:
            raise InvalidInput(
                _("The repeated case is closed; handle this as a new case"),
                fields={"into": [_("The repeated case is closed")]},
            )
        c.repeat_of = target
        _append_event(
            target,
            kind="repeat_merged",
            actor=actor,
            from_state=target.state,
            to_state=target.state,
            extra={"repeat": c.number, "reason": reason},
            citizen_visible=False,
        )
        target.save(update_fields=["event_count", "audit_head"])
        return {"into": target.number, "reason": reason}

    return transition(
        "merge_repeat",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=Note(gettext_noop("Handled together with case %(number)s"), number=into),
    )


# ---------------------------------------------------------------------------------------------
# Handling moves


def mediate(*, case, actor, agreement: str, expected_version: int | None = None) -> Case:
    agreement = _require(agreement, "agreement", _("Enter the mediation agreement"))

    def apply(c: Case, day):
        c.decision_detail = {**c.decision_detail, "mediation_agreement": agreement}
        return {"agreement": agreement}

    return transition(
        "mediate", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def request_extension(
    *, case, actor, days: int, reason: str, expected_version: int | None = None
) -> Case:
    reason = _require(reason, "reason", _("Give the reason for the extension"))
    handle = periods()["handle"]

    def apply(c: Case, day):
        deadlines.check_extension(handle, days, already_extended=c.extension_used)
        c.extension_requested = True
        c.decision_detail = {
            **c.decision_detail,
            "extension_request": {"days": days, "reason": reason},
        }
        return {"days": days, "reason": reason}

    return transition(
        "request_extension", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def extend(
    *, case, actor, days: int | None = None, reason: str = "", expected_version: int | None = None
) -> Case:
    """The head approves one extension of at most 30 days; the petitioner is told why (W34)."""
    configured = periods()

    def apply(c: Case, day):
        request = c.decision_detail.get("extension_request", {})
        n = days if days is not None else request.get("days", 0)
        why = reason or request.get("reason", "")
        deadlines.check_extension(configured["handle"], n, already_extended=c.extension_used)
        clock = _running_clock(c, "handle")
        clock.extension_days = n
        _recompute(clock, work_calendar(), configured)
        clock.save(update_fields=["extension_days", "due_on"])
        c.extension_used = True
        c.extension_requested = False
        return {"days": n, "reason": why, "new_due": clock.due_on.isoformat()}

    return transition(
        "extend",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=reason or Note(gettext_noop("The handling period has been extended")),
    )


def refuse_extension(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    """The head turns down the handler's extension request; the 60-day limit stands (W34)."""
    reason = _require(reason, "reason", _("Give the reason for refusing the extension"))

    def apply(c: Case, day):
        c.extension_requested = False
        c.decision_detail = {k: v for k, v in c.decision_detail.items() if k != "extension_request"}
        return {"reason": reason}

    return transition(
        "refuse_extension", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def decide(
    *,
    case,
    actor,
    decision: str,
    facts: str,
    reasons: str,
    basis: str = "",
    request: str = "",
    expected_version: int | None = None,
) -> Case:
    """Draft the written decision: request, facts, reasons, decision and legal basis (W32)."""
    if decision not in workflow.DECISIONS:
        raise InvalidInput(
            _("Choose the decision: supported, explained or not supported"),
            fields={"decision": [_("Choose the decision")]},
        )
    facts = _require(facts, "facts", _("Enter the facts found"))
    reasons = _require(reasons, "reasons", _("Enter the grounds"))

    def apply(c: Case, day):
        c.decision = decision
        c.decision_detail = {
            **c.decision_detail,
            "request": request or c.title,
            "facts": facts,
            "reasons": reasons,
            "basis": basis,
        }
        return {"decision": decision}

    return transition(
        "decide", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def return_draft(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = _require(reason, "reason", _("Say what should be changed"))
    return transition(
        "return_draft",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=lambda c, d: {"reason": reason},
    )


def reply(*, case, actor, expected_version: int | None = None) -> Case:
    """The head signs off the written reply (信访处理意见书); review and rating windows open."""

    def apply(c: Case, day):
        c.decision_detail = {
            **c.decision_detail,
            "decided_by": c.holder_body_id,
            "replied_on": day.isoformat(),
        }
        return {"decision": c.decision}

    return transition(
        "reply",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=Note(gettext_noop("A written handling opinion has been issued")),
    )


# ---------------------------------------------------------------------------------------------
# After the reply


def rate(
    *, case, actor, rating: str, comment: str = "", expected_version: int | None = None
) -> Case:
    if rating not in workflow.RATINGS:
        raise InvalidInput(
            _("Choose satisfied, basically satisfied or not satisfied"),
            fields={"rating": [_("Choose a rating")]},
        )

    def apply(c: Case, day):
        c.rating = rating
        c.rating_comment = comment.strip()
        return {"rating": rating}

    return transition(
        "rate", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def _superior_of(body: Body) -> Body:
    if body.parent is None or not body.parent.is_active:
        raise InvalidInput(
            _("%(body)s has no superior body configured, so review cannot be requested")
            % {"body": body.name},
            code="no_superior",
        )
    return body.parent


def request_review(*, case, actor, reasons: str, expected_version: int | None = None) -> Case:
    """Review by the superior of the deciding body, within 30 days of the reply (W35)."""
    reasons = _require(reasons, "reasons", _("Give the reason for asking for review"))

    def apply(c: Case, day):
        superior = _superior_of(c.holder_body)
        c.sender_body_id = c.holder_body_id
        c.holder_body = superior
        c.handler = None
        return {"reasons": reasons, "to_body": superior.name}

    return transition(
        "request_review", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def _decide_stage(name: str, *, case, actor, decision: str, opinion: str, expected_version):
    if decision not in workflow.DECISIONS:
        raise InvalidInput(
            _("Choose the opinion: supported, explained or not supported"),
            fields={"decision": [_("Choose the opinion")]},
        )
    opinion = _require(opinion, "opinion", _("Enter the opinion"))

    def apply(c: Case, day):
        c.decision = decision
        stage = "review" if name == "decide_review" else "rereview"
        c.decision_detail = {
            **c.decision_detail,
            stage: {"decision": decision, "opinion": opinion, "by": c.holder_body_id},
        }
        c.rating = ""
        return {"decision": decision}

    return transition(name, case=case, actor=actor, expected_version=expected_version, apply=apply)


def decide_review(
    *, case, actor, decision: str, opinion: str, expected_version: int | None = None
) -> Case:
    return _decide_stage(
        "decide_review",
        case=case,
        actor=actor,
        decision=decision,
        opinion=opinion,
        expected_version=expected_version,
    )


def request_rereview(*, case, actor, reasons: str, expected_version: int | None = None) -> Case:
    """Re-review by the superior of the reviewing body, within 30 days (W36)."""
    reasons = _require(reasons, "reasons", _("Give the reason for asking for re-review"))

    def apply(c: Case, day):
        superior = _superior_of(c.holder_body)
        c.sender_body_id = c.holder_body_id
        c.holder_body = superior
        c.handler = None
        return {"reasons": reasons, "to_body": superior.name}

    return transition(
        "request_rereview", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def start_hearing(*, case, actor, note: str = "", expected_version: int | None = None) -> Case:
    """Hearing time does not count against the re-review period (W36): its clock pauses."""

    def apply(c: Case, day):
        clock = _running_clock(c, "rereview_decide")
        clock.status = Clock.PAUSED
        clock.paused_since = day
        clock.save(update_fields=["status", "paused_since"])
        c.hearing_active = True
        return {"note": note}

    return transition(
        "start_hearing", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def end_hearing(*, case, actor, note: str = "", expected_version: int | None = None) -> Case:
    configured = periods()

    def apply(c: Case, day):
        clock = _running_clock(c, "rereview_decide")
        cal = work_calendar()
        period = configured["rereview_decide"].with_settings(days=clock.days, unit=clock.unit)
        added = deadlines.paused_units(period, clock.paused_since or day, day, cal)
        clock.paused_days += added
        clock.paused_since = None
        clock.status = Clock.RUNNING
        _recompute(clock, cal, configured)
        clock.save(update_fields=["paused_days", "paused_since", "status", "due_on"])
        c.hearing_active = False
        return {"note": note, "paused_days": added, "new_due": clock.due_on.isoformat()}

    return transition(
        "end_hearing", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def decide_rereview(
    *, case, actor, decision: str, opinion: str, expected_version: int | None = None
) -> Case:
    """After re-review the matter is final (W36)."""
    return _decide_stage(
        "decide_rereview",
        case=case,
        actor=actor,
        decision=decision,
        opinion=opinion,
        expected_version=expected_version,
    )


def close(*, case, actor, note: str = "", expected_version: int | None = None) -> Case:
    return transition(
        "close",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=lambda c, d: {"note": note},
    )


# ---------------------------------------------------------------------------------------------
# Overlays and escalation


def supervise(
    *, case, actor, grounds: str, due_on: dt.date | None = None, expected_version: int | None = None
) -> Case:
    """Issue a supervision notice (督办单) with its own reply date (W40, X36)."""
    grounds = _require(grounds, "grounds", _("Enter the grounds for supervision"))

    def apply(c: Case, day):
        c.supervised = True
        notice = _supervision_notice(c, actor, grounds, due_on, day)
        return {"grounds": grounds, "due_on": notice.due_on.isoformat(), "notice_id": notice.pk}

    return transition(
        "supervise",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        clock_due={"supervision": due_on} if due_on else None,
    )


def answer_supervision(*, case, actor, answer: str, expected_version: int | None = None) -> Case:
    answer = _require(answer, "answer", _("Enter the answer to the supervision notice"))

    def apply(c: Case, day):
        from .models import SupervisionNotice

        _running_clock(c, "supervision")
        c.supervised = False
        # The reply answers every notice still open on the case (one supervision clock runs).
        answered = SupervisionNotice.objects.filter(case=c, answered_at__isnull=True).update(
            answer=answer, answered_at=now()
        )
        return {"answer": answer, "notices": answered}

    return transition(
        "answer_supervision", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def list_supervision(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = _require(reason, "reason", _("Enter the grounds for listed supervision"))

    def apply(c: Case, day):
        if c.listed_supervision:
            raise MoveNotAllowed(_("This case is already under listed supervision"))
        c.listed_supervision = True
        c.supervised = True
        return {"reason": reason}

    return transition(
        "list_supervision", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def assign_leader(
    *,
    case,
    actor,
    level: str,
    leader,
    body: Body,
    plan: str,
    deadline: dt.date,
    expected_version: int | None = None,
) -> Case:
    """Leader ownership (包案) with the four fixed: leader, body, plan and time limit (W18)."""
    errors = {}
    if level not in workflow.LEADER_LEVELS:
        errors["level"] = [_("Choose ownership level A, B or C")]
    if leader is None:
        errors["leader"] = [_("Choose the owning leader")]
    if body is None:
        errors["body"] = [_("Choose the responsible body")]
    if not (plan or "").strip():
        errors["plan"] = [_("Enter the resolution plan")]
    if deadline is None:
        errors["deadline"] = [_("Enter the time limit for resolution")]
    if errors:
        raise InvalidInput(
            _("Ownership is incomplete (leader, body, plan and time limit)"), fields=errors
        )
    if deadline < today():
        raise InvalidInput(
            _("The time limit for resolution may not be before today"),
            fields={"deadline": [_("The time limit for resolution may not be before today")]},
        )

    def apply(c: Case, day):
        _check_leader_protection(c, leader, body)
        c.leader_level = level
        c.leader = leader
        c.leader_body = body
        c.leader_plan = plan.strip()
        c.leader_deadline = deadline
        return {
            "level": level,
            "leader": leader.pk,
            "body": body.name,
            "deadline": deadline.isoformat(),
        }

    return transition(
        "assign_leader", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def escalate(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = _require(reason, "reason", _("Enter the grounds for escalation"))

    def apply(c: Case, day):
        c.escalated = True
        return {"reason": reason, "leader": c.leader_id}

    return transition(
        "escalate", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def _grid_parent_body(holder: Body) -> Body:
    parent_division = holder.division.parent
    if parent_division is None:
        raise MoveNotAllowed(_("There is no body at the level above"))
    kind = (
        BodyKind.TOWNSHIP if parent_division.level == Level.TOWNSHIP else (BodyKind.PETITION_OFFICE)
    )
    body = Body.objects.filter(division=parent_division, kind=kind, is_active=True).first()
    if body is None:
        raise InvalidInput(
            _("%(place)s has no body that can take a report from below")
            % {"place": parent_division.name},
            code="no_parent_body",
        )
    return body


def escalate_grid(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    """A grid matter not settled below goes up: village → town → county (小事不出村、大事不出镇)."""
    reason = _require(reason, "reason", _("Explain why it cannot be settled at this level"))

    def apply(c: Case, day):
        target = _grid_parent_body(c.holder_body)
        c.sender_body_id = c.holder_body_id
        c.holder_body = target
        c.handler = None
        return {"reason": reason, "to_body": target.name}

    return transition(
        "escalate_grid", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


# The functions that make each move, by the move's name: what pages and the API dispatch to.
MOVE_FUNCTIONS: dict[str, Callable[..., Case]] = {
    "transfer": transfer,
    "assign": assign,
    "object_remit": object_remit,
    "agree_return": agree_return,
    "reject_objection": reject_objection,
    "accept": accept,
    "decline": decline,
    "not_reaccept": not_reaccept,
    "redirect_to_legal_channel": redirect_to_legal_channel,
    "merge_repeat": merge_repeat,
    "mediate": mediate,
    "request_extension": request_extension,
    "extend": extend,
    "refuse_extension": refuse_extension,
    "decide": decide,
    "return_draft": return_draft,
    "reply": reply,
    "rate": rate,
    "request_review": request_review,
    "decide_review": decide_review,
    "request_rereview": request_rereview,
    "start_hearing": start_hearing,
    "end_hearing": end_hearing,
    "decide_rereview": decide_rereview,
    "close": close,
    "supervise": supervise,
    "answer_supervision": answer_supervision,
    "list_supervision": list_supervision,
    "assign_leader": assign_leader,
    "escalate": escalate,
    "escalate_grid": escalate_grid,
}


# ---------------------------------------------------------------------------------------------
# Workbench: moves by name with plain values, unmasking a party, search text


def _move_value(name: str, value):
    """Turn plain values (JSON, form posts) into what a service takes: ids to rows, ISO dates."""
    from django.contrib.auth import get_user_model

    if value is None:
        return None
    if name == "body":
        found = Body.objects.filter(pk=getattr(value, "pk", value), is_active=True).first()
        if found is None:
            raise InvalidInput(_("Choose a valid body"), fields={name: [_("Choose a valid body")]})
        return found
    if name in ("handler", "leader"):
        users = get_user_model().objects
        user = users.filter(pk=getattr(value, "pk", value), is_active=True).first()
        if user is None:
            raise InvalidInput(
                _("Choose a valid person"), fields={name: [_("Choose a valid person")]}
            )
        return user
    if name in ("report_due", "due_on", "deadline"):
        try:
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise InvalidInput(
                _("Dates are written YYYY-MM-DD"),
                fields={name: [_("Dates are written YYYY-MM-DD")]},
            ) from exc
    if name in ("days", "expected_version"):
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(
                _("Must be a whole number"), fields={name: [_("Must be a whole number")]}
            ) from exc
    return value


def move_params(move: str) -> dict[str, Any]:
    """The inputs a move's service takes (beyond case, actor, expected_version): name → default,
    inspect.Parameter.empty when required. Forms and the API are drawn from this."""
    import inspect

    func = MOVE_FUNCTIONS[move]
    return {
        name: p.default
        for name, p in inspect.signature(func).parameters.items()
        if name not in ("case", "actor", "expected_version")
    }


def make_move(*, actor, number: str, move: str, payload: dict) -> Case:
    """Make a move by name with plain values (the API's JSON, a page's form post)."""
    import inspect

    from .selectors import case_get_for_user

    if move not in MOVE_FUNCTIONS:
        raise NotFound(_("Unknown move: %(name)s") % {"name": move})
    case = case_get_for_user(actor, number)
    params = move_params(move)
    unknown = set(payload) - set(params) - {"expected_version"}
    if unknown:
        raise InvalidInput(
            _("The request has fields that are not recognised"),
            fields={k: [_("Field not recognised")] for k in unknown},
        )
    missing = [n for n, d in params.items() if d is inspect.Parameter.empty and n not in payload]
    if missing:
        raise InvalidInput(
            _("Fill in the required fields"),
            fields={k: [_("This field is required")] for k in missing},
        )
    kwargs = {k: _move_value(k, v) for k, v in payload.items()}
    return MOVE_FUNCTIONS[move](case=case, actor=actor, **kwargs)


@dataclass(frozen=True)
class ClearParty:
    id: int
    kind: str
    name: str
    phone: str
    id_number: str
    address: str
    email: str


def unmask_party(*, case, actor, party_id: int, reason: str) -> ClearParty:
    """A party's personal data in clear, for a stated reason; every view is logged (DESIGN.md,
    Access). A reporter's identity stays hidden from whoever the law does not allow (W30, W46)."""
    from .selectors import case_get_for_user, may_see_identity

    reason = _require(reason, "reason", _("Give the reason for viewing the full personal data"))
    number = case.number if isinstance(case, Case) else case
    visible = case_get_for_user(actor, number)
    if not may_see_identity(actor, visible):
        raise PermissionDenied(_("You may not see this petitioner's identity"))
    with transaction.atomic(durable=True):
        locked = Case.objects.select_for_update().get(pk=visible.pk)
        party = Party.objects.filter(case=locked, pk=party_id).first()
        if party is None:
            raise NotFound(_("Petitioner not found"))
        event = _append_event(
            locked,
            kind="unmask",
            actor=actor,
            from_state=locked.state,
            to_state=locked.state,
            extra={"party": party.pk, "reason": reason},
            citizen_visible=False,
        )
        # Not a move: the version stays, so forms others have open are not made stale.
        Case.objects.filter(pk=locked.pk).update(
            event_count=locked.event_count, audit_head=locked.audit_head
        )
        events.publish(event)
    return ClearParty(
        id=party.pk,
        kind=party.kind,
        name=party.name,
        phone=party.phone,
        id_number=party.id_number,
        address=party.address,
        email=party.email,
    )


def reindex_search(*, batch: int = 500, only_empty: bool = False) -> int:
    """Recompute Case.search_text for existing cases (after a dictionary or segmentation change,
    or for cases registered before it existed). Returns how many rows were written."""
    qs = Case.objects.order_by("pk").only("pk", "title", "body", "address", "search_text")
    if only_empty:
        qs = qs.filter(search_text="")
    written = 0
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last)[:batch])
        if not rows:
            return written
        changed = []
        for c in rows:
            text = search.search_text(c.title, c.body, c.address)
            if text != c.search_text:
                c.search_text = text
                changed.append(c)
        with transaction.atomic():
            Case.objects.bulk_update(changed, ["search_text"])
        written += len(changed)
        last = rows[-1].pk


# ---------------------------------------------------------------------------------------------
# Oversight: joint handling, supervision notices, overdue flags, grid ledger


def _co_body_check(case: Case, body: Body) -> None:
    errors = None
    if case.accused_body_id and body.pk == case.accused_body_id:
        # W30, W46: the accused body never handles, nor sees, the report.
        errors = _("A report may not be co-handled by the body it accuses")
    elif case.content_type == "report" and body.kind != BodyKind.DISCIPLINE:
        errors = _(
            "Only discipline inspection bodies may co-handle a report of misconduct (W22, W28)"
        )
    elif body.pk == case.holder_body_id:
        errors = _("The lead body cannot also be a co-handling body")
    elif case.co_handlers.filter(body=body).exists():
        errors = _("That body is already co-handling")
    if errors:
        raise InvalidInput(errors, code="bad_co_handler", fields={"body": [errors]})


def add_co_handler(
    *, case, actor, body: Body, part: str, expected_version: int | None = None
) -> Case:
    """Joint handling: the lead (holder) body, or the petition office over it, brings in another
    body for its own part of the matter (W24)."""
    from .models import CoHandler

    target = _body_or_error(body)
    part = _require(part, "part", _("Say what the co-handling body is responsible for"))

    def apply(c: Case, day):
        _co_body_check(c, target)
        CoHandler.objects.create(case=c, body=target, part=part)
        return {"body": target.name, "part": part}

    return transition(
        "add_co_handler", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def answer_co_handling(*, case, actor, answer: str, expected_version: int | None = None) -> Case:
    """A co-handling body reports on its part; a later answer replaces the earlier one (W24)."""
    from .models import CoHandler

    answer = _require(answer, "answer", _("Enter the co-handling answer"))

    def apply(c: Case, day):
        own = {m.body_id for m in memberships_of(actor) if m.role in workflow.BODY_STAFF}
        row = CoHandler.objects.filter(case=c, body_id__in=own).select_related("body").first()
        if row is None:
            raise PermissionDenied(_("Your body is not co-handling this case"))
        row.answer = answer
        row.answered_at = now()
        row.save(update_fields=["answer", "answered_at"])
        return {"body": row.body.name, "answer": answer}

    return transition(
        "answer_co_handling", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


MOVE_FUNCTIONS.update({"add_co_handler": add_co_handler, "answer_co_handling": answer_co_handling})
assert set(MOVE_FUNCTIONS) == set(workflow.MOVES), "every declared move has its service"


def _supervision_notice(case: Case, actor, grounds: str, due_on: dt.date | None, day: dt.date):
    """The 督办单 row beside the supervision clock, with the same due date the clock gets."""
    from .models import SupervisionNotice

    cal = work_calendar()
    if due_on is not None and due_on < day:
        raise InvalidInput(
            _("The date may not be before today"),
            fields={"due_on": [_("The date may not be before today")]},
        )
    due = (
        cal.next_workday(due_on)
        if due_on
        else deadlines.due_date(periods()["supervision"], day, cal)
    )
    issuing = next(
        (
            m.body
            for m in memberships_of(actor)
            if m.role == workflow.SUPERVISOR
            and (m.body_id == case.holder_body_id or _covers(m.body, case.holder_body))
        ),
        case.holder_body,
    )
    return SupervisionNotice.objects.create(
        case=case,
        issued_by=actor,
        issuing_body=issuing,
        issued_at=now(),
        grounds=grounds,
        due_on=due,
    )


def _check_leader_protection(case: Case, leader, body: Body) -> None:
    # W30, W46: nobody of the accused body owns or leads the handling of the report against it.
    if not case.accused_body_id:
        return
    if body.pk == case.accused_body_id:
        raise InvalidInput(
            _("A report may not be handled by the body it accuses"),
            code="protected_target",
            fields={"body": [_("The accused body may not be chosen")]},
        )
    if _is_protected_from(leader, case):
        raise InvalidInput(
            _("The owning leader may not belong to the accused body"),
            code="protected_target",
            fields={"leader": [_("The owning leader may not belong to the accused body")]},
        )


OVERDUE_FLAGGED = "overdue_flagged"


def flag_overdue(*, on: dt.date | None = None, batch: int = 500) -> int:
    """Record once per clock that a staff deadline has passed (W40/X36: overdue without cause is
    a ground for supervision). Marks only; nothing is escalated. Returns how many were flagged.

    The citizen's own windows (rating, review and re-review requests) and the body's option to
    object to the remit (W23) are never overdue.
    """
    from .selectors import NOT_STAFF_DEADLINES

    day = on or today()
    overdue = (
        Clock.objects.filter(status=Clock.RUNNING, due_on__lt=day, case__state__in=workflow.OPEN)
        .exclude(period__in=NOT_STAFF_DEADLINES)
        .order_by("pk")
    )
    flagged = 0
    last = 0
    while True:
        rows = list(overdue.filter(pk__gt=last).values_list("pk", "case_id")[:batch])
        if not rows:
            return flagged
        last = rows[-1][0]
        done = _flagged_clocks({case_id for _, case_id in rows})
        for clock_id, case_id in rows:
            if clock_id not in done and _flag_one(case_id, clock_id, day):
                flagged += 1


def _flagged_clocks(case_ids) -> set[int]:
    extras = CaseEvent.objects.filter(kind=OVERDUE_FLAGGED, case_id__in=case_ids).values_list(
        "extra", flat=True
    )
    return {e.get("clock") for e in extras}


def _flag_one(case_id: int, clock_id: int, day: dt.date) -> bool:
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        clock = Clock.objects.filter(pk=clock_id, status=Clock.RUNNING, due_on__lt=day).first()
        if case is None or clock is None or clock_id in _flagged_clocks([case_id]):
            return False
        event = _append_event(
            case,
            kind=OVERDUE_FLAGGED,
            actor=None,
            from_state=case.state,
            to_state=case.state,
            extra={
                "clock": clock.pk,
                "period": clock.period,
                "due_on": clock.due_on.isoformat(),
                "holder": case.holder_body.name,
                "article": "W40/X36",
            },
            citizen_visible=False,
        )
        # A mark, not a move: the version stays, so forms others have open are not made stale.
        Case.objects.filter(pk=case.pk).update(
            event_count=case.event_count, audit_head=case.audit_head
        )
        events.publish(event)
    return True


# Grid ledger (小事不出村、大事不出镇). A ledger row is not a case until it is converted.

GRID_STAFF = frozenset({workflow.GRID, workflow.HANDLER, workflow.HEAD, workflow.INTAKE})


def _grid_roles_at(actor, body: Body) -> set[str]:
    return {m.role for m in memberships_of(actor) if m.body_id == body.pk} & GRID_STAFF


def _grid_history(item, action: str, actor, **fields) -> None:
    item.history = [
        *item.history,
        {"at": now().isoformat(), "action": action, "by": _actor_label(actor), **fields},
    ]


def register_grid_item(
    *,
    actor,
    body: Body,
    kind: str,
    title: str,
    description: str,
    place: Division,
    responsible_person: str,
    due_on: dt.date,
    address: str = "",
):
    """Record a dispute or hazard found in the field, in the ledger of the worker's body."""
    from .models import GridItem

    if not _grid_roles_at(actor, body):
        raise PermissionDenied(_("You may not record grid matters at this body"))
    errors: dict[str, list[str]] = {}
    if kind not in dict(GridItem.KINDS):
        errors["kind"] = [_("Choose dispute or hazard")]
    if not (title or "").strip():
        errors["title"] = [_("Enter a title")]
    if not (description or "").strip():
        errors["description"] = [_("Describe the situation")]
    if not (responsible_person or "").strip():
        errors["responsible_person"] = [_("Enter the person responsible")]
    if place is None or not place.path.startswith(body.division.path):
        errors["place"] = [_("The place must lie within this grid (your body's area)")]
    if due_on is None or due_on < today():
        errors["due_on"] = [_("The settlement date may not be before today")]
    if errors:
        raise InvalidInput(
            _("Some of what you entered is not right; correct it and try again"), fields=errors
        )
    item = GridItem(
        kind=kind,
        title=title.strip()[:200],
        description=description.strip(),
        place=place,
        address=(address or "").strip()[:200],
        reported_by=actor,
        reported_at=now(),
        holder_body=body,
        responsible_person=responsible_person.strip()[:50],
        due_on=due_on,
    )
    _grid_history(item, "record", actor, to=body.name)
    with transaction.atomic(durable=True):
        item.save()
    return item


def _locked_open_item(item, actor):
    from .models import GridItem

    pk = getattr(item, "pk", item)
    locked = (
        GridItem.objects.select_for_update()
        .select_related("holder_body", "holder_body__division")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotFound(_("Grid matter not found"))
    if not _grid_roles_at(actor, locked.holder_body):
        raise PermissionDenied(
            _("Only staff of the body now responsible may act on this grid matter")
        )
    if locked.status != GridItem.OPEN:
        raise MoveNotAllowed(_("This grid matter is already settled or has become a case"))
    return locked


def settle_grid_item(*, item, actor, outcome: str):
    """Settled where it arose, with its outcome."""
    from .models import GridItem

    outcome = _require(outcome, "outcome", _("Enter how it was settled"))
    with transaction.atomic(durable=True):
        locked = _locked_open_item(item, actor)
        locked.status = GridItem.SETTLED
        locked.settled_at = now()
        locked.outcome = outcome
        _grid_history(locked, "settle", actor, outcome=outcome)
        locked.save()
    return locked


def escalate_grid_item(
    *, item, actor, reason: str, due_on: dt.date | None = None, responsible_person: str = ""
):
    """Not settled at this level: up one level, village → township → county petition office."""
    reason = _require(reason, "reason", _("Explain why it cannot be settled at this level"))
    if due_on is not None and due_on < today():
        raise InvalidInput(
            _("The settlement date may not be before today"),
            fields={"due_on": [_("The settlement date may not be before today")]},
        )
    with transaction.atomic(durable=True):
        locked = _locked_open_item(item, actor)
        if locked.holder_body.division.level <= Level.COUNTY:
            raise MoveNotAllowed(
                _("Already at county level, it cannot go up further; make it a case if needed")
            )
        target = _grid_parent_body(locked.holder_body)
        _grid_history(
            locked,
            "escalate",
            actor,
            reason=reason,
            **{"from": locked.holder_body.name, "to": target.name},
        )
        locked.holder_body = target
        if due_on:
            locked.due_on = due_on
        if responsible_person.strip():
            locked.responsible_person = responsible_person.strip()[:50]
        locked.save()
    return locked


def convert_grid_item(
    *,
    item,
    actor,
    content_type: str = "appeal",
    petitioner_name: str = "",
    petitioner_phone: str = "",
) -> Registration:
    """Needs a case after all: register it (channel "grid") at the current level and link it."""
    from .models import GridItem

    with transaction.atomic(durable=True):
        locked = _locked_open_item(item, actor)
        # Claimed first, so two clicks cannot register two cases.
        GridItem.objects.filter(pk=locked.pk).update(status=GridItem.CONVERTED)
    parties = []
    if petitioner_name.strip() or petitioner_phone.strip():
        parties = [PartyInput(name=petitioner_name, phone=petitioner_phone)]
    try:
        registration = register(
            actor=actor,
            body=locked.holder_body,
            channel="grid",
            content_type=content_type,
            title=locked.title,
            text=locked.description,
            place=locked.place,
            address=locked.address,
            parties=parties,
        )
    except Exception:
        GridItem.objects.filter(pk=locked.pk).update(status=GridItem.OPEN)
        raise
    with transaction.atomic(durable=True):
        row = GridItem.objects.select_for_update().get(pk=locked.pk)
        row.case = registration.case
        _grid_history(row, "convert", actor, case=registration.case.number)
        row.save()
    return registration


def reencrypt_parties() -> int:
    """After a data-key change: every party's personal data re-encrypted with the current key
    and its blind indexes recomputed (docs/configuration.md, rotate_data_key)."""
    fields = ["name_enc", "id_number_enc", "phone_enc", "address_enc", "email_enc"]

    def indexes(party: Party, plain: dict[str, str]) -> None:
        party.phone_index = crypto.blind_index(crypto.normalise_phone(plain["phone_enc"]))
        party.id_index = crypto.blind_index(crypto.normalise_id(plain["id_number_enc"]))

    return crypto.reencrypt_rows(
        Party.objects.all(), fields, derive=indexes, derived=("phone_index", "id_index")
    )


def open_for_citizen(tracking_code: str, password: str) -> Case:
    """The case a tracking code and query password open (NotFound alike for a wrong code or a
    wrong password). A password still hashed under a previous data key is rehashed under the
    current one on this use, so the old key can be retired once citizens have come back."""
    from .selectors import case_get_for_citizen

    case = case_get_for_citizen(tracking_code, password)
    if not crypto.hashed_under_current_key(case, password):
        fresh = crypto.hash_query_password(case.tracking_code, (password or "").strip())
        # Only if unchanged meanwhile; the hash is not case state, so no event and no version.
        Case.objects.filter(pk=case.pk, query_password_hash=case.query_password_hash).update(
            query_password_hash=fresh
        )
        case.query_password_hash = fresh
    return case
