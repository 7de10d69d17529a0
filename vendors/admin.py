from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mdo.forms import MONEY_FORMFIELDS
from vendors.models import (
    Amendment,
    Contract,
    Invoice,
    LatePaymentRate,
    Milestone,
    OrderCounter,
    PurchaseOrder,
    Vendor,
    VendorContact,
)


class VendorContactInline(admin.TabularInline):
    model = VendorContact
    extra = 0


@admin.register(Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "siret", "city", "email")
    search_fields = ("name", "siret", "city")
    inlines = [VendorContactInline]


class AmendmentInline(admin.TabularInline):
    model = Amendment
    extra = 0
    raw_id_fields = ("created_by",)


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "kind", "subject", "vendor", "starts_on", "ends_on", "max_amount_ht")
    list_filter = ("kind",)
    list_select_related = ("vendor",)
    search_fields = ("reference", "subject", "vendor__name")
    raw_id_fields = ("vendor", "parent", "created_by")
    inlines = [AmendmentInline]


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(SimpleHistoryAdmin):
    list_display = ("number", "contract", "subject", "issued_on", "amount_ht", "amount_ttc", "issued_by")
    list_select_related = ("contract", "issued_by")
    search_fields = ("number", "subject", "contract__reference")
    raw_id_fields = ("contract", "commitment", "issued_by")
    date_hierarchy = "issued_on"


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("label", "contract", "order", "due_on", "delivered_on", "status", "service_done_by")
    list_filter = ("status",)
    list_select_related = ("contract", "order", "service_done_by")
    search_fields = ("label", "contract__reference", "order__number")
    raw_id_fields = ("contract", "order", "service_done_by", "penalty_decided_by", "created_by")


@admin.register(Invoice)
class InvoiceAdmin(SimpleHistoryAdmin):
    list_display = ("number", "order", "received_on", "amount_ht", "due_on", "paid_on")
    list_select_related = ("order",)
    search_fields = ("number", "order__number")
    raw_id_fields = ("order", "created_by")


@admin.register(LatePaymentRate)
class LatePaymentRateAdmin(SimpleHistoryAdmin):
    """The administrator enters the ECB rate each half-year (1 January and 1 July)."""

    list_display = ("valid_from", "ecb_rate")
    formfield_overrides = MONEY_FORMFIELDS


@admin.register(OrderCounter)
class OrderCounterAdmin(admin.ModelAdmin):
    list_display = ("year", "last")

    def has_change_permission(self, request, obj=None):
        return False  # numbers are taken by the order service only, under a row lock
