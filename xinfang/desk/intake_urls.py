"""Intake desk URLs, included under /desk/intake/ in the "desk" namespace."""

from django.urls import path

from . import intake_views as v
from . import print_views, triage_views

urlpatterns = [
    path("", v.intake_form, name="intake_form"),
    path("categories/", v.categories, name="intake_categories"),
    path("suggest/", triage_views.suggest_panel, name="intake_suggest"),
    path("check/<str:draft_id>/", v.check, name="intake_check"),
    path("list/", v.intake_list, name="intake_list"),
    path("case/<str:number>/", v.route, name="intake_route"),
    path("case/<str:number>/receipt/", print_views.receipt, name="intake_receipt"),
    path("case/<str:number>/<str:move>/", v.route_move, name="intake_route_move"),
]
