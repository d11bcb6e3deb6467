from django.contrib import admin

from .models import HotlineOrder, HotlinePlatform, StatusPush


@admin.register(HotlinePlatform)
class HotlinePlatformAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "body", "active")
    list_filter = ("active",)
    autocomplete_fields = ()
    raw_id_fields = ("body", "account", "place")


@admin.register(HotlineOrder)
class HotlineOrderAdmin(admin.ModelAdmin):
    list_display = ("order_number", "platform", "case", "urgency", "received_at", "satisfied")
    list_filter = ("platform", "urgency")
    search_fields = ("order_number",)
    readonly_fields = [f.name for f in HotlineOrder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusPush)
class StatusPushAdmin(admin.ModelAdmin):
    list_display = ("pk", "order", "status", "delivery", "attempts", "sent_at")
    list_filter = ("delivery", "status")
    readonly_fields = [f.name for f in StatusPush._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
