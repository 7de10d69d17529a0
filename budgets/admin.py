from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from budgets.models import BudgetDecision, BudgetLine, BudgetSettings, Commitment, Payment
from mdo.forms import MONEY_FORMFIELDS


@admin.register(BudgetSettings)
class BudgetSettingsAdmin(SimpleHistoryAdmin):
    """One row: the threshold and the due dates of the approval (changes kept in history)."""

    list_display = (
        "__str__",
        "threshold_ht",
        "order_threshold_ht",
        "order_director_threshold_ht",
        "review_days",
        "opinion_days",
    )
    formfield_overrides = MONEY_FORMFIELDS

    def has_add_permission(self, request):
        return not BudgetSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = (
        "label",
        "fiscal_year",
        "section",
        "chapter",
        "nature",
        "function",
        "amount_ht",
        "amount_ttc",
        "holder_district",
        "project",
        "requester",
        "status",
    )
    list_filter = ("fiscal_year", "section", "status", "holder_district")
    list_select_related = ("project", "requester")
    search_fields = ("label", "chapter", "nature", "function")
    raw_id_fields = ("project", "requester")


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "budget_line", "amount", "committed_on")
    list_select_related = ("budget_line",)
    raw_id_fields = ("budget_line", "created_by")


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "commitment", "amount", "paid_on")
    list_select_related = ("commitment",)
    raw_id_fields = ("commitment", "created_by")


@admin.register(BudgetDecision)
class BudgetDecisionAdmin(admin.ModelAdmin):
    list_display = ("budget_line", "step", "outcome", "decided_by", "decided_at")
    list_select_related = ("budget_line", "decided_by")
    raw_id_fields = ("budget_line", "approval", "decided_by")

    def has_change_permission(self, request, obj=None):
        return False  # decisions are a record: never edited

    def has_delete_permission(self, request, obj=None):
        return False
