from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import ActionItem, AgendaItem, Attendee, Decision, Meeting, MeetingSeries


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "title", "duration_minutes", "presenter")
    raw_id_fields = ("presenter",)


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "start", "organisation", "organiser", "status", "series")
    list_filter = ("kind", "status", "organisation")
    list_select_related = ("organisation", "organiser", "series")
    search_fields = ("title", "place")
    date_hierarchy = "start"
    raw_id_fields = ("organiser", "series", "neighbourhood")
    filter_horizontal = ("invited_organisations",)
    readonly_fields = ("uid", "sequence")
    inlines = [AgendaItemInline]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "rrule", "first_start", "organisation")
    list_select_related = ("organisation",)
    raw_id_fields = ("organiser",)
    readonly_fields = ("uid",)


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ("text", "meeting")
    list_select_related = ("meeting",)
    raw_id_fields = ("meeting", "agenda_item")


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "owner", "due_on", "status", "meeting")
    list_filter = ("status",)
    list_select_related = ("owner", "meeting")
    raw_id_fields = ("meeting", "agenda_item", "owner")


@admin.register(Attendee)
class AttendeeAdmin(admin.ModelAdmin):
    list_display = ("meeting", "user", "email", "status")
    list_select_related = ("meeting", "user")
    raw_id_fields = ("meeting", "user", "via_organisation")
