from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets participatifs")

    def ready(self) -> None:
        from mdo import registry

        registry.register_nav("projects", _("Projets"), "projects:index", order=10)
