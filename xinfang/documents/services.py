"""Formal notices: recorded with the move that issues them, rendered to PDF after it commits.

`record_notice` runs inside the move's transaction (core/events.py), so a rolled-back move leaves
no notice. `enqueue_rendering` runs after commit and queues `render_notice` by id; if queueing
fails, the notice stays pending and `render_pending_notices` picks it up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from xinfang.cases import workflow
from xinfang.cases.models import Case, CaseEvent, Clock, Party
from xinfang.core import crypto
from xinfang.core.articles import cite
from xinfang.orgs.models import Body
from xinfang.orgs.selectors import memberships_of

from . import numbers, render
from .kinds import DECISION_TEXT, KINDS, TO_CITIZEN, TO_SENDER, Kind
from .models import Notice, NoticeTemplate

logger = logging.getLogger(__name__)

REPORT_IDENTITY_WITHHELD = "（检举控告人信息依法保密）"


def template_for(kind: str) -> tuple[str, str]:
    """(title, body) of the active template of this kind, else the built-in default."""
    row = NoticeTemplate.objects.filter(kind=kind, is_active=True).only("title", "body").first()
    if row is not None:
        return row.title, row.body
    default = KINDS[kind]
    return default.title, default.body


# ---------------------------------------------------------------------------------------------
# Recording (in the move's transaction)


def record_notice(event: CaseEvent) -> Notice | None:
    """In-transaction subscriber: a move that issues a notice gets one pending Notice."""
    if not event.notice:
        return None
    kind = KINDS.get(event.notice)
    if kind is None:
        logger.error("Event %s issues unknown notice kind %r", event.pk, event.notice)
        return None
    existing = Notice.objects.filter(event=event, kind=kind.key).first()
    if existing is not None:
        return existing
    case = event.case
    issuer = _issuer(case, event)
    number = numbers.allocate(issuer, kind, timezone.localdate(event.at).year)
    context = _snapshot(case, event, kind, issuer, number.text)
    title, _body = template_for(kind.key)
    return Notice.objects.create(
        case=case,
        event=event,
        kind=kind.key,
        title=title[:60],
        number=number.text,
        issuing_body=issuer,
        year=number.year,
        sequence=number.sequence,
        citizen_visible=kind.citizen_visible,
        context=context,
    )


def _issuer(case: Case, event: CaseEvent) -> Body:
    """The body that makes the move: the acting user's body that holds the case, else the one
    that sent it on (a routing office), else any of the user's bodies; the holder for a move
    made by the system or the petitioner."""
    bodies = [m.body for m in memberships_of(event.actor)]
    for wanted in (case.holder_body_id, case.sender_body_id):
        for body in bodies:
            if body.pk == wanted:
                return body
    return bodies[0] if bodies else case.holder_body


def _last_event(case: Case, kind: str) -> CaseEvent | None:
    return CaseEvent.objects.filter(case=case, kind=kind).order_by("-seq").first()


def _iso_to_cn(value: str | None) -> str:
    if not value:
        return ""
    try:
        return render.cn_date(dt.date.fromisoformat(value))
    except ValueError:
        return value


def _snapshot(case: Case, event: CaseEvent, kind: Kind, issuer: Body, number: str) -> dict:
    """What the notice says about the move, taken when it happens. No personal data here."""
    # A formal notice is a Chinese document whatever language the person who moved reads.
    with translation.override("zh-hans"):
        snapshot = _snapshot_values(case, event, kind, issuer, number)
        return {k: str(v) if isinstance(v, Promise) else v for k, v in snapshot.items()}


def _snapshot_values(case: Case, event: CaseEvent, kind: Kind, issuer: Body, number: str) -> dict:
    day = timezone.localdate(event.at)
    detail = case.decision_detail or {}
    extra = event.extra or {}
    due = {
        c.period: render.cn_date(c.due_on)
        for c in Clock.objects.filter(case=case).exclude(status=Clock.STOPPED)
    }
    accepted = _last_event(case, "accept")
    stage = {"review_opinion": "review", "rereview_opinion": "rereview"}.get(kind.key)
    requested = None
    if stage:
        requested = _last_event(case, f"request_{stage}")
    opinion = (detail.get(stage) or {}).get("opinion", "") if stage else ""
    sender = case.sender_body
    if kind.addressee == TO_CITIZEN:
        addressee = ""  # the petitioner's name is added when rendering
    elif kind.addressee == TO_SENDER:
        addressee = (sender or case.registering_body).name
    else:
        addressee = case.holder_body.name
    return {
        "case_number": case.number,
        "doc_number": number,
        "case_title": case.title,
        "case_body": case.body,
        "request": detail.get("request") or case.title,
        "registered_on": render.cn_date(timezone.localdate(case.registered_at)),
        "content_type": workflow.CONTENT_TYPES.get(case.content_type, case.content_type),
        "channel": workflow.CHANNELS.get(case.channel, case.channel),
        "addressee": addressee,
        "issuer": issuer.name,
        "issued_on": render.cn_date(day),
        "issued_iso": day.isoformat(),
        "superior": issuer.parent.name if issuer.parent_id else "",
        "original_body": sender.name if sender else "",
        "to_body": extra.get("to_body", ""),
        "accepted_on": render.cn_date(timezone.localdate(accepted.at)) if accepted else "",
        "requested_on": render.cn_date(timezone.localdate(requested.at)) if requested else "",
        "request_reasons": (requested.extra or {}).get("reasons", "") if requested else "",
        "decision": workflow.DECISIONS.get(case.decision, ""),
        "decision_text": DECISION_TEXT.get(case.decision, ""),
        "facts": detail.get("facts", ""),
        "reasons": detail.get("reasons", ""),
        "basis": detail.get("basis", ""),
        "opinion": opinion,
        "agreement": extra.get("agreement") or detail.get("mediation_agreement", ""),
        "reason": extra.get("reason", ""),
        "final_case": extra.get("final_case", ""),
        "legal_channel": workflow.LEGAL_CHANNELS.get(case.legal_channel, ""),
        "extension_days": extra.get("days", ""),
        "extension_reason": extra.get("reason", ""),
        "new_due": _iso_to_cn(extra.get("new_due")),
        "grounds": extra.get("grounds", ""),
        "note": extra.get("note", ""),
        "article": cite(extra.get("article") or kind.article),
        "due": due,
        **_hearing_values(extra),
    }


_HEARING_STAGES = {"accepted": "办理阶段", "under_review": "复查阶段", "under_rereview": "复核阶段"}


def _hearing_values(extra: dict) -> dict:
    """What the 听证通知书 says: when, where, who hosts and who sits on the panel (W31, W36)."""
    if "held_on" not in extra or "panel" not in extra:
        return {}
    return {
        "stage": _HEARING_STAGES.get(extra.get("stage", ""), ""),
        "stage_pauses": bool(extra.get("paused")),
        "hearing_on": _iso_to_cn(extra.get("held_on")),
        "hearing_place": extra.get("place", ""),
        "hearing_host": extra.get("host", ""),
        "hearing_panel": "、".join(extra.get("panel") or []),
    }


# ---------------------------------------------------------------------------------------------
# Rendering (after commit)


def enqueue_rendering(event_id: int) -> None:
    """After-commit subscriber: queue each pending notice of the event by id."""
    from .tasks import render_notice_task

    pending = Notice.objects.filter(event_id=event_id, status=Notice.PENDING)
    for pk in pending.values_list("pk", flat=True):
        try:
            render_notice_task.enqueue(pk)
        except Exception:
            logger.exception("Could not queue notice %s; render_pending_notices will render it", pk)


def _petitioners(case: Case) -> list[str]:
    # In the order they were registered: the first named petitioner leads the address line.
    parties = sorted(case.parties.all(), key=lambda p: p.pk)
    return [p.name for p in parties if p.kind == Party.PETITIONER and p.name] or [
        p.name for p in parties if p.kind == Party.REPRESENTATIVE and p.name
    ]


def _petitioner(case: Case, kind: Kind) -> str:
    """Full name on a notice addressed to the petitioner; masked on internal slips, and nothing
    at all about a reporter (W30, W46)."""
    names = _petitioners(case)
    if not kind.citizen_visible:
        if case.content_type == "report":
            return REPORT_IDENTITY_WITHHELD
        names = [crypto.mask_name(n) for n in names]
    shown = "、".join(names) or ("信访人" if kind.citizen_visible else "（未署名）")
    if names and case.is_group and case.group_size > len(names):
        shown += f"等{case.group_size}人"
    return shown


def _you(case: Case) -> str:
    """How a notice speaks to its addressee: 你 to one petitioner, 你们 to a group."""
    return "你们" if case.is_group or len(_petitioners(case)) > 1 else "你"


def layout_for(notice: Notice, *, title: str, body: str) -> render.Layout:
    kind = KINDS[notice.kind]
    context = dict(notice.context)
    context["petitioner"] = _petitioner(notice.case, kind)
    context["you"] = _you(notice.case)
    if kind.citizen_visible:
        context["addressee"] = context["petitioner"]
    paragraphs = [
        render.resolve_you(p, context["you"]) for p in render.render_paragraphs(body, context)
    ]
    issuer = context.get("issuer", "")
    return render.Layout(
        title=title,
        number=notice.number,
        addressee=context.get("addressee", ""),
        paragraphs=paragraphs,
        issuer=issuer,
        issued_on=dt.date.fromisoformat(context["issued_iso"]),
        header=issuer,
    )


def render_notice(notice_id: int, *, force: bool = False) -> Notice | None:
    """Render one notice to PDF and store it with the case. Idempotent unless `force`.

    The PDF is built outside any transaction: on SQLite a transaction holds the one write lock,
    and building takes long enough to keep every page that writes waiting. The row is locked only
    to store the result; if another worker stored it meanwhile, that one stands."""
    notice = Notice.objects.select_related("case", "event").filter(pk=notice_id).first()
    if notice is None or (notice.status == Notice.RENDERED and not force):
        return notice
    started = time.perf_counter()
    try:
        title, body = template_for(notice.kind)
        layout = layout_for(notice, title=title, body=body)
        data = render.build_pdf(layout)
        missing = render.missing_glyphs(
            "".join([layout.title, layout.addressee, layout.issuer, *layout.paragraphs])
        )
    except Exception as exc:
        logger.exception("Notice %s (%s) failed to render", notice.pk, notice.kind)
        with transaction.atomic():
            locked = Notice.objects.select_for_update().filter(pk=notice_id).first()
            if locked is None or (locked.status == Notice.RENDERED and not force):
                return locked
            locked.attempts += 1
            locked.status = Notice.FAILED
            locked.error = f"{type(exc).__name__}: {exc}"[:2000]
            locked.save(update_fields=["status", "error", "attempts"])
        return locked
    render_ms = round((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        locked = (
            Notice.objects.select_for_update()
            .select_related("case", "event")
            .filter(pk=notice_id)
            .first()
        )
        if locked is None or (locked.status == Notice.RENDERED and not force):
            return locked
        notice = locked
        notice.attempts += 1
        old_name = notice.pdf.name if notice.pdf else ""
        notice.title = title[:60]
        notice.sha256 = hashlib.sha256(data).hexdigest()
        notice.pdf.save(f"{notice.kind}-{notice.event.seq:04d}.pdf", ContentFile(data), save=False)
        notice.status = Notice.RENDERED
        notice.rendered_at = timezone.now()
        notice.render_ms = render_ms
        # Rare characters the font lacks would print as blank boxes: say so where staff look.
        notice.error = f"字体缺少以下字符：{''.join(missing)}" if missing else ""
        if missing:
            logger.warning("Notice %s: font lacks %s", notice.pk, "".join(missing))
        notice.save()
    if old_name and old_name != notice.pdf.name:
        notice.pdf.storage.delete(old_name)
    logger.info("Rendered notice %s (%s) in %s ms", notice.pk, notice.kind, notice.render_ms)
    return notice


def render_pending(*, limit: int | None = None, retry_failed: bool = False) -> dict[str, int]:
    """Render what is still pending (queue down, worker lost); optionally retry failures."""
    statuses = [Notice.PENDING, Notice.FAILED] if retry_failed else [Notice.PENDING]
    ids = Notice.objects.filter(status__in=statuses).order_by("created_at", "pk")
    ids = list(
        ids.values_list("pk", flat=True)[:limit] if limit else ids.values_list("pk", flat=True)
    )
    counts = {"rendered": 0, "failed": 0, "skipped": 0, "ms": 0}
    for pk in ids:
        notice = render_notice(pk)
        if notice is None or notice.status not in (Notice.RENDERED, Notice.FAILED):
            counts["skipped"] += 1
        elif notice.status == Notice.RENDERED:
            counts["rendered"] += 1
            counts["ms"] += notice.render_ms or 0
        else:
            counts["failed"] += 1
    return counts
