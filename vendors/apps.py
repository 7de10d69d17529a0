from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("Prestataires et marchés")

    def ready(self) -> None:
        from mdo import registry

        registry.register_nav("vendors", _("Prestataires"), "vendors:index", order=30)
