from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Attachment, DecidimResult, Edition, EditionDistrict, Project, TimelineEntry


class EditionDistrictInline(admin.TabularInline):
    model = EditionDistrict
    extra = 0


@admin.register(Edition)
class EditionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "number", "start_year", "end_year", "total_envelope", "citywide_envelope")
    inlines = [EditionDistrictInline]


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    extra = 0
    fields = ("created_at", "kind", "author", "text", "is_public")
    readonly_fields = ("created_at", "kind", "author")
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("title", "edition", "kind", "district", "status", "progress", "lead_directorate", "officer")
    list_filter = ("edition", "kind", "status", "district")
    search_fields = ("title", "description", "external_id")
    list_select_related = ("edition", "lead_directorate", "officer")
    autocomplete_fields = ()
    raw_id_fields = ("officer", "town_hall_contact", "neighbourhood", "edition_district")
    # The status changes through its transitions (project page), never by hand.
    readonly_fields = ("status", "status_before_suspension", "created_at", "updated_at")
    inlines = [TimelineInline]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "project", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("project", "uploaded_by")
    raw_id_fields = ("project",)


@admin.register(DecidimResult)
class DecidimResultAdmin(admin.ModelAdmin):
    list_display = ("decidim_id", "title", "edition", "project")
    list_filter = ("edition",)
    list_select_related = ("edition", "project")
    raw_id_fields = ("project",)
