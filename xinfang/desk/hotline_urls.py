"""The 12345 hotline pages of the desk, in the "desk" namespace."""

from django.urls import path

from . import hotline_views as v

urlpatterns = [
    path("hotline/", v.hotline, name="hotline"),
    path("hotline/phone/", v.phone_intake, name="hotline_phone"),
]
