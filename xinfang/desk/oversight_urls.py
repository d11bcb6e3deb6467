"""Oversight URLs, included under /desk/ in the "desk" namespace."""

from django.urls import path

from . import oversight_views as v

urlpatterns = [
    path("supervision/", v.supervision, name="supervision"),
    path("supervision/hot/", v.supervision_hot, name="supervision_hot"),
    path("supervision/<str:number>/", v.supervision_case, name="supervision_case"),
    path(
        "supervision/<str:number>/<str:action>/",
        v.supervision_action,
        name="supervision_action",
    ),
    path("leaders/", v.leaders, name="leaders"),
    path("leaders/assign/", v.leaders_assign, name="leaders_assign"),
    path("grid/", v.grid, name="grid"),
    path("grid/record/", v.grid_record, name="grid_record"),
    path("grid/<int:pk>/", v.grid_item, name="grid_item"),
    path("grid/<int:pk>/<str:action>/", v.grid_action, name="grid_action"),
]
