from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Budgets")

    def ready(self) -> None:
        from django.urls import reverse

        from budgets import panels, search, seed, selectors
        from budgets.access import budget_line_can_change, budget_line_scope
        from budgets.models import BudgetLine
        from mdo import access, registry
        from mdo.enums import Role
        from mdo.roles import add_role_permissions
        from projects.registry import register_project_section

        access.register(BudgetLine, scope=budget_line_scope, can_change=budget_line_can_change)

        registry.register_nav("budgets", _("Budgets"), "budgets:index", order=20)
        registry.register_picker("budget_lines", search.budget_line_options)
        registry.register_tasks(
            "budgets",
            count=selectors.task_count_for_user,
            items=selectors.task_items_for_user,
            queryset=selectors.open_tasks_for_user,
        )
        registry.register_panel("budgets", panels.render_panel, order=20)
        register_project_section("budget_lines", panels.render_project_section, order=20)
        registry.register_seeder("budgets", seed.seed_budgets, order=20)
        registry.register_bench(
            "Lignes budgétaires",
            url=lambda: reverse("budgets:index"),
            admin_url=lambda: reverse("admin:budgets_budgetline_changelist"),
        )
        registry.register_bench(
            "Synthèse budgétaire",
            url=lambda: reverse("budgets:summary") + "?by=district",
            admin_url=lambda: reverse("admin:budgets_budgetline_changelist"),
        )

        view = {"budgets.view_budgetline", "budgets.view_commitment", "budgets.view_payment"}
        add_role_permissions(Role.MDO_MANAGER, view | {"budgets.review_budgetline"})
        add_role_permissions(Role.DIRECTOR, view | {"budgets.approve_budgetline_above_threshold"})
        add_role_permissions(Role.TOWN_HALL_AGENT, {"budgets.give_opinion_budgetline"})
        add_role_permissions(Role.MDO_OFFICER, view)
        add_role_permissions(Role.ADMIN, view | {"budgets.change_budgetsettings", "budgets.view_budgetsettings"})
