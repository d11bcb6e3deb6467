"""Resident lawyers are kept here too (deactivate one who leaves); reception days are read here
and changed on the workbench, where the booking rules apply."""

from django.contrib import admin

from .models import Lawyer, ReceptionDay


@admin.register(Lawyer)
class LawyerAdmin(admin.ModelAdmin):
    list_display = ("name", "firm", "office", "licence", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "firm", "licence")
    autocomplete_fields = ("office",)


@admin.register(ReceptionDay)
class ReceptionDayAdmin(admin.ModelAdmin):
    list_display = ("day", "starts_at", "leader_title", "host", "mode", "booked", "capacity")
    list_filter = ("mode", "published", "cancelled")
    search_fields = ("leader_title", "topics", "place")
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
