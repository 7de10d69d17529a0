from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications et rappels")

    def ready(self) -> None:
        from mdo import access, registry
        from notifications import selectors, services, signals, views
        from notifications.models import Notification
        from projects.registry import register_project_annotations, register_project_section

        # A notification is its recipient's alone.
        access.register(
            Notification,
            scope=lambda user, qs: qs.filter(recipient=user),
            can_change=lambda user, obj: obj.recipient_id == user.pk,
        )
        signals.connect()
        registry.register_nav_count("notifications", lambda user: selectors.unread(user=user))
        register_project_section("follow", views.follow_section, order=1)
        register_project_annotations(
            "follow", lambda user: {"notifications_following": services.following_choice(user=user)}
        )
        registry.register_profile_section("notification_preferences", views.preferences_section, order=10)
