from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import DistrictPopulation


@admin.register(DistrictPopulation)
class DistrictPopulationAdmin(SimpleHistoryAdmin):
    list_display = ("district", "population", "reference_year")
    ordering = ("district",)
