from django.urls import path, register_converter

from . import views


class Format:
    regex = "json|xml"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(Format, "open311fmt")

app_name = "open311"
urlpatterns = [
    path("services.<open311fmt:fmt>", views.services, name="services"),
    path("services/<str:code>.<open311fmt:fmt>", views.service_definition, name="service"),
    path("requests.<open311fmt:fmt>", views.requests, name="requests"),
    path("requests/<str:number>.<open311fmt:fmt>", views.one_request, name="request"),
]
