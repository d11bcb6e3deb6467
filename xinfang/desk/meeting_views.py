"""Joint meetings (联席会议, W39), the tasks instructions and decisions give a body, and a
leader's queue of letters (阅批, W18).

Views stay thin: reads through the reception selectors (which authorise), writes through the
reception services, which make the case moves.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xinfang.cases.access import cases_visible_to
from xinfang.core.errors import ApplicationError, NotFound, apply_to_form
from xinfang.core.timeutil import today
from xinfang.documents.minutes import Minutes, MinutesDecision, minutes_pdf
from xinfang.insights.models import BacklogEntry
from xinfang.reception import meeting_selectors as selectors
from xinfang.reception.models import MEASURES, Meeting
from xinfang.reception.services import meetings as reception
from xinfang.triage.selectors import hot_issues_cached

from . import meeting_forms as f
from .navigation import page_required

AGENDA_SOURCES = 20


def _meeting_or_404(user, pk: int) -> Meeting:
    try:
        return selectors.meeting_get_for_user(user, pk)
    except NotFound:
        raise Http404 from None


@page_required("meetings")
def meetings(request, form=None, status=200):
    rows = list(selectors.meetings_for(request.user)[:100])
    form = form or f.MeetingForm(user=request.user, initial={"held_on": today()})
    return render(
        request, "desk/meetings/list.html", {"meetings": rows, "form": form}, status=status
    )


@require_POST
@page_required("meetings")
def meeting_create(request):
    form = f.MeetingForm(request.POST, user=request.user)
    if not form.is_valid():
        return meetings(request, form=form, status=422)
    try:
        meeting = reception.create_meeting(actor=request.user, **form.cleaned_data)
    except ApplicationError as e:
        apply_to_form(form, e)
        return meetings(request, form=form, status=e.http_status)
    return redirect("desk:meeting", pk=meeting.pk)


def _agenda_sources(user) -> dict:
    """What a meeting may take up: the backlog ledger, 包案 cases, jurisdiction disputes (W24)
    and the matters many people raise."""
    backlog = (
        BacklogEntry.objects.filter(outcome="", case__in=cases_visible_to(user).values("pk"))
        .select_related("case")
        .order_by("-flagged_on", "-pk")[:AGENDA_SOURCES]
    )
    found = selectors.agenda_cases(user)
    hot = hot_issues_cached(days=30, user=user, now=timezone.now(), limit=10)
    return {
        "backlog": [e.case for e in backlog],
        "leader_case": found["leader_case"][:AGENDA_SOURCES],
        "jurisdiction": found["jurisdiction"][:AGENDA_SOURCES],
        "hot_issue": [issue.example for issue in hot],
    }


@page_required("meetings")
def meeting(request, pk: int, agenda_form=None, decision_form=None, status=200):
    user = request.user
    m = _meeting_or_404(user, pk)
    may_convene = reception.may_convene(user, m.convenor)
    context = {
        "meeting": m,
        "agenda": selectors.agenda_of(m),
        "decisions": selectors.decisions_of(m),
        "bodies": list(m.bodies.order_by("name")),
        "may_convene": may_convene,
        "today": today(),
    }
    if may_convene:
        context["sources"] = _agenda_sources(user)
        context["agenda_form"] = agenda_form or f.AgendaForm()
        context["decision_form"] = decision_form or f.DecisionForm(user=user, meeting=m)
        context["summary_form"] = f.SummaryForm(initial={"summary": m.summary})
    return render(request, "desk/meetings/detail.html", context, status=status)


@require_POST
@page_required("meetings")
def meeting_agenda(request, pk: int):
    m = _meeting_or_404(request.user, pk)
    form = f.AgendaForm(request.POST)
    if not form.is_valid():
        return meeting(request, pk, agenda_form=form, status=422)
    try:
        reception.add_agenda_item(actor=request.user, meeting=m, **form.cleaned_data)
    except ApplicationError as e:
        apply_to_form(form, e)
        return meeting(request, pk, agenda_form=form, status=e.http_status)
    return redirect("desk:meeting", pk=m.pk)


@require_POST
@page_required("meetings")
def meeting_decision(request, pk: int):
    m = _meeting_or_404(request.user, pk)
    form = f.DecisionForm(request.POST, user=request.user, meeting=m)
    if not form.is_valid():
        return meeting(request, pk, decision_form=form, status=422)
    try:
        task = reception.record_decision(actor=request.user, meeting=m, **form.cleaned_data)
    except ApplicationError as e:
        apply_to_form(form, e)
        return meeting(request, pk, decision_form=form, status=e.http_status)
    messages.success(
        request,
        _("Decision recorded: %(body)s, due %(due)s.")
        % {"body": task.body.name, "due": task.due_on.isoformat()},
    )
    return redirect("desk:meeting", pk=m.pk)


@require_POST
@page_required("meetings")
def meeting_summary(request, pk: int):
    m = _meeting_or_404(request.user, pk)
    form = f.SummaryForm(request.POST)
    if form.is_valid():
        try:
            reception.update_summary(actor=request.user, meeting=m, **form.cleaned_data)
        except ApplicationError as e:
            messages.error(request, str(e.message))
    return redirect("desk:meeting", pk=m.pk)


def minutes_of(m: Meeting) -> Minutes:
    """The meeting as the minutes print it (documents renders, reception holds the meeting)."""
    return Minutes(
        convenor=m.convenor.name,
        held_on=m.held_on,
        title="",
        place=m.place,
        summary=m.summary,
        attending=tuple(b.name for b in m.bodies.order_by("name")),
        agenda=tuple(item.topic for item in selectors.agenda_of(m)),
        decisions=tuple(
            MinutesDecision(
                text=t.text,
                body=t.body.name,
                due_on=t.due_on,
                measure=str(MEASURES.get(t.measure, "")) if t.measure else "",
                case_number=t.case.number if t.case_id else "",
            )
            for t in selectors.decisions_of(m)
        ),
    )


@require_GET
@page_required("meetings")
def meeting_minutes(request, pk: int):
    m = _meeting_or_404(request.user, pk)
    from django.utils import translation

    with translation.override("zh-hans"):
        pdf = minutes_pdf(minutes_of(m))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="meeting-{m.pk}-minutes.pdf"'
    return response


# ---------------------------------------------------------------------------------------------
# Tasks and letters


@require_POST
@page_required("inbox")
def task_done(request, pk: int):
    try:
        task = selectors.task_for_body_staff(request.user, pk)
    except NotFound:
        raise Http404 from None
    form = f.TaskDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the report"))
        return redirect("desk:home")
    try:
        reception.complete_task(actor=request.user, task=task, report=form.cleaned_data["report"])
    except ApplicationError as e:
        messages.error(request, str(e.message))
        return redirect("desk:home")
    messages.success(request, _("Task reported done."))
    return redirect("desk:home")


@require_GET
@page_required("letters")
def letters(request):
    rows = list(selectors.letters_for(request.user)[:200])
    return render(request, "desk/meetings/letters.html", {"letters": rows})
