"""Reception days (W18) on the workbench: the calendar, the day's list, the session record and
its follow-on moves, recordings, resident lawyers. Reads through reception.selectors (which
authorise), writes through reception.services and the case's own moves (desk/moves.py)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xinfang.accounts import securitylog
from xinfang.cases import access, services, workflow
from xinfang.cases import selectors as case_selectors
from xinfang.core.errors import ApplicationError, NotFound, apply_to_form
from xinfang.core.timeutil import today
from xinfang.reception import selectors
from xinfang.reception import services as reception
from xinfang.reception.models import Appointment, SessionRecord

from . import moves as desk_moves
from . import reception_forms as f
from .navigation import page_required
from .work_forms import MoveForm

# The moves a session can start, made on the appointment's page through the case's own moves.
FOLLOW_ON = ("accept", "assign", "assign_leader")


def _day_or_404(user, day_id: int):
    try:
        return selectors.day_for(user, day_id)
    except NotFound:
        raise Http404 from None


def _appointment_or_404(user, appointment_id: int) -> Appointment:
    try:
        return selectors.appointment_for(user, appointment_id)
    except NotFound:
        raise Http404 from None


@page_required("reception")
def calendar(request, form=None, status=200):
    start = today() - dt.timedelta(days=7)
    days = list(selectors.days_for(request.user, start=start, end=start + dt.timedelta(days=70)))
    offices = f.offices_of(request.user)
    if form is None and offices.exists():
        form = f.DayForm(user=request.user, initial={"office": offices.first()})
    stations = access.video_stations_of(request.user)
    joining = [
        {"day": d, "station": st, "link": reception.session_link(d)}
        for st in stations
        for d in selectors.station_sessions(st, start=today(), end=today() + dt.timedelta(days=70))
    ]
    context = {"days": days, "form": form, "today": today(), "joining": joining}
    return render(request, "desk/reception/calendar.html", context, status=status)


@require_POST
@page_required("reception")
def publish(request):
    form = f.DayForm(request.POST, user=request.user)
    if not form.is_valid():
        return calendar(request, form=form, status=422)
    d = form.cleaned_data
    try:
        days = reception.publish_days(
            actor=request.user,
            data=reception.DayInput(
                office=d["office"],
                host=d["host"],
                leader=d["leader"],
                leader_title=d["leader_title"],
                day=d["day"],
                starts_at=d["starts_at"],
                ends_at=d["ends_at"],
                mode=d["mode"],
                place=d["place"],
                topics=d["topics"],
                capacity=d["capacity"],
                stations=tuple(d["stations"]),
                lawyers=tuple(d["lawyers"]),
                weeks=d["weeks"],
            ),
        )
    except ApplicationError as e:
        apply_to_form(form, e)
        return calendar(request, form=form, status=e.http_status)
    messages.success(request, _("%(n)s reception days published.") % {"n": len(days)})
    return redirect("desk:reception_day", day_id=days[0].pk)


@page_required("reception")
def day(request, day_id: int, form=None, status=200):
    rd = _day_or_404(request.user, day_id)
    may_keep = access.may_keep_reception(request.user, rd.office)
    context = {
        "day": rd,
        "rows": selectors.day_list(request.user, rd),
        "may_keep": may_keep,
        "form": form or (f.BookForm(day=rd) if may_keep else None),
        "session_link": reception.session_link(rd),
        "stations": list(rd.stations.all()),
        "lawyers": list(rd.lawyers.all()),
    }
    return render(request, "desk/reception/day.html", context, status=status)


@require_POST
@page_required("reception")
def book(request, day_id: int):
    rd = _day_or_404(request.user, day_id)
    form = f.BookForm(request.POST, day=rd)
    if not form.is_valid():
        return day(request, day_id, form=form, status=422)
    d = form.cleaned_data
    try:
        reception.book_for(
            actor=request.user,
            day_id=rd.pk,
            number=d["number"].strip(),
            mode=d["mode"],
            kind=d["kind"],
            station=d["station"],
            note=d["note"],
        )
    except NotFound:
        form.add_error("number", _("No case with this number is open to you"))
        return day(request, day_id, form=form, status=404)
    except ApplicationError as e:
        apply_to_form(form, e)
        return day(request, day_id, form=form, status=e.http_status)
    messages.success(request, _("Place booked."))
    return redirect("desk:reception_day", day_id=rd.pk)


@require_POST
@page_required("reception")
def call_off(request, day_id: int):
    rd = _day_or_404(request.user, day_id)
    try:
        reception.cancel_day(actor=request.user, day=rd)
    except ApplicationError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("The day is called off; booked petitioners are told by SMS."))
    return redirect("desk:reception_day", day_id=rd.pk)


@require_POST
@page_required("reception")
def cancel(request, appointment_id: int):
    a = _appointment_or_404(request.user, appointment_id)
    try:
        reception.cancel(appointment=a, actor=request.user)
    except ApplicationError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("Appointment cancelled; the petitioner is told by SMS."))
    return redirect("desk:reception_day", day_id=a.day_id)


def _follow_on(user, case, bound: MoveForm | None = None):
    out = []
    for move in services.available_moves(user, case):
        if move.name not in FOLLOW_ON:
            continue
        if bound is not None and bound.move.name == move.name:
            out.append((move, bound))
        else:
            out.append(
                (
                    move,
                    MoveForm(
                        move=move.name, user=user, case=case, initial={"version": case.version}
                    ),
                )
            )
    return out


@page_required("reception")
def appointment(request, appointment_id: int, form=None, bound=None, status=200):
    a = _appointment_or_404(request.user, appointment_id)
    record = SessionRecord.objects.filter(appointment=a).first()
    may_record = access.may_keep_reception(request.user, a.day.office) or (
        a.day.leader_id == request.user.pk
    )
    case = a.case
    context = {
        "a": a,
        "day": a.day,
        "case": case,
        "record": record,
        "may_record": may_record and a.status == Appointment.Status.BOOKED,
        "form": form or f.RecordForm(initial={"came": "1"}),
        "link": reception.appointment_link(a),
        "moves": _follow_on(request.user, case, bound) if record else [],
        "history": case_selectors.timeline_entries(case, for_citizen=False),
        "clocks": case_selectors.running_clocks(case),
    }
    return render(request, "desk/reception/appointment.html", context, status=status)


@require_POST
@page_required("reception")
def record(request, appointment_id: int):
    a = _appointment_or_404(request.user, appointment_id)
    form = f.RecordForm(request.POST, request.FILES)
    if not form.is_valid():
        return appointment(request, appointment_id, form=form, status=422)
    d = form.cleaned_data
    upload = d.get("recording")
    recording = (
        reception.RecordingInput(
            upload.name, upload.read(), upload.content_type or "application/octet-stream"
        )
        if upload
        else None
    )
    try:
        reception.record_session(
            actor=request.user,
            appointment=a,
            came=d["came"],
            attendees=d["attendees"],
            said=d["said"],
            decided=d["decided"],
            recording=recording,
        )
    except ApplicationError as e:
        apply_to_form(form, e)
        return appointment(request, appointment_id, form=form, status=e.http_status)
    messages.success(request, _("Session recorded on the case's timeline."))
    return redirect("desk:reception_appointment", appointment_id=a.pk)


@require_POST
@page_required("reception")
def move(request, appointment_id: int, move: str):
    """A follow-on move of the session, made through the case's own move."""
    a = _appointment_or_404(request.user, appointment_id)
    if move not in FOLLOW_ON:
        raise Http404
    outcome = desk_moves.run(request, a.case, move)
    if outcome.case is not None:
        messages.success(
            request,
            _("%(number)s: %(move)s done.")
            % {"number": a.case.number, "move": workflow.MOVES[move].label},
        )
        return redirect("desk:reception_appointment", appointment_id=a.pk)
    return appointment(request, appointment_id, bound=outcome.form, status=outcome.status)


@require_GET
@page_required("reception")
def recording(request, appointment_id: int):
    """The session's recording, to staff entitled to the record; every opening is logged."""
    a = _appointment_or_404(request.user, appointment_id)
    rec = SessionRecord.objects.filter(appointment=a).first()
    if rec is None or not rec.recording:
        raise Http404
    if not (
        access.may_keep_reception(request.user, a.day.office) or a.day.leader_id == request.user.pk
    ):
        raise PermissionDenied(_("Only the office's reception staff and the leader may open it."))
    securitylog.record(
        securitylog.Kind.FILE_OPENED,
        request=request,
        user=request.user,
        case_number=a.case.number,
        reception_recording=rec.pk,
    )
    return FileResponse(
        rec.recording.open("rb"),
        as_attachment=True,
        filename=rec.recording_name,
        content_type=rec.recording_type or "application/octet-stream",
    )
