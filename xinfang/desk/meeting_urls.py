"""Joint meetings, tasks and leaders' letters, included under /desk/ in the "desk" namespace."""

from django.urls import path

from . import meeting_views as v

urlpatterns = [
    path("meetings/", v.meetings, name="meetings"),
    path("meetings/new/", v.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", v.meeting, name="meeting"),
    path("meetings/<int:pk>/agenda/", v.meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/decisions/", v.meeting_decision, name="meeting_decision"),
    path("meetings/<int:pk>/summary/", v.meeting_summary, name="meeting_summary"),
    path("meetings/<int:pk>/minutes.pdf", v.meeting_minutes, name="meeting_minutes"),
    path("tasks/<int:pk>/done/", v.task_done, name="task_done"),
    path("letters/", v.letters, name="letters"),
]
