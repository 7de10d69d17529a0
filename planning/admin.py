from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from planning.models import PhaseKind, ProjectPhase


@admin.register(PhaseKind)
class PhaseKindAdmin(SimpleHistoryAdmin):
    list_display = ("name", "order", "starts_with", "ends_with")
    list_editable = ("order",)


@admin.register(ProjectPhase)
class ProjectPhaseAdmin(SimpleHistoryAdmin):
    list_display = ("project", "kind", "planned_start", "planned_end", "actual_start", "actual_end", "status")
    list_filter = ("kind", "status")
    raw_id_fields = ("project", "owner")
    search_fields = ("project__title",)
