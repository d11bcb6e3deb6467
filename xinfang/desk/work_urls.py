"""Workbench URLs, included under /desk/ in the "desk" namespace."""

from django.urls import path

from . import print_views
from . import work_views as v

urlpatterns = [
    path("inbox.xlsx", v.inbox_export, name="inbox_export"),
    path("queue-counts/", v.queue_counts, name="queue_counts"),
    path("case/<str:number>/", v.case_page, name="case"),
    path("case/<str:number>/move/<str:move>/", v.case_move, name="case_move"),
    path("case/<str:number>/parties/<int:party_id>/unmask/", v.unmask, name="case_unmask"),
    path("case/<str:number>/files/<int:attachment_id>/", v.attachment, name="case_attachment"),
    path("case/<str:number>/notices/<int:notice_id>/", v.notice, name="case_notice"),
    path(
        "case/<str:number>/notices/<int:notice_id>/print/",
        print_views.notice_page,
        name="case_notice_print",
    ),
    path(
        "case/<str:number>/print/registration/",
        print_views.registration_form,
        name="case_registration_print",
    ),
    path("case/<str:number>/preview/<str:move>/", v.notice_preview, name="case_notice_preview"),
]
