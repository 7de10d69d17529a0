import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetLine
from budgets.templatetags.budgets_tags import euros
from mdo.tables import BaseTable


class MoneyColumn(tables.Column):
    attrs = {"th": {"class": "money"}, "td": {"class": "money"}}

    def render(self, value):
        return euros(value)

    def value(self, value):
        return value


class BudgetLineTable(BaseTable):
    label = tables.Column(linkify=True, verbose_name=_("Libellé"))
    fiscal_year = tables.Column(verbose_name=_("Exercice"))
    section = tables.Column(verbose_name=_("Section"))
    imputation = tables.Column(
        verbose_name=_("Imputation"),
        accessor="imputation",
        order_by=("chapter", "nature", "function"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    # Only a project the reader may open (projects.selectors.openable_project_fields): a town hall
    # sees the lines of its état spécial even on another district's project, and then no project.
    project = tables.Column(
        verbose_name=_("Projet"),
        accessor="visible_project_title",
        default="—",
        linkify=lambda record: (
            reverse("projects:detail", args=[record.visible_project_id]) if record.visible_project_id else None
        ),
        order_by=("visible_project_title",),
    )
    holder = tables.Column(verbose_name=_("Porteur"), accessor="holder_label", order_by=("holder_district",))
    amount_ht = MoneyColumn(verbose_name=_("Montant HT"))
    amount_ttc = MoneyColumn(verbose_name=_("Montant TTC"))
    committed_total = MoneyColumn(verbose_name=_("Engagé"))
    paid_total = MoneyColumn(verbose_name=_("Mandaté"))
    status = tables.Column(verbose_name=_("Statut"))
    requester = tables.Column(verbose_name=_("Demandeur·se"))

    def render_fiscal_year(self, value):
        return str(value)  # not « 2 026 »

    def value_fiscal_year(self, value):
        return value  # a number in the XLSX

    class Meta(BaseTable.Meta):
        model = BudgetLine
        fields = (
            "label",
            "fiscal_year",
            "section",
            "imputation",
            "project",
            "holder",
            "amount_ht",
            "amount_ttc",
            "committed_total",
            "paid_total",
            "status",
            "requester",
        )
        caption = _("Lignes budgétaires")
