"""The security log, read-only for everyone (auditors need only "can view security log entry"),
and sign-in locks an administrator can lift."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import SecurityEvent, SignInThrottle


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "username", "ip", "case_number", "path")
    list_filter = ("kind", "at")
    search_fields = ("username", "ip", "case_number")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignInThrottle)
class SignInThrottleAdmin(admin.ModelAdmin):
    list_display = ("key", "failures", "last_failure_at", "locked_until")
    search_fields = ("key",)
    readonly_fields = ("key", "failures", "last_failure_at", "locked_until")
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Lift the lock and forget the failures"), permissions=["delete"])
    def unlock(self, request, queryset):
        n = queryset.delete()[0]
        messages.success(request, _("%(n)d locks lifted.") % {"n": n})
