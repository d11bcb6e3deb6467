from django.urls import path

from . import urls, views  # noqa: F401 - urls registers the format converter

app_name = "open311-discovery"
urlpatterns = [path("discovery.<open311fmt:fmt>", views.discovery, name="discovery")]
