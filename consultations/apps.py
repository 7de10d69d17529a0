from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations et ressources du réseau")

    def ready(self) -> None:
        from django.urls import reverse

        from consultations import access, seed, tasks
        from consultations.sections import (
            meeting_resources_section,
            project_consultations_section,
        )
        from consultations.sections import project_annotations as project_page_annotations
        from mdo import registry
        from mdo.enums import Role
        from mdo.roles import add_role_permissions
        from meetings.registry import register_meeting_section
        from projects.registry import register_open_data_file, register_project_annotations, register_project_section

        access.register_policies()
        registry.register_nav("consultations", _("Consultations"), "consultations:index", order=45)
        registry.register_nav("resources", _("Ressources"), "consultations:resources", order=46)
        registry.register_tasks(
            "consultations.reviews",
            count=tasks.review_task_count,
            items=tasks.review_task_items,
            queryset=tasks.open_reviews,
        )
        registry.register_seeder("consultations", seed.seed_consultations, order=60)
        register_project_section("consultations", project_consultations_section, order=60)
        register_project_annotations("consultations", project_page_annotations)
        register_meeting_section("resources", meeting_resources_section, order=10)
        register_open_data_file(
            "consultations.bilans",
            _("Bilans des consultations (JSON)"),
            "consultations:open_data_bilans",
            description=_(
                "les bilans publiés : question posée, territoire, période, nombre de répondant·e·s, ce qui a "
                "été entendu, ce que la ville en fait, chaque objectif retenu ou non et pourquoi, identifiants "
                "des projets liés ; aucune donnée personnelle."
            ),
        )
        registry.register_bench("Consultations : liste", url=lambda: reverse("consultations:index"))
        registry.register_bench("Ressources du réseau", url=lambda: reverse("consultations:resources"))
        add_role_permissions(
            Role.ADMIN,
            {
                "consultations.view_consultation",
                "consultations.change_glossaryterm",
                "consultations.add_glossaryterm",
                "consultations.view_glossaryterm",
            },
        )
