from mdo import inbox


def bell(request):
    """The bell's unread count: computed on first use in the page, in the task badge's query."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}

    def count():
        return inbox.nav_count(request, "notifications")

    return {"nav_unread_count": count}
