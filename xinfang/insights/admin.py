from django.contrib import admin

from .models import AccountabilityRecord, BacklogRules, ScoreWeight


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
