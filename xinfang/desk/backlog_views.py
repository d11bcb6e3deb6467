"""The backlog (积案) ledger: flagged cases with their plan, owning leader, limit and outcome."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from xinfang.cases import access
from xinfang.cases.access import cases_visible_to
from xinfang.core.errors import ApplicationError
from xinfang.core.timeutil import today
from xinfang.insights import backlog
from xinfang.insights.models import BacklogEntry

from .navigation import page_required

GROUNDS = {
    backlog.OVERDUE: gettext_lazy("past its statutory limit"),
    backlog.REPEATS: gettext_lazy("repeated petitions"),
}


class EntryForm(forms.Form):
    plan = forms.CharField(
        label=gettext_lazy("Resolution plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    leader = forms.CharField(label=gettext_lazy("Owning leader"), required=False, max_length=50)
    limit = forms.DateField(
        label=gettext_lazy("Time limit"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[("", gettext_lazy("Open"))] + BacklogEntry.OUTCOMES,
    )


def _entries(user):
    return BacklogEntry.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related(
        "case", "case__holder_body"
    )


@require_GET
@page_required("backlog")
def ledger(request):
    show = request.GET.get("show", "open")
    qs = _entries(request.user)
    if show != "all":
        qs = qs.filter(outcome="")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    editable = access.may_oversee(request.user)
    rows = [
        (
            e,
            [str(GROUNDS.get(g, g)) for g in e.grounds],
            EntryForm(
                initial={
                    "plan": e.plan,
                    "leader": e.leader,
                    "limit": e.limit,
                    "outcome": e.outcome,
                },
                prefix=f"e{e.pk}",
            )
            if editable
            else None,
        )
        for e in page.object_list
    ]
    found, cleared = backlog.clearance(_entries(request.user), today())
    return render(
        request,
        "desk/insights/backlog.html",
        {
            "rows": rows,
            "page": page,
            "show": show,
            "query": f"show={show}",
            "found": found,
            "cleared": cleared,
        },
    )


@require_POST
@page_required("backlog")
def update(request, pk: int):
    if not access.may_oversee(request.user):
        raise PermissionDenied(_("Only supervisors and leaders keep the backlog ledger."))
    entry = _entries(request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    form = EntryForm(request.POST, prefix=f"e{pk}")
    if form.is_valid():
        try:
            backlog.update(entry=entry, day=today(), **form.cleaned_data)
            messages.success(
                request, _("%(number)s: the ledger entry is saved.") % {"number": entry.case.number}
            )
        except ApplicationError as e:
            messages.error(request, str(e.message))
    else:
        messages.error(request, _("Please correct the entry."))
    return redirect("desk:backlog")
