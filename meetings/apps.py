from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Réunions du réseau")

    def ready(self) -> None:
        from mdo import registry
        from mdo.enums import Role
        from mdo.roles import add_role_permissions
        from meetings import access, bench, panels, search, seed
        from meetings.calendar_sources import action_due_dates
        from projects.registry import register_project_section

        access.register_policies()
        registry.register_nav("meetings", _("Réunions"), "meetings:index", order=40)
        registry.register_search("meetings", _("Réunions"), search.search_meetings, order=50)
        registry.register_search("decisions", _("Décisions"), search.search_decisions, order=60)
        registry.register_calendar("meetings.actions", action_due_dates)
        registry.register_panel("meetings.upcoming", panels.upcoming_meetings_panel, order=40)
        registry.register_panel("meetings.actions", panels.my_actions_panel, order=41)
        register_project_section("meetings", panels.project_meetings_section, order=40)
        registry.register_tasks(
            "meetings.minutes",
            count=panels.minutes_task_count,
            items=panels.minutes_task_items,
            queryset=panels.minutes_to_approve,
        )
        registry.register_seeder("meetings", seed.seed_meetings, order=40)
        bench.register()
        for role in (Role.MDO_OFFICER, Role.MDO_MANAGER, Role.DIRECTOR):
            add_role_permissions(role, {"meetings.view_meeting", "meetings.view_decision", "meetings.view_actionitem"})
        add_role_permissions(Role.ADMIN, {"meetings.view_meeting", "meetings.change_meeting"})
