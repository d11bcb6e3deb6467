"""Statistics URLs, included under /desk/ in the "desk" namespace."""

from django.urls import path

from . import insights_views as v

urlpatterns = [
    path("statistics/", v.statistics, name="statistics"),
    path("statistics/cases/", v.figure_cases, name="statistics_cases"),
    path("statistics/grid/", v.grid_items, name="statistics_grid"),
]
