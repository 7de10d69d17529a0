"""The dashboard panel « Mes projets » (or the projects of my district, directorate or city)."""

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse

from projects.selectors import my_projects, my_projects_scope


def my_projects_panel(request) -> str:
    title, _qs, filters = my_projects_scope(user=request.user)
    rows, total = my_projects(user=request.user)
    if not rows:
        return ""
    list_url = reverse("projects:index") + (f"?{urlencode(filters)}" if filters else "")
    return render_to_string(
        "projects/_my_projects_panel.html",
        {"rows": rows, "total": total, "title": title, "list_url": list_url},
        request=request,
    )
