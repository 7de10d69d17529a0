"""Pages of the vendors app measured by ``manage.py bench``, next to the Django admin's changelists."""

from mdo.registry import register_bench

PAGES = [
    ("Titulaires", "/vendors/", "/admin/vendors/vendor/"),
    ("Marchés", "/vendors/contracts/", "/admin/vendors/contract/"),
    ("Bons de commande", "/vendors/orders/", "/admin/vendors/purchaseorder/"),
    ("Jalons (retards d'abord)", "/vendors/milestones/", "/admin/vendors/milestone/"),
    ("Factures (échéances proches d'abord)", "/vendors/invoices/", "/admin/vendors/invoice/"),
]


def _largest_contract_url() -> str:
    from django.db.models import Count

    from vendors.models import Contract

    contract = Contract.objects.annotate(n=Count("orders")).order_by("-n").first()
    return contract.get_absolute_url() if contract else "/vendors/contracts/"


def register() -> None:
    for label, url, admin_url in PAGES:
        register_bench(label, url=lambda url=url: url, admin_url=lambda admin_url=admin_url: admin_url)
    register_bench("À certifier (MDO)", url=lambda: "/vendors/milestones/to-certify/")
    register_bench("Fiche du marché le plus commandé", url=_largest_contract_url)
    register_bench("Bons de commande — export CSV", url=lambda: "/vendors/orders/?_export=csv")
