"""Statistics URLs, included under /desk/ in the "desk" namespace."""

from django.urls import path

from . import alerts_views as a
from . import backlog_views as b
from . import insights_exports as x
from . import insights_views as v
from . import map_views as m
from . import report_views as r
from . import scorecard_views as s

urlpatterns = [
    path("statistics/", v.statistics, name="statistics"),
    path("statistics/cases/", v.figure_cases, name="statistics_cases"),
    path("statistics/grid/", v.grid_items, name="statistics_grid"),
    path("scorecards/", s.scorecards, name="scorecards"),
    path("scorecards/publish/", s.publish, name="scorecards_publish"),
    path("backlog/", b.ledger, name="backlog"),
    path("backlog/<int:pk>/", b.update, name="backlog_update"),
    path("map/", m.region_map, name="map"),
    path("map.xlsx", m.region_map_xlsx, name="map_xlsx"),
    # Excel exports of each page's tables, and the monthly reports
    path("statistics.xlsx", x.statistics_xlsx, name="statistics_xlsx"),
    path("statistics/cases.xlsx", x.figure_cases_xlsx, name="statistics_cases_xlsx"),
    path("scorecards.xlsx", x.scorecards_xlsx, name="scorecards_xlsx"),
    path("backlog.xlsx", x.backlog_xlsx, name="backlog_xlsx"),
    path("reports/", r.reports, name="reports"),
    path("reports/<int:pk>/", r.report_row, name="report_row"),
    path("reports/<int:pk>/pdf/", r.download, name="report_pdf"),
    # Early warning about issues
    path("alerts/", a.alert_list, name="alerts"),
    path("alerts/<int:pk>/", a.alert_detail, name="alert"),
    path("alerts/<int:pk>/handle/", a.alert_handle, name="alert_handle"),
]
