from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from xinfang.core.errors import ApplicationError

from . import training
from .models import Suggestion, TriageModel


@admin.register(TriageModel)
class TriageModelAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "version",
        "status",
        "progress_bar",
        "is_active",
        "trained_on",
        "accuracy",
        "macro_f1",
        "created_at",
        "message",
    ]
    list_filter = ["kind", "status", "is_active"]
    readonly_fields = [f.name for f in TriageModel._meta.fields if f.name != "blob"]
    actions = ["activate_version"]

    def has_add_permission(self, request):
        return False  # versions come from training (train_triage)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("blob")  # tens of MB a row

    @admin.display(description=_("progress"))
    def progress_bar(self, obj):
        return f"{obj.progress}%"

    @admin.display(description=_("accuracy"))
    def accuracy(self, obj):
        value = (obj.metrics or {}).get("accuracy")
        return "" if value is None else f"{value:.4f}"

    @admin.display(description=_("macro-F1"))
    def macro_f1(self, obj):
        value = (obj.metrics or {}).get("macro_f1")
        return "" if value is None else f"{value:.4f}"

    @admin.action(description=_("Activate this version"))
    def activate_version(self, request, queryset):
        rows = list(queryset)
        if len(rows) != 1:
            self.message_user(request, _("Choose exactly one version."), messages.ERROR)
            return
        try:
            row = training.activate(rows[0].kind, rows[0].version)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, _("%(model)s is now active.") % {"model": row})


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "case",
        "created_at",
        "leaf_code",
        "leaf_confidence",
        "chosen_leaf_code",
        "division_code",
        "chosen_division_code",
        "low_confidence",
    ]
    list_filter = ["low_confidence"]
    raw_id_fields = ["case", "body", "chosen_body", "chosen_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
