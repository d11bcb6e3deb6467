"""Monthly reports (信访工作月报): request one, watch it being prepared, download it."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xinfang.core.errors import ApplicationError
from xinfang.core.timeutil import today
from xinfang.insights.models import MonthlyReport

from .monthly import scope
from .navigation import page_required


def _previous_month(day):
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


@require_http_methods(["GET", "POST"])
@page_required("statistics")
def reports(request):
    day = today()
    if request.method == "POST":
        try:
            year, month = int(request.POST.get("year", "")), int(request.POST.get("month", ""))
        except ValueError:
            year, month = 0, 0
        try:
            r = scope.request_report(user=request.user, year=year, month=month, on=day)
            messages.success(
                request,
                _("The report of %(month)s is being prepared.") % {"month": f"{r.month:%Y-%m}"},
            )
        except ApplicationError as e:
            messages.error(request, str(e.message))
        return redirect("desk:reports")
    year, month = _previous_month(day)
    return render(
        request,
        "desk/reports/list.html",
        {
            "reports": scope.reports_visible_to(request.user)[:100],
            "year": year,
            "month": month,
            "months": range(1, 13),
            "scope_label": "、".join(d.name for d in scope.divisions_of(request.user)),
        },
    )


def _report(request, pk: int) -> MonthlyReport:
    report = MonthlyReport.objects.filter(pk=pk).first()
    if report is None or not scope.covers(request.user, report):
        raise Http404
    return report


@require_GET
@page_required("statistics")
def report_row(request, pk: int):
    """One row of the list, polled (htmx) while the report is being prepared."""
    return render(request, "desk/reports/_row.html", {"r": _report(request, pk)})


@require_GET
@page_required("statistics")
def download(request, pk: int):
    report = _report(request, pk)
    if report.status != MonthlyReport.DONE or not report.file:
        raise Http404
    name = _("monthly-report-%(month)s.pdf") % {"month": f"{report.month:%Y-%m}"}
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["Cache-Control"] = "no-store"
    return response
