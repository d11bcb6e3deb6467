"""Templates are edited here; notices are read-only (they are issued by moves)."""

from django.contrib import admin

from .models import Notice, NoticeTemplate


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(admin.ModelAdmin):
    list_display = ("kind", "title", "is_active", "updated_at")
    list_filter = ("is_active",)
    fields = ("kind", "title", "is_active", "body")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "title",
        "issuing_body",
        "case",
        "status",
        "citizen_visible",
        "render_ms",
        "created_at",
    )
    list_filter = ("status", "kind", "year", "citizen_visible")
    search_fields = ("case__number", "number")
    # No file link: notices are downloaded through pages that check access to the case.
    exclude = ("context", "pdf")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
