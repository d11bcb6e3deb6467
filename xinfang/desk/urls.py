from django.urls import include, path

from xinfang.accounts import views as accounts

from . import intake_urls, views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", accounts.SignInView.as_view(), name="login"),
    path("logout/", accounts.SignOutView.as_view(), name="logout"),
    path("two-factor/", accounts.two_factor, name="two_factor"),
    path("two-factor/setup/", accounts.two_factor_setup, name="two_factor_setup"),
    path("intake/", include(intake_urls)),
    path("", include("xinfang.desk.work_urls")),
    path("", include("xinfang.desk.oversight_urls")),
    path("", include("xinfang.desk.insights_urls")),
    path("", include("xinfang.desk.hotline_urls")),
    path("", include("xinfang.desk.fieldwork_urls")),
    path("", include("xinfang.desk.meeting_urls")),
    path("", include("xinfang.desk.reception_urls")),
]
