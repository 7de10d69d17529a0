"""Vendors (name, SIRET), contracts (reference, subject) and purchase orders (number, subject) in the
global search and the pickers, each in the user's scope."""

from django.utils import formats

from mdo import access
from mdo.money import euros
from mdo.search import PickerOption, SearchResult, text_filter
from projects.selectors import openable_project_fields
from vendors.enums import ContractKind
from vendors.models import Contract, PurchaseOrder, Vendor


def _vendors(user, query: str):
    return text_filter(access.visible(user, Vendor), query, text_fields=("name",), id_fields=("siret",))


def search_vendors(user, query: str, limit: int) -> list[SearchResult]:
    return [
        SearchResult(
            kind="Titulaire", title=vendor.name, url=vendor.get_absolute_url(), context=_vendor_context(vendor)
        )
        for vendor in _vendors(user, query).order_by("name")[:limit]
    ]


def vendor_options(user, query: str, limit: int, params: dict) -> list[PickerOption]:
    """Vendors by name or SIRET, the SIRET and town as context (two vendors may share a name)."""
    vendors = _vendors(user, query) if query else access.visible(user, Vendor)
    return [
        PickerOption(value=vendor.pk, text=vendor.name, context=_vendor_context(vendor))
        for vendor in vendors.order_by("name")[:limit]
    ]


def _vendor_context(vendor: Vendor) -> str:
    return f"SIRET {vendor.siret}"


def _contract_context(contract: Contract) -> str:
    return " · ".join(
        [
            contract.vendor.name,
            contract.get_kind_display(),
            f"valide jusqu'au {formats.date_format(contract.valid_until, 'd/m/Y')}",
        ]
    )


def _contracts(user, query: str):
    return text_filter(
        access.visible(user, Contract).select_related("vendor"),
        query,
        text_fields=("subject", "vendor__name"),
        id_fields=("reference",),
    )


def search_contracts(user, query: str, limit: int) -> list[SearchResult]:
    return [
        SearchResult(
            kind="Marché",
            title=f"{contract.reference} — {contract.subject}",
            url=contract.get_absolute_url(),
            context=_contract_context(contract),
        )
        for contract in _contracts(user, query).order_by("-starts_on", "reference")[:limit]
    ]


def contract_options(user, query: str, limit: int, params: dict) -> list[PickerOption]:
    contracts = _contracts(user, query) if query else access.visible(user, Contract).select_related("vendor")
    if params.get("kind") in ContractKind.values:
        contracts = contracts.filter(kind=params["kind"])
    return [
        PickerOption(
            value=contract.pk, text=f"{contract.reference} — {contract.subject}", context=_contract_context(contract)
        )
        for contract in contracts.order_by("-starts_on", "reference")[:limit]
    ]


def search_orders(user, query: str, limit: int) -> list[SearchResult]:
    orders = text_filter(
        access.visible(user, PurchaseOrder)
        .select_related("contract__vendor")
        .annotate(**openable_project_fields(user=user, path="commitment__budget_line__project")),
        query,
        text_fields=("subject",),
        id_fields=("number",),
    ).order_by("-issued_on", "-pk")[:limit]
    results = []
    for order in orders:
        context = [
            order.contract.reference,
            order.contract.vendor.name,
            euros(order.amount_ht, "HT"),
            formats.date_format(order.issued_on, "d/m/Y"),
        ]
        if order.visible_project_title:
            context.append(order.visible_project_title)
        results.append(
            SearchResult(
                kind="Bon de commande",
                title=f"{order.number} — {order.subject}",
                url=order.get_absolute_url(),
                context=" · ".join(context),
            )
        )
    return results
