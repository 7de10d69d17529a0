import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
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
    project = tables.Column(verbose_name=_("Projet"), accessor="project__title", default="—")
    holder = tables.Column(verbose_name=_("Porteur"), accessor="holder_label", order_by=("holder_district",))
    amount_ht = MoneyColumn(verbose_name=_("Montant HT"))
    amount_ttc = MoneyColumn(verbose_name=_("Montant TTC"))
    committed_total = MoneyColumn(verbose_name=_("Engagé"))
    paid_total = MoneyColumn(verbose_name=_("Mandaté"))
    status = tables.Column(verbose_name=_("Statut"))
    requester = tables.Column(verbose_name=_("Demandeur·se"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self._openable_projects = None

    def _openable(self) -> set[int]:
        """Projects of the shown rows whose page the reader may open (one query for the whole page)."""
        if self._openable_projects is None:
            from budgets.selectors import visible_project_ids

            rows = self.page.object_list if hasattr(self, "page") else self.rows
            ids = [row.record.project_id for row in rows]
            self._openable_projects = (
                visible_project_ids(user=self.user, project_ids=ids) if self.user is not None else set()
            )
        return self._openable_projects

    def render_project(self, record, value):
        if record.project_id in self._openable():
            return format_html('<a href="{}">{}</a>', reverse("projects:detail", args=[record.project_id]), value)
        return value

    def value_project(self, value):
        return value

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
