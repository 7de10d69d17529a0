"""Budget lines in the pickers: the approved lines in the user's scope, each with what remains available."""

from budgets.enums import BudgetLineStatus
from budgets.models import BudgetLine
from mdo import access
from mdo.money import euros
from mdo.search import PickerOption, text_filter


def budget_line_context(line: BudgetLine) -> str:
    parts = [f"{line.fiscal_year}", f"{line.chapter}/{line.nature}/{line.function}"]
    if line.project_id:
        parts.append(line.project.title)
    if line.available is not None:
        parts.append(f"disponible {euros(line.available, 'TTC')}")
    return " · ".join(parts)


def budget_line_option_label(line: BudgetLine) -> str:
    return f"{line.label} — {budget_line_context(line)}"


def budget_line_options(user, query: str, limit: int, params: dict) -> list[PickerOption]:
    """Approved lines (the only ones an order may be charged to); ``project`` narrows to one project."""
    lines = access.visible(user, BudgetLine).filter(status=BudgetLineStatus.APPROVED).select_related("project")
    if params.get("project", "").isdigit():
        lines = lines.filter(project_id=int(params["project"]))
    if query:
        lines = text_filter(
            lines, query, text_fields=("label", "project__title"), id_fields=("nature", "chapter", "function")
        )
    lines = lines.with_amounts().order_by("-fiscal_year", "label")[:limit]
    return [PickerOption(value=line.pk, text=line.label, context=budget_line_context(line)) for line in lines]
