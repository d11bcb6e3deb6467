from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Open311Key
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
