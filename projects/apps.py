from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets participatifs")

    def ready(self) -> None:
        from mdo import access, registry
        from projects.access import edition_can_change, edition_scope, project_can_change, project_scope
        from projects.models import Edition, Project

        access.register(Project, scope=project_scope, can_change=project_can_change)
        access.register(Edition, scope=edition_scope, can_change=edition_can_change)

        registry.register_nav("projects", _("Projets"), "projects:index", order=10)
