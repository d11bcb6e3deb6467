"""Resident lawyers on the workbench: the roster, assigning a lawyer to a case, the opinion.
Reads through reception.selectors, writes through reception.services (both timeline entries)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.cases import access
from xinfang.core.errors import ApplicationError, NotFound, apply_to_form
from xinfang.reception import selectors
from xinfang.reception import services as reception
from xinfang.reception.models import LawyerAssignment

from . import reception_forms as f
from .navigation import page_required


@page_required("reception")
def lawyers(request, forms_=None, status=200):
    roster = selectors.lawyers_for(request.user)
    forms_ = forms_ or {}
    offices = f.offices_of(request.user)
    context = {
        "roster": roster,
        "assignments": LawyerAssignment.objects.filter(lawyer__in=roster)
        .select_related("lawyer", "case")
        .filter(case__in=access.cases_visible_to(request.user).values("pk"))[:200],
        "lawyer_form": forms_.get("lawyer")
        or (f.LawyerForm(user=request.user) if offices.exists() else None),
        "assign_form": forms_.get("assign") or f.AssignLawyerForm(lawyers=roster),
        "opinion_form": f.OpinionForm(),
    }
    return render(request, "desk/reception/lawyers.html", context, status=status)


@require_POST
@page_required("reception")
def lawyer_add(request):
    form = f.LawyerForm(request.POST, user=request.user)
    if not form.is_valid():
        return lawyers(request, forms_={"lawyer": form}, status=422)
    form.save()
    messages.success(request, _("Lawyer added to the roster."))
    return redirect("desk:reception_lawyers")


@require_POST
@page_required("reception")
def lawyer_assign(request):
    roster = selectors.lawyers_for(request.user)
    form = f.AssignLawyerForm(request.POST, lawyers=roster)
    if not form.is_valid():
        return lawyers(request, forms_={"assign": form}, status=422)
    try:
        reception.assign_lawyer(
            actor=request.user,
            number=form.cleaned_data["number"].strip(),
            lawyer=form.cleaned_data["lawyer"],
        )
    except NotFound:
        form.add_error("number", _("No case with this number is open to you"))
        return lawyers(request, forms_={"assign": form}, status=404)
    except ApplicationError as e:
        apply_to_form(form, e)
        return lawyers(request, forms_={"assign": form}, status=e.http_status)
    messages.success(request, _("Lawyer assigned; the case's timeline shows it."))
    return redirect("desk:reception_lawyers")


@require_POST
@page_required("reception")
def lawyer_opinion(request, assignment_id: int):
    roster = selectors.lawyers_for(request.user)
    assignment = (
        LawyerAssignment.objects.filter(pk=assignment_id, lawyer__in=roster)
        .filter(case__in=access.cases_visible_to(request.user).values("pk"))
        .select_related("lawyer", "case")
        .first()
    )
    if assignment is None:
        raise Http404
    form = f.OpinionForm(request.POST)
    if form.is_valid():
        try:
            reception.record_opinion(
                actor=request.user, assignment=assignment, opinion=form.cleaned_data["opinion"]
            )
        except ApplicationError as e:
            messages.error(request, str(e.message))
        else:
            messages.success(request, _("Opinion recorded on the case's timeline."))
    else:
        messages.error(request, _("Enter the lawyer's opinion"))
    return redirect("desk:reception_lawyers")
