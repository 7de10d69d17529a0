from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("Prestataires et marchés")

    def ready(self) -> None:
        from mdo import access, jobs, registry
        from mdo.enums import Role
        from mdo.roles import add_role_permissions
        from projects.registry import register_project_annotations, register_project_section
        from vendors import access as rules
        from vendors import bench, calendar, dashboard, search, sections, seed, selectors
        from vendors.jobs import CONTRACT_IMPORT, run_contract_import
        from vendors.models import (
            Amendment,
            Contract,
            Invoice,
            LatePaymentRate,
            Milestone,
            PurchaseOrder,
            Vendor,
            VendorContact,
        )

        access.register(Vendor, scope=rules.vendor_scope, can_change=rules.mdo_can_change)
        access.register(
            VendorContact,
            scope=lambda user, qs: qs.filter(vendor__in=access.visible(user, Vendor)),
            can_change=rules.mdo_can_change,
        )
        access.register(Contract, scope=rules.contract_scope, can_change=rules.mdo_can_change)
        access.register(
            Amendment,
            scope=lambda user, qs: qs.filter(contract__in=access.visible(user, Contract)),
            can_change=rules.mdo_can_change,
        )
        access.register(PurchaseOrder, scope=rules.order_scope, can_change=rules.mdo_can_change)
        access.register(Milestone, scope=rules.milestone_scope, can_change=rules.mdo_can_change)
        access.register(Invoice, scope=rules.invoice_scope, can_change=rules.mdo_can_change)
        access.register(LatePaymentRate, scope=rules.everyone_sees, can_change=rules.admin_can_change)

        add_role_permissions(Role.MDO_MANAGER, {"vendors.approve_purchaseorder"})
        add_role_permissions(Role.DIRECTOR, {"vendors.approve_purchaseorder_above_threshold"})
        add_role_permissions(
            Role.ADMIN,
            {
                "vendors.view_latepaymentrate",
                "vendors.add_latepaymentrate",
                "vendors.change_latepaymentrate",
                "vendors.delete_latepaymentrate",
            },
        )

        registry.register_nav("vendors", _("Prestataires"), "vendors:index", order=30)
        registry.register_search("orders", _("Bons de commande"), search.search_orders, order=20)
        registry.register_search("contracts", _("Marchés"), search.search_contracts, order=30)
        registry.register_search("vendors", _("Titulaires"), search.search_vendors, order=40)
        registry.register_picker("contracts", search.contract_options)
        registry.register_picker("vendors", search.vendor_options)
        registry.register_panel("vendors", dashboard.render_panel, order=30)
        registry.register_tasks(
            "vendors_service_fait",
            count=dashboard.task_count,
            items=dashboard.task_items,
            queryset=lambda user: selectors.milestones_to_certify(user=user),
        )
        registry.register_tasks(
            "vendors_order_approval",
            count=dashboard.order_task_count,
            items=dashboard.order_task_items,
            queryset=dashboard._order_tasks,
        )
        registry.register_calendar("vendors", events=calendar.milestone_events)
        registry.register_seeder("vendors", seed.seed_vendors, order=30)
        register_project_section("vendors_orders", sections.render_project_orders, order=20)
        register_project_annotations("vendors_orders", sections.project_annotations)
        bench.register()
        jobs.register(CONTRACT_IMPORT, run_contract_import)
