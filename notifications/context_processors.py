from notifications.selectors import unread_count


def bell(request):
    """The bell's unread count: computed on first use in the page, once per request."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}

    def count():
        if not hasattr(request, "_unread_notifications"):
            request._unread_notifications = unread_count(user=user)
        return request._unread_notifications

    return {"nav_unread_count": count}
