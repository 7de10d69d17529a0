import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mdo.money import euros
from mdo.tables import BaseTable
from vendors.models import Contract, Invoice, Milestone, PurchaseOrder, Vendor


class MoneyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "money"}, "th": {"class": "money"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return euros(value)

    def value(self, value):
        return value


class FrenchDateColumn(tables.DateColumn):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "d/m/Y")
        super().__init__(*args, **kwargs)

    def value(self, value):
        return value  # a real date in the XLSX, jj/mm/aaaa in the CSV


class VendorTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("Raison sociale"))
    siret = tables.Column(verbose_name=_("SIRET"))
    city = tables.Column(verbose_name=_("Ville"), default="—")
    contract_count = tables.Column(
        verbose_name=_("Marchés"), attrs={"td": {"class": "money"}, "th": {"class": "money"}}
    )

    class Meta(BaseTable.Meta):
        model = Vendor
        fields = ("name", "siret", "city", "contract_count")


class ContractTable(BaseTable):
    reference = tables.Column(linkify=True, verbose_name=_("Référence"))
    kind = tables.Column(verbose_name=_("Type"))
    subject = tables.Column(verbose_name=_("Objet"))
    vendor = tables.Column(linkify=True, verbose_name=_("Titulaire"), order_by=("vendor__name",))
    starts_on = FrenchDateColumn(verbose_name=_("Début"))
    ends_on = FrenchDateColumn(verbose_name=_("Fin (période initiale)"))
    valid_until = FrenchDateColumn(verbose_name=_("Valide jusqu'au"))
    is_valid = tables.Column(verbose_name=_("En cours de validité"), empty_values=(), orderable=False)
    max_amount_ht = MoneyColumn(verbose_name=_("Maximum HT"), default="—")
    amendments_ht = MoneyColumn(verbose_name=_("Avenants HT"))
    ordered_ht = MoneyColumn(verbose_name=_("Commandé HT"))

    class Meta(BaseTable.Meta):
        model = Contract
        fields = (
            "reference",
            "kind",
            "subject",
            "vendor",
            "starts_on",
            "ends_on",
            "valid_until",
            "is_valid",
            "max_amount_ht",
            "amendments_ht",
            "ordered_ht",
        )

    def render_is_valid(self, record):
        return _("Oui") if record.is_valid else _("Non")

    def value_is_valid(self, record):
        return "Oui" if record.is_valid else "Non"


class OrderTable(BaseTable):
    number = tables.Column(linkify=True, verbose_name=_("Numéro"))
    issued_on = FrenchDateColumn(verbose_name=_("Émis le"))
    contract = tables.Column(
        linkify=True, accessor="contract__reference", verbose_name=_("Marché"), order_by=("contract__reference",)
    )
    vendor = tables.Column(accessor="contract__vendor__name", verbose_name=_("Titulaire"))
    subject = tables.Column(verbose_name=_("Objet"))
    # Only a project the reader may open (vendors.selectors.order_list), in the page and the exports.
    project = tables.Column(
        accessor="visible_project_title",
        verbose_name=_("Projet"),
        default="—",
        linkify=lambda record: (
            reverse("projects:detail", args=[record.visible_project_id]) if record.visible_project_id else None
        ),
        orderable=False,
    )
    amount_ht = MoneyColumn(verbose_name=_("Montant HT"))
    amount_ttc = MoneyColumn(verbose_name=_("Montant TTC"))
    invoiced_ht = MoneyColumn(verbose_name=_("Facturé HT"))
    issued_by = tables.Column(verbose_name=_("Émis par"), orderable=False)

    class Meta(BaseTable.Meta):
        model = PurchaseOrder
        fields = (
            "number",
            "issued_on",
            "contract",
            "vendor",
            "subject",
            "project",
            "amount_ht",
            "amount_ttc",
            "invoiced_ht",
            "issued_by",
        )

    def render_contract(self, record):
        return record.contract.reference

    def value_contract(self, record):
        return record.contract.reference


class MilestoneTable(BaseTable):
    label = tables.Column(linkify=True, verbose_name=_("Livrable"))
    order = tables.Column(linkify=True, verbose_name=_("Bon de commande"), default="—")
    contract = tables.Column(accessor="contract__reference", verbose_name=_("Marché"))
    vendor = tables.Column(accessor="contract__vendor__name", verbose_name=_("Titulaire"))
    due_on = FrenchDateColumn(verbose_name=_("Échéance"))
    delivered_on = FrenchDateColumn(verbose_name=_("Livré le"), default="—")
    late_days = tables.Column(verbose_name=_("Retard"), empty_values=(), orderable=False)
    status = tables.Column(verbose_name=_("Statut"))
    amount_ht = MoneyColumn(verbose_name=_("Valeur HT"))

    class Meta(BaseTable.Meta):
        model = Milestone
        fields = ("label", "order", "contract", "vendor", "due_on", "delivered_on", "late_days", "status", "amount_ht")

    def render_late_days(self, record):
        days = record.late_days
        if not days:
            return _("À temps") if record.delivered_on else "—"
        return format_html('<span class="text-late">{} j de retard</span>', days)

    def value_late_days(self, record):
        return record.late_days


class InvoiceTable(BaseTable):
    number = tables.Column(linkify=True, verbose_name=_("Facture"))
    order = tables.Column(linkify=True, verbose_name=_("Bon de commande"), order_by=("order__number",))
    vendor = tables.Column(accessor="order__contract__vendor__name", verbose_name=_("Titulaire"))
    received_on = FrenchDateColumn(verbose_name=_("Reçue le"))
    amount_ht = MoneyColumn(verbose_name=_("Montant HT"))
    amount_ttc = MoneyColumn(verbose_name=_("Montant TTC"))
    due_on = tables.Column(verbose_name=_("Échéance"))
    paid_on = FrenchDateColumn(verbose_name=_("Payée le"), default="—")
    interest = tables.Column(
        verbose_name=_("Intérêts moratoires"),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "money"}, "th": {"class": "money"}},
    )

    class Meta(BaseTable.Meta):
        model = Invoice
        fields = (
            "number",
            "order",
            "vendor",
            "received_on",
            "amount_ht",
            "amount_ttc",
            "due_on",
            "paid_on",
            "interest",
        )

    def __init__(self, *args, rates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rates = list(rates)  # read once for the whole list

    def _interest(self, record):
        from vendors.selectors import invoice_interest

        return invoice_interest(record, self.rates)

    def render_interest(self, record):
        interest = self._interest(record)
        if interest.missing_rate_from:
            return format_html(
                '<span class="text-late">taux BCE du {} non saisi</span>',
                interest.missing_rate_from.strftime("%d/%m/%Y"),
            )
        return euros(interest.total) if interest.days else "—"

    def value_interest(self, record):
        interest = self._interest(record)
        if interest.missing_rate_from:
            return f"taux BCE du {interest.missing_rate_from:%d/%m/%Y} non saisi"
        return interest.total if interest.days else ""

    def render_due_on(self, record):
        text = record.due_on.strftime("%d/%m/%Y")
        if record.is_suspended:
            return format_html('{} <span class="badge text-bg-secondary">délai suspendu</span>', text)
        if record.is_late:
            return format_html('<span class="text-late">{} — {} j de retard</span>', text, record.late_days)
        return text

    def value_due_on(self, record):
        return record.due_on
