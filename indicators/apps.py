from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicateurs")

    def ready(self) -> None:
        from django.urls import reverse

        from indicators import panels, seed
        from indicators.models import DistrictPopulation
        from mdo import access, policy, registry
        from mdo.enums import Role
        from mdo.roles import add_role_permissions

        access.register(
            DistrictPopulation,
            scope=lambda user, qs: qs,
            can_change=lambda user, obj: policy.allows(user, "change", obj),
        )
        from indicators.jobs import ANNUAL_REPORT, run_annual_report
        from mdo import jobs

        jobs.register(ANNUAL_REPORT, run_annual_report)
        registry.register_nav("indicators", _("Indicateurs"), "indicators:index", order=45)
        registry.register_panel("indicators", panels.render_panel, order=5)
        registry.register_seeder("indicators", seed.seed_indicators, order=90)
        for key, label in (
            ("participation", "Participation"),
            ("livraison", "Livraison du budget participatif"),
            ("budget", "Exécution budgétaire"),
            ("prestataires", "Prestataires"),
        ):
            registry.register_bench(
                f"Indicateurs : {label}", url=lambda key=key: reverse("indicators:theme", args=[key])
            )
        registry.register_bench("Indicateurs : bilan annuel (PDF)", url=lambda: reverse("indicators:annual_report"))
        add_role_permissions(
            Role.ADMIN,
            {
                "indicators.view_districtpopulation",
                "indicators.add_districtpopulation",
                "indicators.change_districtpopulation",
            },
        )
