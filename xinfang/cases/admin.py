"""Cases are read-only here: every change of a case goes through cases/services."""

from django.contrib import admin

from .models import Case, CaseEvent, PeriodSetting


@admin.register(PeriodSetting)
class PeriodSettingAdmin(admin.ModelAdmin):
    list_display = ("key", "days", "unit", "max_extension")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "state", "holder_body", "registered_at")
    list_filter = ("state", "channel", "content_type")
    search_fields = ("number", "title")
    exclude = ("query_password_hash",)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "seq", "kind", "actor_label", "at")
    list_filter = ("kind",)
    search_fields = ("case__number",)
