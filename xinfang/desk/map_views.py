"""The map (docs/map.md): a region's parts shaded by one measure, over the statistics filters.
A part opens the next level's map; at the lowest level, or through its number in the table, the
statistics list of cases with the same filters and the part as the place."""

from __future__ import annotations

from django import forms
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xinfang.insights import shapes
from xinfang.insights.selectors import FIGURES
from xinfang.insights.selectors.regions import MEASURES, region_figures
from xinfang.orgs.models import Division

from . import tables
from .insights_exports import _xlsx_name, form_filters
from .insights_forms import divisions_in_scope
from .insights_views import FILTER_KEYS, _form
from .navigation import page_required

DEFAULT_MEASURE = "intake"


def select_html(bf) -> str:
    """A choice field's <select>, built here: the widget templates render each of the category
    table's options through a template, the larger part of the page's time."""
    value = bf.value()
    chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v}
    options = "".join(
        f'<option value="{escape(key)}"{" selected" if str(key) in chosen else ""}>'
        f"{escape(label)}</option>"
        for key, label in bf.field.choices
    )
    return mark_safe(f'<select name="{bf.html_name}" id="{bf.id_for_label}">{options}</select>')


def filter_fields(form) -> list[tuple]:
    return [
        (bf, select_html(bf) if isinstance(bf.field, forms.ChoiceField) else bf.as_widget())
        for bf in form.visible_fields()
        if bf.name != "level"
    ]


def _filters_query(request, **changes) -> QueryDict:
    params = QueryDict(mutable=True)
    for k in FILTER_KEYS:
        if k in request.GET:
            params.setlist(k, request.GET.getlist(k))
    for k, v in changes.items():
        params[k] = v
    return params


def _region(user, chosen: Division | None) -> tuple[Division, list[Division]]:
    """The region to draw (the chosen place, else the user's widest area) and the places in the
    user's area, from the widest down."""
    area = list(divisions_in_scope(user))
    if not area:
        raise Http404
    top = min(area, key=lambda d: (d.level, d.code))
    region = chosen if chosen is not None and chosen in area else top
    if not region.children.exists() and region.parent_id and region != top:
        # A place with nothing below it is drawn within its parent's map.
        region = region.parent
    return region, area


class Links:
    def __init__(self, request, measure: str):
        self.request = request
        self.measure = measure
        figure = MEASURES[measure].figure
        self.figure = figure

    def map(self, code: str) -> str:
        q = _filters_query(self.request, division=code, measure=self.measure)
        return f"{reverse('desk:map')}?{q.urlencode()}"

    def cases(self, code: str) -> str | None:
        if self.figure in FIGURES:
            q = _filters_query(self.request, division=code, figure=self.figure)
            return f"{reverse('desk:statistics_cases')}?{q.urlencode()}"
        if self.figure == "grid":
            q = _filters_query(self.request, division=code)
            return f"{reverse('desk:statistics_grid')}?{q.urlencode()}"
        return None


def _measure(request) -> str:
    measure = request.GET.get("measure") or DEFAULT_MEASURE
    return measure if measure in MEASURES else DEFAULT_MEASURE


@require_GET
@page_required("statistics")
def region_map_xlsx(request):
    """The map's table as a workbook: each place below the region with its figure."""
    form, day = _form(request)
    f = form.filters()
    region, _area = _region(request.user, f.division)
    figures = region_figures(request.user, f, _measure(request), parent=region, day=day)
    label = str(figures.measure.label)
    rows = [[r.name, r.count] for r in figures.regions]
    if figures.at_parent:
        rows.append([_("Recorded at %(where)s itself") % {"where": region.name}, figures.at_parent])
    table = tables.Table(
        f"{region.name} · {label}",
        [tables.Column(_("Place")), tables.Column(label, tables.NUMBER)],
        rows,
        form_filters(form),
    )
    return tables.response([table], _xlsx_name(_("map"), f.window.label()))


@require_GET
@page_required("statistics")
def region_map(request):
    form, day = _form(request)
    f = form.filters()
    measure = _measure(request)
    region, area = _region(request.user, f.division)
    figures = region_figures(request.user, f, measure, parent=region, day=day)
    links = Links(request, measure)
    geo = shapes.shapes_of(region.code)
    shaped = shapes.shaped_codes(geo)
    with_children = set(
        Division.objects.filter(parent__in=[r.division for r in figures.regions])
        .values_list("parent_id", flat=True)
        .distinct()
    )
    rows = []
    for r in figures.regions:
        cases = links.cases(r.code)
        rows.append(
            {
                "code": r.code,
                "name": r.name,
                "count": r.count,
                "shaped": r.code in shaped,
                "map_href": links.map(r.code) if r.code in with_children else None,
                "cases_href": cases,
            }
        )
    chart = {
        "map": region.code,
        "geo": geo,
        "title": str(figures.measure.label),
        "max": figures.highest,
        "data": [
            {
                "name": row["code"],
                "label": row["name"],
                "value": row["count"],
                "href": row["map_href"] or row["cases_href"],
            }
            for row in rows
            if row["shaped"]
        ],
    }
    area_top = min(area, key=lambda d: (d.level, d.code))
    trail = [d for d in reversed(region.ancestors()) if d.lies_within(area_top)]
    return render(
        request,
        "desk/insights/map.html",
        {
            "form": form,
            "filter_fields": filter_fields(form),
            "window": f.window,
            "region": region,
            "trail": [(d, links.map(d.code)) for d in trail],
            "figures": figures,
            "rows": rows,
            "unshaped": [row for row in rows if not row["shaped"]],
            "chart": chart,
            "has_shapes": bool(chart["data"]),
            "measures": [
                (m.key, m.label, f"{reverse('desk:map')}?{_q(request, region, m.key)}")
                for m in MEASURES.values()
            ],
            "measure": figures.measure,
            "all_cases_href": links.cases(region.code),
            "xlsx_href": f"{reverse('desk:map_xlsx')}?{_q(request, region, measure)}",
            "statistics_href": f"{reverse('desk:statistics')}?"
            f"{_filters_query(request, division=region.code).urlencode()}",
        },
    )


def _q(request, region: Division, measure: str) -> str:
    return _filters_query(request, division=region.code, measure=measure).urlencode()
