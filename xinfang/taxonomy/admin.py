from django.contrib import admin

from .models import Category, RoutingRule, TaxonomyVersion


@admin.register(TaxonomyVersion)
class TaxonomyVersionAdmin(admin.ModelAdmin):
    list_display = ("label", "loaded_at", "is_active")
    readonly_fields = ("source_sha256", "loaded_at")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "full_name", "level", "version")
    list_filter = ("level", "version")
    search_fields = ("code", "name", "full_name")
    readonly_fields = ("version", "code", "level", "parent", "full_name")


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "division", "body", "note")
    list_filter = ("division",)
    search_fields = ("category__full_name", "body__name", "division__name")
    autocomplete_fields = ("category", "division", "body")
