from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MdoConfig(AppConfig):
    name = "mdo"
    verbose_name = _("Référentiel de la ville")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from django.urls import reverse

        from mdo import access, registry, roles, seed

        access.register_core_policies()
        registry.register_nav("dashboard", _("Tableau de bord"), "dashboard", order=0)
        registry.register_nav("admin", _("Administration"), "admin:index", order=90, visible_to=access.is_admin)
        registry.register_seeder("mdo", seed.seed_core, order=0)
        registry.register_bench("Tableau de bord", lambda: reverse("dashboard"))
        registry.register_bench(
            "Organisations", lambda: reverse("organisation_list"),
            admin_url=lambda: reverse("admin:mdo_organisation_changelist"),
        )
        registry.register_bench("Mes tâches", lambda: reverse("tasks"))
        post_migrate.connect(roles.ensure_role_groups, dispatch_uid="mdo_role_groups")
