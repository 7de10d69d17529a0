from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MdoConfig(AppConfig):
    name = "mdo"
    verbose_name = _("Référentiel de la ville")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate
        from django.urls import reverse

        from mdo import access, inbox, jobs, registry, roles, search, seed
        from mdo.listing import LIST_EXPORT, run_list_export

        access.register_core_policies()
        jobs.register(LIST_EXPORT, run_list_export)
        inbox.connect()
        registry.register_nav("dashboard", _("Tableau de bord"), "dashboard", order=0)
        registry.register_search("people", _("Personnes"), search.search_people, order=70)
        registry.register_picker("people", search.people_options)
        registry.register_picker("organisations", search.organisation_options)
        connection_created.connect(search.register_sqlite_functions, dispatch_uid="mdo_search_sqlite")
        registry.register_nav("admin", _("Administration"), "admin:index", order=90, visible_to=access.is_admin)
        registry.register_seeder("mdo", seed.seed_core, order=0)
        registry.register_bench("Tableau de bord", lambda: reverse("dashboard"))
        registry.register_bench(
            "Organisations",
            lambda: reverse("organisation_list"),
            admin_url=lambda: reverse("admin:mdo_organisation_changelist"),
        )
        registry.register_bench("Mes tâches", lambda: reverse("tasks"))
        post_migrate.connect(roles.ensure_role_groups, dispatch_uid="mdo_role_groups")
