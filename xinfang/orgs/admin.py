from django.contrib import admin

from .models import Body, Division, Membership, StaffContact


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "notice_abbreviation", "kind", "division", "parent", "is_active")
    list_filter = ("kind", "is_active", "has_video_room")
    search_fields = ("name", "notice_abbreviation", "division__name")
    autocomplete_fields = ("division", "parent")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "body", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__first_name", "body__name")
    autocomplete_fields = ("user", "body")


@admin.register(StaffContact)
class StaffContactAdmin(admin.ModelAdmin):
    list_display = ("user", "work_phone")
    search_fields = ("user__username", "user__first_name", "work_phone")
    autocomplete_fields = ("user",)
