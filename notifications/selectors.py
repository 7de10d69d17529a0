from notifications.models import Notification


def unread(*, user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def notifications_for(*, user):
    return Notification.objects.filter(recipient=user).select_related("actor")
