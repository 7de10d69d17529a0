from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Réunions du réseau")

    def ready(self) -> None:
        from mdo import registry

        registry.register_nav("meetings", _("Réunions"), "meetings:index", order=40)
