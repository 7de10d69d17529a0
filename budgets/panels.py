"""The dashboard panel: lines awaiting my decision and the statuses of the lines I requested."""

from django.template.loader import render_to_string

from budgets import selectors

PANEL_TASKS = 5


def render_panel(request) -> str:
    user = request.user
    tasks = selectors.task_items_for_user(user)
    my_statuses = selectors.my_line_status_counts(user=user)
    if not tasks and not my_statuses:
        return ""
    return render_to_string(
        "budgets/panel.html",
        {"tasks": tasks[:PANEL_TASKS], "task_count": len(tasks), "my_statuses": my_statuses},
        request=request,
    )
