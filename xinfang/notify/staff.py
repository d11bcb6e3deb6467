"""Messages to staff: due-soon reminders to the body holding a case (issue 4, supervision).

Staff have no party record, so a staff message goes by e-mail to the user's address and, when the
SMS channel is on, by SMS to the work mobile of their staff contact; encrypted in the outbox like a
petitioner's. It never carries a petitioner's identity: only the case number,
the deadline and the holder's name.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import translation

from xinfang.cases import workflow
from xinfang.cases.models import Clock
from xinfang.cases.selectors import CITIZEN_WINDOWS
from xinfang.core import crypto
from xinfang.core.timeutil import now, today
from xinfang.orgs.models import Membership

from . import backends, defaults, services
from .models import Outbox


def staff_recipients(case) -> list:
    """The case's handler when it has one; otherwise the holder body's handlers and heads. Only
    users with an e-mail address or a work mobile; their contact is loaded with them."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(~Q(email="") | Q(staff_contact__work_phone__gt=""))
        .select_related("staff_contact")
    )
    if case.handler_id:
        found = list(users.filter(pk=case.handler_id))
        if found:
            return found
    members = Membership.objects.filter(
        body_id=case.holder_body_id,
        role__in=sorted(workflow.BODY_STAFF),
        is_active=True,
    ).values("user_id")
    return list(users.filter(pk__in=members).order_by("pk"))


def _address(user, channel: str) -> str:
    if channel == defaults.EMAIL:
        return user.email
    contact = getattr(user, "staff_contact", None)
    return crypto.normalise_phone(contact.work_phone) if contact and contact.work_phone else ""


def staff_channels() -> list[str]:
    """The channels staff are reached on, of those this deployment has on."""
    return [c for c in (defaults.EMAIL, defaults.SMS) if c in backends.enabled_channels()]


def staff_rows(
    *, key: str, users, channels, context: dict, dedupe, case=None, **fields
) -> list[Outbox]:
    """One unsaved outbox row per channel and staff user with an address on it. `dedupe(user,
    channel)` gives the row's key; a case's messages are redacted of the petitioner's identity;
    `fields` are the row's own links (event, clock)."""
    moment = now()
    rows = []
    for channel in channels:
        rendered = services.render(key, channel, context)
        if rendered is None:
            continue
        subject, body = (
            (services._redact(case, part) for part in rendered) if case is not None else rendered
        )
        for user in users:
            address = _address(user, channel)
            if not address:
                continue
            rows.append(
                Outbox(
                    case=case,
                    channel=channel,
                    recipient_enc=crypto.encrypt(address),
                    template_key=key,
                    subject=subject[:200],
                    body=body,
                    next_attempt_at=moment,
                    dedupe_key=dedupe(user, channel),
                    **fields,
                )
            )
    return rows


def due_soon_clocks(on: dt.date, within_days: int):
    """Running staff deadlines ending within `within_days` of `on` on open cases."""
    return (
        Clock.objects.filter(
            status=Clock.RUNNING,
            due_on__gte=on,
            due_on__lte=on + dt.timedelta(days=within_days),
            case__state__in=workflow.OPEN,
        )
        .exclude(period__in=CITIZEN_WINDOWS)
        .select_related("case", "case__holder_body", "case__accused_body")
        .order_by("pk")
    )


def queue_due_soon_reminders(
    *, on: dt.date | None = None, within_days: int | None = None
) -> list[int]:
    """One reminder per clock per day to each recipient; returns the ids of rows still to send.

    Running the job twice on a day queues nothing new (the dedupe key holds the day).
    """
    channels = staff_channels()
    if not channels:
        return []
    day = on or today()
    days = settings.XINFANG["DUE_SOON_DAYS"] if within_days is None else within_days
    keys: list[str] = []
    for clock in due_soon_clocks(day, days).iterator(chunk_size=500):
        case = clock.case
        recipients = staff_recipients(case)
        if not recipients:
            continue
        context = services.message_context(case)
        with translation.override("zh-hans"):  # the reminder text is Chinese
            period = str(clock.label)
        context.update(
            period=period,
            period_due=services._date(clock.due_on),
            days_left=str((clock.due_on - day).days),
        )
        rows = staff_rows(
            key=defaults.STAFF_DUE_SOON,
            users=recipients,
            channels=channels,
            context=context,
            dedupe=lambda user, channel, clock=clock: (
                f"staff_due_soon:{clock.pk}:{day:%Y%m%d}:{user.pk}"
                + ("" if channel == defaults.EMAIL else f":{channel}")
            ),
            case=case,
            clock=clock,
        )
        with transaction.atomic():
            Outbox.objects.bulk_create(rows, ignore_conflicts=True)
        keys.extend(r.dedupe_key for r in rows)
    ids: list[int] = []
    for start in range(0, len(keys), 500):
        ids.extend(
            Outbox.objects.filter(
                dedupe_key__in=keys[start : start + 500], status=Outbox.PENDING
            ).values_list("pk", flat=True)
        )
    return ids


def queue_followup_notice(event) -> list[Outbox]:
    """In the move's transaction: the petitioner added material, so the holder's staff are told
    (the case's handler, else the body's handlers and heads). The text names the case only."""
    if event.kind != "add_material":
        return []
    channels = staff_channels()
    case = event.case
    rows = staff_rows(
        key=defaults.STAFF_FOLLOWUP,
        users=staff_recipients(case) if channels else [],
        channels=channels,
        context=services.message_context(case),
        dedupe=lambda user, channel: f"staff_followup:{event.pk}:{user.pk}:{channel}",
        case=case,
        event=event,
    )
    Outbox.objects.bulk_create(rows, ignore_conflicts=True)
    return rows
