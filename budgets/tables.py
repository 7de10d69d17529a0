import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetLine
from mdo.tables import BaseTable
from budgets.templatetags.budgets_tags import euros


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
    imputation = tables.Column(verbose_name=_("Imputation"), accessor="imputation", order_by=("chapter", "nature", "function"),
                               attrs={"td": {"class": "text-nowrap"}})
    project = tables.Column(verbose_name=_("Projet"), accessor="project__title", default="—",
                            linkify=lambda record: record.project.get_absolute_url() if record.project_id else None)
    holder = tables.Column(verbose_name=_("Porteur"), accessor="holder_label", order_by=("holder_district",))
    amount_ht = MoneyColumn(verbose_name=_("Montant HT"))
    amount_ttc = MoneyColumn(verbose_name=_("Montant TTC"))
    committed_total = MoneyColumn(verbose_name=_("Engagé"))
    paid_total = MoneyColumn(verbose_name=_("Mandaté"))
    status = tables.Column(verbose_name=_("Statut"))
    requester = tables.Column(verbose_name=_("Demandeur·se"))

    def render_fiscal_year(self, value):
        return str(value)  # not « 2 026 »

    class Meta(BaseTable.Meta):
        model = BudgetLine
        fields = ("label", "fiscal_year", "section", "imputation", "project", "holder", "amount_ht", "amount_ttc",
                  "committed_total", "paid_total", "status", "requester")
        caption = _("Lignes budgétaires")
