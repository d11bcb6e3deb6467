"""Message templates are edited here; the outbox is shown read-only (it is a delivery log)."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import defaults
from .models import MessageTemplate, Outbox


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("key", "channel", "is_active", "updated_at")
    list_filter = ("channel", "is_active")
    fields = ("key", "channel", "subject", "body", "is_active", "variables")
    readonly_fields = ("variables",)

    @admin.display(description=gettext_lazy("Variables you may use"))
    def variables(self, obj=None):
        return format_html(
            "<br>".join(["{{{{ {} }}}}：{}"] * len(defaults.VARIABLES)),
            *[part for item in defaults.VARIABLES.items() for part in item],
        )


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("pk", "case", "template_key", "channel", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "template_key")
    search_fields = ("case__number",)
    date_hierarchy = "created_at"
    # The recipient stays encrypted here: the admin never shows a petitioner's contact.
    exclude = ("recipient_enc",)
    readonly_fields = [f.name for f in Outbox._meta.fields if f.name != "recipient_enc"]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Retry the selected failed messages now"))
    def retry_now(self, request, queryset):
        from xinfang.core.timeutil import now

        count = queryset.filter(status__in=[Outbox.FAILED, Outbox.DEAD]).update(
            status=Outbox.FAILED, next_attempt_at=now()
        )
        self.message_user(
            request, _("%(count)s messages will be retried.") % {"count": count}, messages.SUCCESS
        )
