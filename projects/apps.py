from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets participatifs")

    def ready(self) -> None:
        from django.urls import reverse

        from mdo import access, registry
        from mdo.enums import Role
        from mdo.roles import add_role_permissions
        from projects import flows, search, seed
        from projects.access import edition_can_change, edition_scope, project_can_change, project_scope
        from projects.dashboard import my_projects_panel
        from projects.models import Edition, Project

        access.register(Project, scope=project_scope, can_change=project_can_change)
        from mdo import jobs as job_kinds
        from projects.jobs import VOTE_IMPORT, run_vote_import

        job_kinds.register(VOTE_IMPORT, run_vote_import)
        access.register(Edition, scope=edition_scope, can_change=edition_can_change)

        registry.register_nav("projects", _("Projets"), "projects:index", order=10)
        registry.register_search("projects", _("Projets"), search.search_projects, order=10)
        registry.register_picker("projects", search.project_options)
        registry.register_tasks(
            "projects_feasibility", count=flows.inbox_count, items=flows.inbox_items, queryset=flows.open_tasks_for
        )
        registry.register_panel("my_projects", my_projects_panel, order=10)
        registry.register_seeder("projects", seed.seed_projects, order=10)
        registry.register_bench(
            "Liste des projets",
            url=lambda: reverse("projects:index"),
            admin_url=lambda: reverse("admin:projects_project_changelist"),
        )
        registry.register_bench(
            "Liste des projets filtrée (en retard)", url=lambda: reverse("projects:index") + "?late=on"
        )
        registry.register_bench("Fiche d'un projet", url=seed.bench_project_url)
        registry.register_bench("Open data JSON", url=lambda: reverse("projects:open_data_json"))

        add_role_permissions(
            Role.ADMIN,
            {
                "projects.add_edition",
                "projects.change_edition",
                "projects.view_edition",
                "projects.view_project",
                "projects.change_project",
                "projects.add_project",
            },
        )
