"""Field work URLs, included under /desk/ in the "desk" namespace."""

from django.urls import path

from . import fieldwork_views as v

urlpatterns = [
    path("agent/", v.agent, name="agent"),
    path("field/", v.field, name="field"),
    path("field/item/", v.field_item, name="field_item"),
    path("field/note/", v.field_note, name="field_note"),
    path("field/round/", v.field_round, name="field_round"),
    path("field/rounds/", v.rounds, name="field_rounds"),
    path("grid/<int:pk>/photos/<int:photo_id>/", v.grid_photo, name="grid_photo"),
]
