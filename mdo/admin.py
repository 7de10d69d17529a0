from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from mdo.models import CityIdentity, DirectoryRule, Neighbourhood, Organisation, RoleKey, User


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "kind", "district", "email", "is_active")
    list_filter = ("kind", "district", "is_active")
    search_fields = ("name", "short_name", "email")


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(SimpleHistoryAdmin):
    list_display = ("name", "district", "council_email")
    list_filter = ("district",)
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "organisation", "email", "is_active")
    list_filter = ("organisation__kind", "groups", "is_active", "is_staff")
    list_select_related = ("organisation",)
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Organisation"), {"fields": ("organisation", "job_title", "phone")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Organisation"), {"fields": ("organisation", "first_name", "last_name", "email")}),
    )


@admin.register(CityIdentity)
class CityIdentityAdmin(admin.ModelAdmin):
    list_display = ("name", "siret", "insee_code")

    def has_add_permission(self, request):
        return not CityIdentity.objects.exists()  # one row


@admin.register(DirectoryRule)
class DirectoryRuleAdmin(admin.ModelAdmin):
    """The mapping of the city's directory: groups or attributes → roles and organisations."""

    list_display = ("source", "attribute", "value", "role", "organisation")
    list_filter = ("source", "role", "organisation__kind")
    list_select_related = ("organisation",)
    search_fields = ("value", "attribute")


@admin.register(RoleKey)
class RoleKeyAdmin(admin.ModelAdmin):
    """Which group carries which role: the group's name may be changed, the code stays."""

    list_display = ("code", "group")
    list_select_related = ("group",)
    readonly_fields = ("code",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
