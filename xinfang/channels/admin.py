from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import HotlineOrder, HotlinePlatform, Open311Key, StatusPush
from .open311.keys import new_key


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        raw = new_key(obj)
        self.message_user(
            request,
            _("The key is shown only now; give it to the client: %(key)s") % {"key": raw},
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        # Revoke instead: the list keeps who had a key.
        return False


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
