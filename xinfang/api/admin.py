from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken
from .services import revoke_tokens


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked",
    )
    list_filter = ("revoked",)
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = (
        "user",
        "prefix",
        "key_hash",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked",
        "revoked_at",
    )
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        n = revoke_tokens(queryset)
        self.message_user(request, _("%(n)d tokens revoked") % {"n": n})

    def get_readonly_fields(self, request, obj=None):
        # A revoked token stays revoked.
        return (*self.readonly_fields, "revoked") if obj and obj.revoked else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if obj.revoked and obj.revoked_at is None:
            obj.revoked_at = timezone.now()
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request):
        # Tokens are made by `manage.py create_api_token`, which shows the secret once.
        return False
