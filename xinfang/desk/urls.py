from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import intake_urls, views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="desk/login.html", next_page="desk:home"),
        name="login",
    ),
    path("intake/", include(intake_urls)),
    path("", include("xinfang.desk.work_urls")),
    path("", include("xinfang.desk.oversight_urls")),
]
