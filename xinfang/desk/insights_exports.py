"""The statistics pages' tables as Excel workbooks ("Export to Excel" on each page): the same
selectors and filters as the page, written by desk/tables.py."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xinfang.cases import selectors as case_selectors
from xinfang.cases.selectors.ratings import with_rating_status
from xinfang.core.errors import ApplicationError
from xinfang.core.timeutil import today
from xinfang.insights import scorecards as sc
from xinfang.insights import selectors as stats

from . import tables
from .backlog_views import GROUNDS, _entries
from .insights_views import FIGURE_LABELS, _form
from .navigation import page_required
from .scorecard_views import COLUMNS, _unit, _window
from .tables import DATE, DATETIME, NUMBER, PERCENT, Column, Table


def form_filters(form) -> list[tuple[str, str]]:
    """The filters applied, as the page shows them: the period, then each field that is set."""
    out = [(_("Reporting period"), form.filters().window.label())]
    if not form.is_valid():
        return out
    for name in ("division", "body", "channel", "content_type", "category"):
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        field = form.fields[name]
        shown = dict((str(k), v) for k, v in field.choices).get(str(value), value)
        out.append((str(field.label), str(shown).strip("\u3000")))
    return out


def _change_columns(first: str) -> list[Column]:
    return [
        Column(first),
        Column(_("Petitions"), NUMBER),
        Column(_("The previous period"), NUMBER),
        Column(_("Change on the previous period") + " (%)", PERCENT),
        Column(_("The same period a year before"), NUMBER),
        Column(_("Year on year") + " (%)", PERCENT),
    ]


def _change_rows(rows):
    return [[r.label, r.count, r.previous, r.mom, r.year_before, r.yoy] for r in rows]


def _rate_columns(first: str) -> list[Column]:
    return [
        Column(first),
        Column(_("Ended"), NUMBER),
        Column(_("Missed"), NUMBER),
        Column(_("On time") + " (%)", PERCENT),
    ]


def statistics_tables(s: stats.Statistics, filters) -> list[Table]:
    summary = [
        (_("Petitions registered"), s.intake.count),
        (_("Online petitions"), s.online),
        (_("Online share") + " (%)", s.online_share),
        (_("On-time rate") + " (%)", s.on_time.value),
        (_("Cases overdue now"), s.overdue_cases),
        (_("Average handling days"), s.average_handling_days),
        (_("Cases answered"), s.answered),
        (_("Satisfied or basically satisfied"), s.satisfied),
        (_("Satisfaction rate") + " (%)", s.satisfaction_rate),
        (_("Rating rate") + " (%)", s.rating_rate),
        *((label, n) for _k, label, n in s.rating_rows()),
        (_("Repeat petitions"), s.repeats),
        (_("Repeat-petition rate") + " (%)", s.repeat_rate),
        (_("Cases resolved"), s.resolved),
        (_("Resolution rate") + " (%)", s.resolution_rate),
        (_("Grid items found"), s.grid_found),
        (_("Grid items settled"), s.grid_settled),
        (_("Backlog cases"), s.backlog_found),
        (_("Backlog cases cleared"), s.backlog_cleared),
        (_("Backlog clearance rate") + " (%)", s.clearance_rate),
    ]
    return [
        Table(
            _("Key figures"),
            [Column(_("Figure"), width=36), Column(_("Value"), NUMBER)],
            [list(r) for r in summary],
            filters,
        ),
        Table(
            _("Intake by channel"),
            _change_columns(_("Channel")),
            _change_rows(s.by_channel),
            filters,
        ),
        Table(
            _("Intake by category"),
            _change_columns(_("Category")),
            _change_rows(s.by_category),
            filters,
        ),
        Table(
            _("Intake by township"),
            _change_columns(_("Township")),
            _change_rows(s.by_township),
            filters,
        ),
        Table(
            _("Intake by village"),
            _change_columns(_("Village")),
            _change_rows(s.by_village),
            filters,
        ),
        Table(
            _("On-time rate by period"),
            _rate_columns(_("Period")),
            [[r.label, r.whole, r.missed, r.value] for r in s.on_time_by_period],
            filters,
        ),
        Table(
            _("On-time rate by body"),
            _rate_columns(_("Body")),
            [[r.label, r.whole, r.missed, r.value] for r in s.on_time_by_body],
            filters,
        ),
    ]


def _xlsx_name(stem: str, label: str) -> str:
    return f"{stem}-{label}.xlsx".replace(" ", "")


@require_GET
@page_required("statistics")
def statistics_xlsx(request):
    form, day = _form(request)
    f = form.filters()
    s = stats.statistics(request.user, f, day=day)
    return tables.response(
        statistics_tables(s, form_filters(form)), _xlsx_name(_("statistics"), f.window.label())
    )


def cases_table(user, qs, *, title: str, filters, day) -> Table:
    headers = case_selectors.export_headers(user)
    kinds = {9: DATE, 10: NUMBER, 11: DATETIME}
    columns = [Column(h, kinds.get(i, tables.TEXT)) for i, h in enumerate(headers)]
    return Table(title, columns, case_selectors.case_export_rows(user, qs, on=day), filters)


@require_GET
@page_required("statistics")
def figure_cases_xlsx(request):
    form, day = _form(request)
    f = form.filters()
    figure, key = request.GET.get("figure", ""), request.GET.get("key", "")
    if figure not in stats.FIGURES:
        raise Http404
    try:
        qs = with_rating_status(stats.figure_cases(request.user, f, figure, key, day=day), on=day)
    except ApplicationError:
        raise Http404 from None
    filters = form_filters(form)
    if key:
        filters.append((_("Segment"), key))
    title = str(FIGURE_LABELS[figure])
    table = cases_table(request.user, qs, title=title, filters=filters, day=day)
    return tables.response([table], _xlsx_name(_("cases"), f.window.label()))


@require_GET
@page_required("scorecards")
def scorecards_xlsx(request):
    w, unit = _window(request.GET), _unit(request.GET)
    card = sc.card(request.user, w, unit)
    head = _("Township") if unit == "township" else _("Body")
    columns = [
        Column(_("Rank"), NUMBER),
        Column(head),
        *(Column(f"{label} (%)", PERCENT) for _k, label in COLUMNS),
        Column(_("Rating rate") + " (%)", PERCENT),
        Column(_("Deducted"), NUMBER),
        Column(_("Score"), NUMBER),
        Column(_("Change"), NUMBER),
    ]
    rows = [
        [
            ln.rank,
            ln.label,
            *(ln.values.get(k) for k, _label in COLUMNS),
            ln.values.get("rating_rate"),
            ln.deduction,
            ln.score,
            ln.score_change,
        ]
        for ln in card.lines
    ]
    filters = [
        (_("Reporting period"), w.label()),
        (_("Scored"), _("Townships") if unit == "township" else _("Bodies")),
    ]
    if card.published:
        filters.append((_("Published"), card.published.published_at.date().isoformat()))
    return tables.response(
        [Table(_("Scorecards"), columns, rows, filters)], _xlsx_name(_("scorecards"), w.label())
    )


@require_GET
@page_required("backlog")
def backlog_xlsx(request):
    show = request.GET.get("show", "open")
    qs = _entries(request.user)
    if show != "all":
        qs = qs.filter(outcome="")
    columns = [
        Column(_("Case number"), width=30),
        Column(_("Title"), width=36),
        Column(_("Held by")),
        Column(_("Flagged on"), DATE),
        Column(_("Why flagged")),
        Column(_("Resolution plan"), width=40),
        Column(_("Owning leader"), width=14),
        Column(_("Time limit"), DATE),
        Column(_("Outcome"), width=14),
        Column(_("Cleared on"), DATE),
    ]
    rows = (
        [
            e.case.number,
            e.case.title,
            e.case.holder_body.name,
            e.flagged_on,
            "、".join(str(GROUNDS.get(g, g)) for g in e.grounds),
            e.plan,
            e.leader,
            e.limit,
            e.get_outcome_display() if e.outcome else _("Open"),
            e.cleared_on,
        ]
        for e in qs.iterator(chunk_size=2000)
    )
    shown = _("All entries") if show == "all" else _("Open entries")
    filters = [(_("Shown"), shown), (_("Date"), today().isoformat())]
    return tables.response(
        [Table(_("Backlog ledger"), columns, rows, filters)],
        _xlsx_name(_("backlog"), today().isoformat()),
    )
