from django.contrib import admin
from django.urls import path

from xinfang.api.urls import api

admin.site.site_header = "阳光信访 Xinfang"
admin.site.site_title = "阳光信访"
admin.site.index_title = "系统配置"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
