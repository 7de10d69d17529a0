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


def render_project_section(request, project) -> str:
    """The project page's « Lignes budgétaires »: the lines of the project the user may see (one query).

    Hidden when the user sees no line and may not create one; the MDO gets the link to create a
    line for this project even while it has none.
    """
    from django.urls import reverse

    from mdo import policy

    user = request.user
    lines, totals = selectors.project_budget_lines(user=user, project=project)
    may_request = policy.allows(user, "create", "budgets.budgetline")
    if not lines and not may_request:
        return ""
    return render_to_string(
        "budgets/_project_section.html",
        {
            "project": project,
            "lines": lines,
            "totals": totals,
            "create_url": f"{reverse('budgets:line_create')}?project={project.pk}" if may_request else "",
        },
        request=request,
    )
