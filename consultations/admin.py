from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from consultations.models import Consultation, EvaluationCriterion, GlossaryTerm, Resource, Theme


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ("title", "district_label", "status", "start_on", "end_on")
    list_filter = ("status", "territory_districts__district")
    search_fields = ("title", "public_question")


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ("term", "suggestion")
    search_fields = ("term",)


@admin.register(EvaluationCriterion)
class EvaluationCriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "active")


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "updated_at")
    list_filter = ("kind",)
    search_fields = ("title", "summary")


admin.site.register(Theme)
