"""Writing messages to the outbox and delivering them (DESIGN.md, Side effects after commit).

Writing happens in the transaction of the move that caused it, so a move that rolls back leaves no
message. Delivery happens after commit in a worker, one message at a time: the row is claimed in a
short transaction of its own right before it is sent (so its lease starts then, and a worker that
dies leaves at most that one message in doubt while the rest stay pending for the next worker), sent
outside it with the row's idempotency key, and marked sent or scheduled for another attempt. A
message left in doubt is sent again with the same key once its lease has run out; the gateway drops
the copy (docs/configuration.md, Notifications).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.template import Context, TemplateSyntaxError
from django.utils import timezone, translation

from xinfang.cases import workflow
from xinfang.cases.models import Case, CaseEvent, Clock, Party
from xinfang.core import crypto
from xinfang.core import rows as inserts
from xinfang.core.timeutil import now, today

from . import backends, defaults, selectors
from .models import ENGINE, Outbox, WechatBinding

logger = logging.getLogger("xinfang.notify")

# What a message may say about a report's accused body, whatever a template or a note contains.
REDACTED_BODY = "有关单位"
MOBILE = re.compile(r"1\d{10}")


def _date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def message_context(case: Case, event: CaseEvent | None = None) -> dict[str, str]:
    # Messages to citizens are Chinese whatever language the person who moved reads.
    with translation.override("zh-hans"):
        return {k: str(v) for k, v in _message_values(case, event).items()}


def _message_values(case: Case, event: CaseEvent | None = None) -> dict[str, str]:
    """Plain strings only: no model reaches a template, so none can be walked to a party."""
    # Through the case's manager, so clocks a caller already holds (registration) are reused.
    due = {c.period: c.due_on for c in case.clocks.all() if c.status != Clock.STOPPED}
    extra = event.extra if event is not None else {}
    is_report = case.content_type == "report"
    day = timezone.localdate(event.at) if event is not None else today()
    return {
        "number": case.number,
        "tracking_code": case.tracking_code,
        "state": case.state_label,
        "holder": case.holder_body.name,
        "date": _date(day),
        "due": _date(due.get("handle")),
        "days": str(extra.get("days", "")),
        # A report's free text may name the accused; staff notes stay out of its messages.
        "reason": "" if is_report else str(extra.get("reason", "")),
        "decision": workflow.DECISIONS.get(case.decision, ""),
        "legal_channel": workflow.LEGAL_CHANNELS.get(case.legal_channel, ""),
        "review_due": _date(due.get("review_request")),
        "rereview_due": _date(due.get("rereview_request")),
        "rating_due": _date(due.get("rating")),
    }


def render(key: str, channel: str, context: dict[str, str]) -> tuple[str, str] | None:
    """(subject, body) from the admin's template, else the code default; None when switched off."""
    row = selectors.active_template(key, channel)
    if row is not None and not row.is_active:
        return None
    subject, body = (row.subject, row.body) if row else defaults.default(key, channel)
    try:
        return _render(subject, context), _render(body, context)
    except (TemplateSyntaxError, ValueError, TypeError):
        # A broken edit must not block a case move: fall back to the shipped text.
        logger.exception("message template %s/%s failed; using the default", key, channel)
        subject, body = defaults.default(key, channel)
        return _render(subject, context), _render(body, context)


@lru_cache(maxsize=512)
def _compiled(text: str):
    """A template's text compiled once per process: the same few texts render on every move."""
    return ENGINE.from_string(text)


def _render(text: str, context: dict[str, str]) -> str:
    return _compiled(text).render(Context(context)).strip() if text else ""


def _redact(case: Case, text: str) -> str:
    if case.accused_body_id:
        name = case.accused_body.name
        if name:
            text = text.replace(name, REDACTED_BODY)
    return text


def _recipients(case: Case, channel: str) -> list[tuple[int, str]]:
    """(party id, encrypted address) pairs; a report's messages go to the reporter alone."""
    if channel == defaults.WECHAT:
        # Whoever subscribed in the official account with the case's code and password.
        return [
            (b.pk, b.openid_enc) for b in WechatBinding.objects.filter(case=case).order_by("pk")
        ]
    # In Python, so parties a caller already holds (registration) are reused.
    parties = sorted(case.parties.all(), key=lambda p: p.pk)
    if case.content_type == "report":
        parties = [p for p in parties if p.kind == Party.PETITIONER]
    out: list[tuple[int, str]] = []
    seen: set[str] = set()
    for party in parties:
        token, same = (
            (party.phone_enc, party.phone_index)
            if channel == defaults.SMS
            else (party.email_enc, "")
        )
        if not token or (same and same in seen):
            continue
        seen.add(same)
        # Kept encrypted as the party's record has it; decrypted only when sending.
        out.append((party.pk, token))
    return out


def _write(
    case: Case,
    key: str,
    context: dict[str, str],
    *,
    dedupe: str,
    event: CaseEvent | None = None,
    clock: Clock | None = None,
) -> list[Outbox]:
    moment = now()
    rows: list[Outbox] = []
    for channel in backends.enabled_channels():
        recipients = _recipients(case, channel)
        if not recipients:
            continue
        rendered = render(key, channel, context)
        if rendered is None:
            continue
        subject, body = (_redact(case, part) for part in rendered)
        rows.extend(
            Outbox(
                case=case,
                event=event,
                clock=clock,
                channel=channel,
                recipient_enc=token,
                template_key=key,
                subject=subject[:200],
                body=body,
                next_attempt_at=moment,
                dedupe_key=f"{dedupe}:{channel}:{party_id}",
            )
            for party_id, token in recipients
        )
    # A replayed event finds its rows already there and adds nothing.
    inserts.insert(rows, ignore_conflicts=True)
    return rows


def queue_for_event(event: CaseEvent) -> list[Outbox]:
    """In-transaction subscriber: the messages this event sends, written with the move."""
    key = defaults.EVENT_TEMPLATES.get(event.kind)
    if key is None:
        return []
    case = event.case
    return _write(case, key, message_context(case, event), dedupe=f"event:{event.pk}", event=event)


def queue_case_message(case: Case, key: str, values: dict[str, str], *, dedupe: str) -> list[int]:
    """A message about the case that is not a timeline entry (a reception booking, its reminder),
    to the case's petitioners, in the caller's transaction; `dedupe` makes a second call a no-op.
    Returns the ids of the rows it wrote."""
    would_be = [
        f"{dedupe}:{channel}:{party_id}"
        for channel in backends.enabled_channels()
        for party_id, _token in _recipients(case, channel)
    ]
    if Outbox.objects.filter(dedupe_key__in=would_be).exists():
        return []
    context = {**message_context(case), **{k: str(v) for k, v in values.items()}}
    rows = _write(case, key, context, dedupe=dedupe)
    keys = [r.dedupe_key for r in rows]
    return list(
        Outbox.objects.filter(dedupe_key__in=keys, status=Outbox.PENDING).values_list(
            "pk", flat=True
        )
    )


def replay_event(event_id: int) -> list[int]:
    """Queue an event's messages again from the timeline; rows already written are kept."""
    with transaction.atomic():
        event = CaseEvent.objects.select_related("case", "case__holder_body").get(pk=event_id)
        queue_for_event(event)
    return selectors.pending_ids_for_event(event_id)


def queue_rating_reminders(*, days: int | None = None, on: dt.date | None = None) -> list[int]:
    """One reminder per rating window still open `days` after it opened (W22: rating)."""
    days = settings.NOTIFY["RATING_REMINDER_DAYS"] if days is None else days
    on = on or today()
    ids: list[int] = []
    for clock in selectors.rating_clocks_needing_reminder(on, days).iterator():
        with transaction.atomic():
            case = clock.case
            rows = _write(
                case,
                defaults.RATING_REMINDER,
                message_context(case),
                dedupe=f"reminder:{clock.pk}",
                clock=clock,
            )
        ids.extend(
            Outbox.objects.filter(
                dedupe_key__in=[r.dedupe_key for r in rows], status=Outbox.PENDING
            ).values_list("pk", flat=True)
        )
    return ids


# ---------------------------------------------------------------------------------------------
# Delivery


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    dead: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.dead


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes by default, capped."""
    cfg = settings.NOTIFY
    seconds = cfg["BACKOFF_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, cfg["BACKOFF_MAX_SECONDS"]))


def _claim(*, ids: list[int] | None) -> Outbox | None:
    """Take the next due row for this worker: `sending`, with a lease, committed before it is
    sent. One row per claim, so the lease counts from the send and not from the start of a batch
    (a slow gateway never lets a lease run out on a message still waiting in this worker)."""
    moment = now()
    lease = dt.timedelta(seconds=settings.NOTIFY["LEASE_SECONDS"])
    with transaction.atomic():
        qs = selectors.due_outbox(moment)
        if ids is not None:
            qs = qs.filter(pk__in=ids)
        if connection.features.has_select_for_update_skip_locked:
            # Workers on PostgreSQL skip each other's rows; SQLite's IMMEDIATE
            # transactions already run one claim at a time.
            qs = qs.select_for_update(skip_locked=True)
        row = qs.first()
        if row is None:
            return None
        row.status = Outbox.SENDING
        row.attempts += 1
        row.next_attempt_at = moment + lease
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
    return row


def _finish(row: Outbox, **fields) -> bool:
    # Only the worker holding this attempt may settle it (a lease may have run out meanwhile).
    return bool(
        Outbox.objects.filter(pk=row.pk, status=Outbox.SENDING, attempts=row.attempts).update(
            **fields
        )
    )


def _send_one(row: Outbox, report: DeliveryReport) -> None:
    to = crypto.decrypt(row.recipient_enc)
    try:
        if not to:
            raise backends.PermanentFailure("收件人无法解密")
        if row.channel == defaults.SMS and not MOBILE.fullmatch(to):
            raise backends.PermanentFailure("不是手机号码，无法发送短信")
        backends.for_channel(row.channel).send(
            backends.Message(
                channel=row.channel,
                to=to,
                subject=row.subject,
                body=row.body,
                idempotency_key=str(row.idempotency_key),
            )
        )
    except backends.PermanentFailure as exc:
        _finish(row, status=Outbox.DEAD, last_error=str(exc)[:1000])
        report.dead += 1
        logger.warning("outbox %s dead: %s", row.pk, exc)
    except Exception as exc:  # noqa: BLE001 - any other failure is worth another try
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if row.attempts >= settings.NOTIFY["MAX_ATTEMPTS"]:
            _finish(row, status=Outbox.DEAD, last_error=error)
            report.dead += 1
            logger.warning("outbox %s dead after %s attempts: %s", row.pk, row.attempts, error)
        else:
            _finish(
                row,
                status=Outbox.FAILED,
                last_error=error,
                next_attempt_at=now() + backoff(row.attempts),
            )
            report.retrying += 1
            logger.info("outbox %s attempt %s failed: %s", row.pk, row.attempts, error)
    else:
        _finish(row, status=Outbox.SENT, sent_at=now(), last_error="")
        report.sent += 1


def deliver(*, ids: list[int] | None = None, limit: int | None = None) -> DeliveryReport:
    """Send the due rows among `ids` (all due rows when None). Never sends a row already sent."""
    report = DeliveryReport()
    for _n in range(limit or settings.NOTIFY["BATCH_SIZE"]):
        row = _claim(ids=ids)
        if row is None:
            break
        _send_one(row, report)
    return report


def bind_wechat(case: Case, openid: str) -> bool:
    """The citizen who opened `case` in the official account asked for its news there; False
    when they had already."""
    index = crypto.blind_index(openid)
    with transaction.atomic():
        _row, created = WechatBinding.objects.get_or_create(
            case=case, openid_index=index, defaults={"openid_enc": crypto.encrypt(openid)}
        )
    return created


def unbind_wechat(openid: str) -> int:
    """End every subscription of this WeChat user; the number ended."""
    with transaction.atomic():
        deleted, _rows = WechatBinding.objects.filter(
            openid_index__in=crypto.blind_indexes(openid)
        ).delete()
    return deleted


def reencrypt_outbox() -> int:
    """After a data-key change: message recipients (and WeChat subscribers) re-encrypted with
    the current key."""

    def index(row, plain):
        row.openid_index = crypto.blind_index(plain["openid_enc"])

    outbox = crypto.reencrypt_rows(Outbox.objects.all(), ["recipient_enc"])
    return outbox + crypto.reencrypt_rows(
        WechatBinding.objects.all(), ["openid_enc"], derive=index, derived=("openid_index",)
    )
