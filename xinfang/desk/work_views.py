"""Workbench: the inbox per body and role, and the case page with its moves (issue 4).

Views stay thin: reads through selectors (which authorise), writes through services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xinfang.accounts import securitylog
from xinfang.cases import selectors as case_selectors
from xinfang.cases import services, workflow
from xinfang.core.errors import ApplicationError, NotFound
from xinfang.core.timeutil import today
from xinfang.documents import preview
from xinfang.documents import selectors as doc_selectors
from xinfang.reception import meeting_selectors as reception_selectors

from . import export
from . import moves as desk_moves
from . import work_forms as f
from .common import case_or_404 as _case_or_404

INBOX_PAGE = 50


# ---------------------------------------------------------------------------------------------
# Inbox


def _inbox_request(request):
    """The filter form, queue and filters the inbox and its export read from the query."""
    form = f.InboxFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    queues = case_selectors.inbox_queues(request.user)
    queue = data.get("queue") or "all"
    if queue not in queues:
        queue = "all"
    filters = case_selectors.InboxFilters(
        state=data.get("state", ""),
        category=data.get("category", ""),
        division=data.get("division", ""),
        channel=data.get("channel", ""),
        content_type=data.get("content_type", ""),
        registered_from=data.get("registered_from"),
        registered_to=data.get("registered_to"),
        q=data.get("q", ""),
        sort=data.get("sort") or "registered",
    )
    return form, data, queues, queue, filters


def _tabs(request, queues, queue, counts: dict | None) -> dict:
    """The queue tabs: their links keep the filters; with `counts` each tab shows its count."""
    params = request.GET.copy()
    params.pop("cursor", None)
    tab_params = params.copy()
    tab_params.pop("queue", None)
    params["queue"] = queue
    return {
        "queue": queue,
        "queues": [(q, case_selectors.QUEUES[q], *_count(counts, q)) for q in queues],
        "counted": counts is not None,
        "tab_query": tab_params.urlencode(),
        "counts_query": params.urlencode(),
    }


def _count(counts: dict | None, q: str) -> tuple:
    if counts is None:
        return None, ""
    return counts.get(q, 0), case_selectors.count_label(counts.get(q, 0))


@require_GET
@login_required
def inbox(request):
    """One page of a queue. The tabs' counts come in a request of their own once the page is
    shown (queue_counts): the page never waits for them."""
    form, data, queues, queue, filters = _inbox_request(request)
    error = ""
    try:
        page = case_selectors.inbox(
            request.user, queue, filters, data.get("cursor") or None, INBOX_PAGE
        )
    except ApplicationError as e:
        error = str(e.message)
        page = case_selectors.inbox(request.user, queue, filters, None, INBOX_PAGE)
    due = case_selectors.staff_clock_due(page.items)
    rows = [(c, due.get(c.pk)) for c in page.items]
    tasks = reception_selectors.open_tasks_for(request.user)
    day = today()
    for task in tasks:
        task.days_left = (task.due_on - day).days
    params = request.GET.copy()
    params.pop("cursor", None)
    next_params = params.copy()
    if page.next_cursor:
        next_params["cursor"] = page.next_cursor
    export_params = params.copy()
    export_params["queue"] = queue
    return render(
        request,
        "desk/home.html",
        {
            **_tabs(request, queues, queue, None),
            "form": form,
            "export_query": export_params.urlencode(),
            "rows": rows,
            "tasks": tasks,
            "next_query": next_params.urlencode() if page.next_cursor else "",
            "first_page": not data.get("cursor"),
            "error": error,
            "filtered": any(
                data.get(k)
                for k in f.InboxFilterForm.base_fields
                if k not in ("queue", "cursor", "q", "sort")
            ),
        },
    )


@require_GET
@login_required
def queue_counts(request):
    """The queue tabs with how many cases each holds under the inbox's filters (a fragment the
    inbox page asks for once it is shown)."""
    _form, _data, queues, queue, filters = _inbox_request(request)
    counts = case_selectors.queue_counts(request.user, filters)
    return render(request, "desk/work/_queue_tabs.html", _tabs(request, queues, queue, counts))


@require_GET
@login_required
def inbox_export(request):
    """The filtered queue as an .xlsx file (Chinese headers; people only where access allows)."""
    _form, _data, _queues, queue, filters = _inbox_request(request)
    return export.xlsx_response(request.user, queue, filters)


# ---------------------------------------------------------------------------------------------
# Case page


def _case_context(request, case, *, bound=None, clear=None, unmask_form=None, unmask_party=None):
    user = request.user
    show_identity = case_selectors.may_see_identity(user, case)
    forms = desk_moves.offered(user, case, workflow.CASE_PAGE, bound=bound)
    parties = list(case.parties.all()) if show_identity else []
    notices = list(doc_selectors.notices_for_staff(case, user))
    return {
        **_decision_context(user, case, notices, forms),
        "case": case,
        "rating_status": case_selectors.rating_status(case),
        "show_identity": show_identity,
        "parties": [(p.pk, p.masked()) for p in parties],
        "clear": clear,
        "unmask_form": unmask_form,
        "unmask_party": unmask_party,
        "attachments": list(case.attachments.all()) if show_identity else [],
        "clocks": case_selectors.clock_entries(case),
        "citizen_windows": case_selectors.CITIZEN_WINDOWS,
        "notices": notices,
        "timeline": case_selectors.timeline_entries(case, for_citizen=False),
        "moves": forms,
        "failed": bound if bound is not None and bound.errors else None,
        "failed_gone": bound is not None
        and bound.errors
        and bound.move.name not in {m.name for m, _form in forms},
    }


# Sign-off moves whose notice the head reads before signing (W32, W34).
PREVIEWED = ("reply", "extend")


def _decision_context(user, case, notices, forms) -> dict:
    """The draft awaiting signature with its notice as it would go out, and the answers given so
    far with the notices that carried them, the requests for review and the ratings."""
    record = case_selectors.decision_record(case)
    by_event = {}
    for n in notices:
        by_event.setdefault(n.event_id, []).append(n)
    offered = {m.name for m, _form in forms}
    previews = [
        (name, layout)
        for name in PREVIEWED
        if name in offered and (layout := preview.preview_layout(case, name, user=user))
    ]
    return {
        "record": record,
        # Oldest first, answers and requests for review as they came.
        "history": sorted(
            [(a.seq, a, by_event.get(a.event_id, [])) for a in record.answers]
            + [(r.seq, r, None) for r in record.requests],
            key=lambda item: item[0],
        ),
        "previews": previews,
    }


@require_GET
@login_required
def notice_preview(request, number: str, move: str):
    """The PDF of the notice a sign-off move would issue, for the one who may make it now."""
    case = _case_or_404(request.user, number)
    if move not in PREVIEWED or move not in {
        m.name for m in services.available_moves(request.user, case)
    }:
        raise Http404
    layout = preview.preview_layout(case, move, user=request.user)
    if layout is None:
        raise Http404
    response = HttpResponse(preview.preview_pdf(layout), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview-{move}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def case_page(request, number: str):
    case = _case_or_404(request.user, number)
    return render(request, "desk/work/case.html", _case_context(request, case))


@require_POST
@login_required
def case_move(request, number: str, move: str):
    case = _case_or_404(request.user, number)
    outcome = desk_moves.run(request, case, move)
    if outcome.case is not None:
        done = outcome.case
        messages.success(
            request,
            _("%(number)s: %(move)s done.")
            % {"number": done.number, "move": workflow.MOVES[move].label},
        )
        try:
            case_selectors.case_get_for_user(request.user, done.number)
        except NotFound:
            # Sent on to a body this user does not see: back to the inbox.
            return redirect("desk:home")
        return redirect("desk:case", number=done.number)
    case = _case_or_404(request.user, number)
    return render(
        request,
        "desk/work/case.html",
        _case_context(request, case, bound=outcome.form),
        status=outcome.status,
    )


@require_POST
@login_required
def unmask(request, number: str, party_id: int):
    """Show one party's details in clear, once, for a stated reason that is logged."""
    case = _case_or_404(request.user, number)
    form = f.UnmaskForm(request.POST)
    status = 422
    clear = None
    if form.is_valid():
        try:
            clear = services.unmask_party(
                case=case, actor=request.user, party_id=party_id, reason=form.cleaned_data["reason"]
            )
            status = 200
        except NotFound:
            raise Http404 from None
        except ApplicationError as e:
            f.add_service_error(form, e)
            status = e.http_status
    case.refresh_from_db()
    context = _case_context(
        request, case, clear=clear, unmask_form=None if clear else form, unmask_party=party_id
    )
    response = render(request, "desk/work/case.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def attachment(request, number: str, attachment_id: int):
    case = _case_or_404(request.user, number)
    if not case_selectors.may_see_identity(request.user, case):
        # A report's materials may identify the reporter (W30).
        raise Http404
    att = case.attachments.filter(pk=attachment_id).first()
    if att is None:
        raise Http404
    # Scans of ID cards and letters: each opening is in the security log.
    securitylog.record(
        securitylog.Kind.FILE_OPENED,
        request=request,
        user=request.user,
        case_number=case.number,
        attachment=att.pk,
    )
    return FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.mime_type
    )


@require_GET
@login_required
def notice(request, number: str, notice_id: int):
    case = _case_or_404(request.user, number)
    try:
        nf = doc_selectors.notice_file(case, notice_id, user=request.user)
    except NotFound:
        raise Http404 from None
    return FileResponse(
        nf.open(), as_attachment=True, filename=nf.filename, content_type=nf.content_type
    )
