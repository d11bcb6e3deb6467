"""Field work pages, made for a phone: a village agent files for a villager; a grid worker records
a matter with photos and a pin, keeps the 民情日志 and confirms the 排查 round; overseers see which
villages and towns are due and the counts per village and town."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xinfang.cases import access, services
from xinfang.cases import selectors as case_selectors
from xinfang.cases.fieldwork_models import FieldNote, GridPhoto
from xinfang.cases.selectors import gridwork as grid_selectors
from xinfang.cases.services import gridwork
from xinfang.core.errors import ApplicationError, apply_to_form
from xinfang.core.timeutil import today

from . import print_views
from .fieldwork_forms import AgentFilingForm, FieldItemForm, FieldNoteForm, RoundForm
from .navigation import page_required

# ---------------------------------------------------------------------------------------------
# Village agents


def _agent_context(request, form):
    cases = (
        access.cases_visible_to(request.user)
        .filter(filed_by=request.user)
        .order_by("-registered_at")[:50]
    )
    return {"form": form, "body": access.agent_body(request.user), "cases": cases}


@never_cache
@page_required("agent")
def agent(request):
    form = AgentFilingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reg = services.file_for_villager(agent=request.user, **form.cleaned_data)
            except ApplicationError as e:
                apply_to_form(form, e)
                status = e.http_status
            else:
                # The password is shown once, on the receipt the villager takes home.
                print_views.keep_receipt(request, reg.case, reg.query_password)
                messages.success(
                    request,
                    _("Filed %(number)s. The villager is sent the tracking code by SMS.")
                    % {"number": reg.case.number},
                )
                return redirect("desk:intake_receipt", number=reg.case.number)
        else:
            status = 422
    return render(
        request, "desk/fieldwork/agent.html", _agent_context(request, form), status=status
    )


# ---------------------------------------------------------------------------------------------
# The grid worker's field page


def _uploads(files) -> list[services.AttachmentInput]:
    return [services.AttachmentInput(name=f.name, content=f.read()) for f in files]


def _field_context(request, body, *, item_form=None, note_form=None, round_form=None):
    day = today()
    period = gridwork.period_for(body, day) if gridwork.keeps_rounds(body) else None
    done = None
    if period:
        done = body.grid_rounds.filter(period_start=period[0]).first()
    return {
        "body": body,
        "item_form": item_form or FieldItemForm(body=body),
        "note_form": note_form or FieldNoteForm(body=body, prefix="note"),
        "round_form": round_form or RoundForm(),
        "period": period,
        "round": done,
        "found": gridwork.found_in(body, *period) if period else 0,
        "notes": FieldNote.objects.filter(body=body).select_related("place")[:10],
    }


def _grid_body_or_403(user):
    body = access.grid_body(user)
    if body is None:
        raise PermissionDenied(_("Only grid workers and village or township staff record items."))
    return body


@never_cache
@page_required("grid")
def field(request):
    body = _grid_body_or_403(request.user)
    return render(request, "desk/fieldwork/field.html", _field_context(request, body))


@require_POST
@page_required("grid")
def field_item(request):
    body = _grid_body_or_403(request.user)
    form = FieldItemForm(request.POST, request.FILES, body=body)
    if form.is_valid():
        data = dict(form.cleaned_data)
        photos = _uploads(data.pop("photos"))
        try:
            item = services.register_grid_item(actor=request.user, body=body, photos=photos, **data)
        except ApplicationError as e:
            apply_to_form(form, e)
            status = e.http_status
        else:
            messages.success(
                request, _("Recorded in the ledger: %(title)s") % {"title": item.title}
            )
            return redirect("desk:grid_item", pk=item.pk)
    else:
        status = 422
    ctx = _field_context(request, body, item_form=form)
    return render(request, "desk/fieldwork/field.html", ctx, status=status)


def _post_on_field_page(request, body, form, slot: str, save, done: str):
    """A form of the field page: run `save(data)`, then back to the page with `done`; a refusal
    shows the page again with the form's errors (422, or the error's own status)."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ApplicationError as e:
            apply_to_form(form, e)
            status = e.http_status
        else:
            messages.success(request, done)
            return redirect("desk:field")
    else:
        status = 422
    ctx = _field_context(request, body, **{slot: form})
    return render(request, "desk/fieldwork/field.html", ctx, status=status)


@require_POST
@page_required("grid")
def field_note(request):
    body = _grid_body_or_403(request.user)
    return _post_on_field_page(
        request,
        body,
        FieldNoteForm(request.POST, body=body, prefix="note"),
        "note_form",
        lambda data: gridwork.record_field_note(actor=request.user, body=body, **data),
        _("Added to the public opinion log."),
    )


@require_POST
@page_required("grid")
def field_round(request):
    body = _grid_body_or_403(request.user)
    return _post_on_field_page(
        request,
        body,
        RoundForm(request.POST),
        "round_form",
        lambda data: gridwork.confirm_round(actor=request.user, body=body, **data),
        _("The screening round is confirmed."),
    )


# ---------------------------------------------------------------------------------------------
# Rounds and counts


def _since(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        return today().replace(day=1)


@never_cache
@page_required("grid")
def rounds(request):
    day = today()
    since = _since(request)
    status = grid_selectors.round_status(request.user, on=day)
    counts = grid_selectors.counts(request.user, since=since)
    context = {
        "status": status,
        "due": sum(1 for r in status if not r.done),
        "counts": counts,
        "since": since,
        "today": day,
    }
    return render(request, "desk/fieldwork/rounds.html", context)


@page_required("grid")
def grid_photo(request, pk: int, photo_id: int):
    item = case_selectors.grid_items_visible_to(request.user).filter(pk=pk).first()
    photo = GridPhoto.objects.filter(item=item, pk=photo_id).first() if item else None
    if photo is None:
        raise Http404
    return FileResponse(photo.file.open(), content_type=photo.mime_type)
