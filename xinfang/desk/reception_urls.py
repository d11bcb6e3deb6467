"""Reception URLs, included under /desk/ in the "desk" namespace."""

from django.urls import path

from . import reception_lawyer_views as lv
from . import reception_views as v

urlpatterns = [
    path("reception/", v.calendar, name="reception"),
    path("reception/publish/", v.publish, name="reception_publish"),
    path("reception/day/<int:day_id>/", v.day, name="reception_day"),
    path("reception/day/<int:day_id>/book/", v.book, name="reception_book"),
    path("reception/day/<int:day_id>/call-off/", v.call_off, name="reception_call_off"),
    path("reception/visit/<int:appointment_id>/", v.appointment, name="reception_appointment"),
    path("reception/visit/<int:appointment_id>/record/", v.record, name="reception_record"),
    path("reception/visit/<int:appointment_id>/cancel/", v.cancel, name="reception_cancel"),
    path(
        "reception/visit/<int:appointment_id>/recording/",
        v.recording,
        name="reception_recording",
    ),
    path(
        "reception/visit/<int:appointment_id>/move/<str:move>/",
        v.move,
        name="reception_move",
    ),
    path("reception/lawyers/", lv.lawyers, name="reception_lawyers"),
    path("reception/lawyers/add/", lv.lawyer_add, name="reception_lawyer_add"),
    path("reception/lawyers/assign/", lv.lawyer_assign, name="reception_lawyer_assign"),
    path(
        "reception/lawyers/<int:assignment_id>/opinion/",
        lv.lawyer_opinion,
        name="reception_lawyer_opinion",
    ),
]
