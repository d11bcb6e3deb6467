"""Statistics pages: the figures (insights.selectors, docs/metrics.md) and the lists of cases
behind every number. Counts about matters and bodies only, never about persons."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from xinfang.cases.selectors.ratings import RATING_STATUS_LABELS, with_rating_status
from xinfang.core.errors import ApplicationError
from xinfang.core.timeutil import today
from xinfang.insights import selectors as stats

from .insights_forms import StatisticsForm
from .navigation import page_required

FIGURE_LABELS = {
    "intake": gettext_lazy("Petitions registered"),
    "online": gettext_lazy("Online petitions"),
    "registered": gettext_lazy("All petitions registered, repeats included"),
    "repeat": gettext_lazy("Repeat petitions"),
    "answered": gettext_lazy("Cases answered"),
    "resolved": gettext_lazy("Cases resolved"),
    "satisfied": gettext_lazy("Satisfied or basically satisfied"),
    "overdue": gettext_lazy("Cases overdue now"),
    "stopped": gettext_lazy("Cases with deadlines that ended"),
    "late": gettext_lazy("Cases with deadlines missed"),
    "backlog": gettext_lazy("Backlog cases"),
    "backlog_cleared": gettext_lazy("Backlog cases cleared"),
    "consultations": gettext_lazy("Consultations"),
    **RATING_STATUS_LABELS,
}
FILTER_KEYS = (
    "period",
    "year",
    "month",
    "quarter",
    "start",
    "end",
    "division",
    "body",
    "channel",
    "content_type",
    "category",
    "level",
)
PAGE_SIZE = 50


def _form(request):
    day = today()
    return StatisticsForm(request.GET or None, user=request.user, day=day), day


def _base_query(request) -> str:
    params = request.GET.copy()
    for k in list(params):
        if k not in FILTER_KEYS:
            params.pop(k)
    return params.urlencode()


def _linker(request):
    base = _base_query(request)
    url = reverse("desk:statistics_cases")

    def link(figure: str, key: str = "") -> str:
        q = f"figure={figure}" + (f"&key={key}" if key else "")
        return f"{url}?{base}&{q}" if base else f"{url}?{q}"

    return link


def _chart(rows, figure, link) -> list[dict]:
    return [{"name": r.label, "value": r.count, "href": link(figure, r.key)} for r in rows]


@require_GET
@page_required("statistics")
def statistics(request):
    form, day = _form(request)
    f = form.filters()
    s = stats.statistics(request.user, f, day=day)
    link = _linker(request)
    for rows in (s.by_channel, s.by_category, s.by_township, s.by_village):
        for r in rows:
            r.href = link("intake", r.key)
    for r in s.on_time_by_period + s.on_time_by_body:
        r.href = link("late", r.key)
        r.all_href = link("stopped", r.key)
    charts = {
        "channel": {
            "kind": "pie",
            "title": _("Intake by channel"),
            "data": _chart(s.by_channel, "intake", link),
        },
        "category": {
            "kind": "bar",
            "title": _("Intake by category"),
            "data": _chart(s.by_category[:15], "intake", link),
        },
        "township": {
            "kind": "bar",
            "title": _("Intake by township"),
            "data": _chart(s.by_township[:20], "intake", link),
        },
        "rating": {
            "kind": "pie",
            "title": _("Rating status"),
            "data": [
                {"name": label, "value": n, "href": link(key)} for key, label, n in s.rating_rows()
            ],
        },
        "ontime": {
            "kind": "bar",
            "title": _("On-time rate by body (%)"),
            "data": [
                {"name": r.label, "value": r.value, "href": r.all_href}
                for r in s.on_time_by_body
                if r.value is not None
            ],
        },
    }
    return render(
        request,
        "desk/insights/statistics.html",
        {
            "form": form,
            "s": s,
            "charts": charts,
            "links": {k: link(k) for k in (*FIGURE_LABELS, "answered")},
            "grid_href": f"{reverse('desk:statistics_grid')}?{_base_query(request)}",
            "query": _base_query(request),
            "day": day,
        },
    )


@require_GET
@page_required("statistics")
def figure_cases(request):
    form, day = _form(request)
    f = form.filters()
    figure = request.GET.get("figure", "")
    key = request.GET.get("key", "")
    if figure not in stats.FIGURES:
        raise Http404
    try:
        cases = stats.CaseList(
            stats.Tally(request.user),
            stats.figure_rows(f, figure, key, day=day),
            prepare=lambda qs: with_rating_status(qs, on=day),
        )
        page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    except ApplicationError:
        raise Http404 from None
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "desk/insights/cases.html",
        {
            "figure_label": FIGURE_LABELS[figure],
            "segment": key,
            "window": f.window,
            "page": page,
            "query": params.urlencode(),
            "back": f"{reverse('desk:statistics')}?{_base_query(request)}",
            "status_labels": RATING_STATUS_LABELS,
        },
    )


@require_GET
@page_required("statistics")
def grid_items(request):
    form, _day = _form(request)
    f = form.filters()
    settled = request.GET.get("settled") == "1"
    qs = stats.grid_items(request.user, f)
    if settled:
        qs = qs.filter(status="settled")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "desk/insights/grid.html",
        {
            "settled": settled,
            "window": f.window,
            "page": page,
            "query": params.urlencode(),
            "back": f"{reverse('desk:statistics')}?{_base_query(request)}",
        },
    )
