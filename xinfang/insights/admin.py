from django.contrib import admin

from .models import AccountabilityRecord, Alert, BacklogRules, MonthlyReport, ScoreWeight


@admin.register(ScoreWeight)
class ScoreWeightAdmin(admin.ModelAdmin):
    list_display = ("measure", "weight")


@admin.register(AccountabilityRecord)
class AccountabilityRecordAdmin(admin.ModelAdmin):
    list_display = ("body", "dated", "measure", "deduction")
    list_filter = ("dated",)
    search_fields = ("body__name", "grounds", "measure")


@admin.register(BacklogRules)
class BacklogRulesAdmin(admin.ModelAdmin):
    list_display = ("overdue_days", "repeats")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    """Read-only: reports are requested on the desk; a failed one shows its error here."""

    list_display = ("month", "scope_label", "requested_by", "status", "progress", "requested_at")
    list_filter = ("status", "month")
    readonly_fields = [f.name for f in MonthlyReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Early warnings, read-only here: supervisors handle them on /desk/alerts/."""

    list_display = ("week", "kind", "category_code", "division", "observed", "limit", "status")
    list_filter = ("kind", "status", "week")
    fields = (
        "kind",
        "week",
        "category_code",
        "division",
        "observed",
        "expected",
        "limit",
        "method",
        "owner",
        "status",
        "note",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
