"""The dashboard panel « Mes projets »."""

from django.template.loader import render_to_string

from projects.selectors import my_projects


def my_projects_panel(request) -> str:
    rows, total = my_projects(user=request.user)
    if not rows:
        return ""
    return render_to_string("projects/_my_projects_panel.html", {"rows": rows, "total": total}, request=request)
