from django.contrib import admin
from django.urls import include, path

from xinfang.accounts.forms import AdminSignInForm
from xinfang.api import wechat
from xinfang.api.urls import api

admin.site.site_header = "阳光信访 Xinfang"
admin.site.site_title = "阳光信访"
admin.site.index_title = "系统配置"
# The admin signs in through the same lockout as the desk; the two-factor step follows.
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("desk/", include("xinfang.desk.urls")),
    path("open311/v2/", include("xinfang.channels.open311.urls")),
    path("open311/", include("xinfang.channels.open311.discovery_urls")),
    path("wechat/callback", wechat.callback, name="wechat-callback"),
    path("", include("xinfang.portal.urls")),
]

handler403 = "xinfang.config.errors.permission_denied"
handler404 = "xinfang.config.errors.page_not_found"
handler500 = "xinfang.config.errors.server_error"
