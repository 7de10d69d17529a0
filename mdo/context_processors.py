from django.urls import reverse

from mdo import inbox
from mdo.registry import registry


def navigation(request):
    """The navigation bar's entries and the count of open tasks, for every page."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    path = request.path
    entries = []
    for entry in registry.nav:
        if entry.visible_to and not entry.visible_to(user):
            continue
        url = reverse(entry.url_name)
        active = path == url if url == "/" else path.startswith(url)
        entries.append({"label": entry.label, "url": url, "active": active, "key": entry.key})

    def task_count():
        return inbox.open_task_count(request)

    return {"nav_entries": entries, "nav_task_count": task_count}
