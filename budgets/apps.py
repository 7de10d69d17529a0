from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Budgets")

    def ready(self) -> None:
        from budgets.access import budget_line_can_change, budget_line_scope
        from budgets.models import BudgetLine
        from mdo import access, registry

        access.register(BudgetLine, scope=budget_line_scope, can_change=budget_line_can_change)

        registry.register_nav("budgets", _("Budgets"), "budgets:index", order=20)
