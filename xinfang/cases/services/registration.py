"""Registration: the move that creates a case (W17, W19-W21). Nothing received is dropped."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from xinfang.core import commits, crypto, events, filetypes, prepared, ratelimit, rows
from xinfang.core.articles import with_article
from xinfang.core.errors import (
    ApplicationError,
    InvalidInput,
    PermissionDenied,
)
from xinfang.core.selectors import work_calendar
from xinfang.core.timeutil import now, today
from xinfang.orgs.models import Body, Division
from xinfang.taxonomy.models import Category

from .. import search, workflow
from ..access import may_file_as_agent, may_register_at
from ..models import Attachment, Case, Clock, Party
from ..selectors import periods
from .clocks import nearest_staff_due, new_clock, several_staff_deadlines
from .engine import next_event

MAX_REPRESENTATIVES = 5  # W20


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
    content: bytes  # its type is read from these bytes when stored, never taken from the client
    citizen_visible: bool = True


@dataclass
class Registration:
    case: Case
    tracking_code: str
    query_password: str
    clocks: list[Clock] = field(default_factory=list)


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
            with_article(
                _("A group visit chooses representatives, no more than 5 (%(article)s)"), "W20"
            )
        ]
    if accused_body is not None and content_type != "report":
        errors["accused_body"] = [_("Only a report of misconduct may name an accused body")]
    if errors:
        raise InvalidInput(
            _("Some of what you entered is not right; correct it and try again"), fields=errors
        )


# The case row carries this until its number is taken, right before commit. Unique, because the
# tracking code is; never seen outside the transaction.
PLACEHOLDER_PREFIX = "~"


_UPSERT = (
    "INSERT INTO cases_casesequence (division_code, day, last) VALUES (%s, %s, 1) "
    "ON CONFLICT (division_code, day) DO UPDATE SET last = cases_casesequence.last + 1 "
    "RETURNING last"
)


def _number_prefix(county_code: str, day: dt.date) -> str:
    from django.conf import settings

    return f"{settings.XINFANG['CASE_NUMBER_PREFIX']}-{county_code}-{day:%Y%m%d}-"


def _take_number(
    case: Case,
    county_code: str,
    day: dt.date,
    *,
    defer_flush: bool,
    with_rows: Iterable[Model] = (),
    hits: list[tuple[str, int, int, str]] | None = None,
) -> None:
    """Give `case` the next number of the county's day and save its timeline head with it.
    With it: `with_rows`, new rows whose keys nobody reads back (the after-commit task row),
    and the rate-limit `hits` (core/ratelimit), refused with RateLimited over a limit.

    The counter's upsert runs atomically on both engines and rolls back with the registration
    (gap-free). It locks the day's counter row until commit, so the registration takes it last
    (register). On PostgreSQL it is one statement: the upsert, the case's update, the rows and
    the counts; with `defer_flush` it also lets the commit go before its log flush
    (core/commits.py). Elsewhere each is a statement of its own."""
    prefix = _number_prefix(county_code, day)
    hits = hits or []
    groups = _by_model(with_rows)
    if connection.vendor != "postgresql":
        for group in groups:
            rows.insert(group)
        if hits:
            ratelimit.hit_all(hits)
        with prepared.cursor() as cur:
            cur.execute(_UPSERT, [county_code, day])
            case.number = f"{prefix}{cur.fetchone()[0]:06d}"
        case.save(update_fields=["number", "event_count", "audit_head"])
        return
    ctes, params = [f"s AS ({_UPSERT})"], [county_code, day]
    if defer_flush:
        ctes.append(f"d AS ({commits.DEFER_FLUSH_SQL})")
    for group in groups:
        written = rows.clause(group)
        if written is None:
            rows.insert(group)
            continue
        ctes.append(f"w{len(ctes)} AS ({written[0]})")
        params += written[1]
    counts = ratelimit.count_clause(hits) if hits else None
    if hits and counts is None:
        ratelimit.hit_all(hits)
    elif counts is not None:
        ctes.append(f"h AS ({counts[0]})")
        params += counts[1]
    read_counts = ", (SELECT json_agg(json_build_array(h.key, h.count)) FROM h)" if counts else ""
    with prepared.cursor() as cur:
        cur.execute(
            f"WITH {', '.join(ctes)} UPDATE cases_case SET "
            "number = %s || lpad(s.last::text, greatest(6, length(s.last::text)), '0'), "
            f"event_count = %s, audit_head = %s FROM s{', d' if defer_flush else ''} "
            f"WHERE cases_case.id = %s RETURNING cases_case.number{read_counts}",
            [*params, prefix, case.event_count, case.audit_head, case.pk],
        )
        taken = cur.fetchone()
    case.number = taken[0]
    if counts:
        ratelimit.refuse_over(hits, taken[1])


def _party_row(p: PartyInput) -> Party:
    phone = crypto.normalise_phone(p.phone)
    id_number = crypto.normalise_id(p.id_number)
    return Party(
        kind=p.kind,
        name_enc=crypto.encrypt(p.name.strip()),
        phone_enc=crypto.encrypt(phone),
        id_number_enc=crypto.encrypt(id_number),
        address_enc=crypto.encrypt(p.address.strip()),
        email_enc=crypto.encrypt(p.email.strip()),
        phone_index=crypto.blind_index(phone),
        id_index=crypto.blind_index(id_number),
    )


def _holding(queryset, held: list):
    """`queryset` answered from `held` rows already in hand, as a prefetch would leave it."""
    queryset._result_cache = list(held)
    queryset._prefetch_done = True
    return queryset


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
    hits: Iterable[tuple[str, int, int, str]] = (),
    rows_with: Callable[[Registration], Iterable[Model]] | None = None,
    on_registered: Callable[[Registration], None] | None = None,
    durable: bool = False,
    clocks_from: Iterable[str] = (),
    received_on: dt.date | None = None,
    filed_by=None,
) -> Registration:
    """Register a petition item (W17, W21). Nothing received is ever dropped. `hits` are
    rate-limit hits (core/ratelimit: key, limit, seconds, message) counted with the number, so
    a refused or rolled-back registration counts nothing and their rows are locked only from the
    number to the commit. `rows_with` gives new rows of the caller's that commit
    with the case or not at all (the answer kept for an Idempotency-Key);
    they are written in the statement of the case's parties, clocks and event, before the case
    has its number. `on_registered` runs inside the transaction after the number is taken.
    `durable`: the caller is an entry point and this is its one transaction.

    The case's number comes from a per-county-per-day counter whose row stays locked until
    commit, so everything else (encryption, hashing, clocks, the timeline) is done first under a
    placeholder; the counter, the number (with the after-commit task row and the rate-limit
    counts, one statement on PostgreSQL), the in-transaction subscribers (the outbox needs the
    number) and the commit come last. The timeline's hash chain does not cover the number
    (CaseEvent.hash_payload): the number is the case row's, set once here.

    `clocks_from`: further periods that start with the case (a hotline work order's time class),
    counted from `received_on` (the day the order was received; today by default)."""
    parties = list(parties)
    attachments = list(attachments)
    _validate_registration(
        channel=channel,
        content_type=content_type,
        title=title,
        text=text,
        parties=parties,
        is_group=is_group,
        accused_body=accused_body,
    )
    if filed_by is not None and filed_by is not actor:
        raise PermissionDenied(_("You may not register cases at this body"))
    allowed = may_file_as_agent(actor, body) if filed_by is not None else False
    if not (allowed or may_register_at(actor, body)):
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
    # The costly part, outside any transaction: encryption, keyed hashes, due dates.
    party_rows = [_party_row(p) for p in parties]
    password_hash = crypto.hash_query_password(tracking_code, password)
    cal = work_calendar()
    configured = periods()
    if content_type == workflow.CONSULTATION:
        # A consultation is answered directly, on its own short clock (no routing period).
        keys = ["consult_answer"]
    else:
        keys = ["route"] + (["proposal_feedback"] if content_type == "suggestion" else [])
    clocks = [new_clock(key, day, cal, configured) for key in keys]
    extra_start = min(received_on or day, day)
    clocks += [new_clock(key, extra_start, cal, configured) for key in clocks_from]
    fields = dict(
        number=PLACEHOLDER_PREFIX + tracking_code,
        tracking_code=tracking_code,
        query_password_hash=password_hash,
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
        filed_by=filed_by,
        next_due_on=nearest_staff_due(clocks),
        several_deadlines=several_staff_deadlines(clocks),
    )
    # `durable` for an entry point (citizen.submit) whose transaction this is: it opens here,
    # after the work above.
    case = Case(**fields)
    # The counter row is locked from the number to the commit: that commit need not wait for
    # the log flush with it held; the flush is waited for after (core/commits.py).
    defer_flush = commits.may_defer_flush(durable=durable)
    with transaction.atomic(durable=durable):
        rows.insert([case])
        for row in party_rows:
            row.case = case
        for clock in clocks:
            clock.case = case
        event = next_event(
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
        registration = Registration(
            case=case, tracking_code=tracking_code, query_password=password, clocks=clocks
        )
        extra = _by_model(rows_with(registration)) if rows_with is not None else []
        # Parties, clocks, the event and the caller's rows: one statement on PostgreSQL.
        rows.insert_together(party_rows, clocks, [event], *extra)
        # What the outbox reads, already in hand (notify reads them through the case's managers).
        case._prefetched_objects_cache = {
            "parties": _holding(case.parties.get_queryset(), party_rows),
            "clocks": _holding(case.clocks.get_queryset(), clocks),
        }
        # The after-commit task row goes with the number: one statement, no round trip of its own.
        task_row = events.task_row_ahead(event)
        # Last: the counter row is locked from here to the commit.
        _take_number(
            case,
            body.division.county_code,
            day,
            defer_flush=defer_flush,
            with_rows=[task_row] if task_row is not None else [],
            hits=list(hits),
        )
        for a in attachments:  # their path holds the number
            _store_attachment(case, a)
        events.publish(event, queued=task_row is not None)
        case._prefetched_objects_cache = {}  # later moves change these rows
        if on_registered is not None:
            on_registered(registration)
        if defer_flush:
            commits.keep_flush_if_hooked()
    if defer_flush:
        commits.wait_for_flush()
    return registration


def _by_model(new_rows: Iterable[Model]) -> list[list[Model]]:
    groups: dict[type, list[Model]] = {}
    for row in new_rows:
        groups.setdefault(type(row), []).append(row)
    return list(groups.values())


def _store_attachment(case: Case, a: AttachmentInput) -> Attachment:
    from django.core.files.base import ContentFile

    att = Attachment(
        case=case,
        name=a.name[:200],
        mime_type=filetypes.sniff(a.content),
        size=len(a.content),
        sha256=hashlib.sha256(a.content).hexdigest(),
        citizen_visible=a.citizen_visible,
    )
    att.file.save(a.name, ContentFile(a.content), save=False)
    att.save()
    return att


def register_as_repeat(
    *, actor, into: str, reason: str, **registration
) -> tuple[Registration, ApplicationError | None]:
    """Register and link as a repeat of the open case `into`, in one transaction. The link is
    tried in a savepoint: if it cannot be made the case is registered all the same (W21:
    nothing received is dropped) and the reason comes back beside the registration."""
    from .routing import merge_repeat

    with transaction.atomic(durable=True):
        reg = register(actor=actor, **registration)
        try:
            merge_repeat(case=reg.case, actor=actor, into=into, reason=reason)
        except ApplicationError as e:
            return reg, e
        reg.case.refresh_from_db()
        return reg, None
