from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning des projets")

    def ready(self) -> None:
        from django.urls import reverse

        from mdo import access, policy, registry
        from mdo.enums import Role
        from mdo.roles import add_role_permissions
        from planning import sections, seed, services
        from planning.models import PhaseKind, ProjectPhase
        from projects.models import Project
        from projects.registry import register_project_list_link, register_project_section
        from projects.signals import project_status_changed

        access.register(
            PhaseKind, scope=lambda user, qs: qs, can_change=lambda user, obj: policy.allows(user, "change", obj)
        )
        access.register(
            ProjectPhase,
            scope=lambda user, qs: qs.filter(project__in=access.visible(user, Project)),
            can_change=lambda user, phase: policy.allows(user, "change", phase),
        )
        project_status_changed.connect(
            services.phases_follow_status, sender=Project, dispatch_uid="planning.phases_follow_status"
        )
        register_project_list_link("planning", _("Planning"), "planning:index")
        register_project_section("phases", sections.render_project_phases, order=5)
        registry.register_seeder("planning", seed.seed_planning, order=85)
        registry.register_bench("Planning (Gantt)", url=lambda: reverse("planning:index"))
        add_role_permissions(
            Role.ADMIN,
            {
                "planning.view_phasekind",
                "planning.add_phasekind",
                "planning.change_phasekind",
                "planning.view_projectphase",
                "planning.change_projectphase",
                "planning.add_projectphase",
            },
        )
