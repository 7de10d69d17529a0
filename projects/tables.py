import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mdo.tables import BaseTable, DistrictColumn, choice_label
from projects.models import Project


class StatusColumn(tables.Column):
    def render(self, record):
        return format_html(
            '<span class="badge text-bg-light border status-{}">{}</span>',
            record.status,
            choice_label(record, "status"),
        )

    def value(self, record):
        return choice_label(record, "status")


class ProgressColumn(tables.Column):
    def render(self, value):
        return format_html(
            '<div class="progress minw-5rem" role="progressbar" aria-label="Avancement" aria-valuenow="{0}" aria-valuemin="0" '
            'aria-valuemax="100"><div class="progress-bar w-pct-{0}"></div></div>'
            '<span class="small">{0} %</span>',
            value,
        )

    def value(self, value):
        return value


class PlannedEndColumn(tables.DateColumn):
    def render(self, value, record):
        if not value:
            return "—"
        text = value.strftime("%d/%m/%Y")
        if record.is_late and record.status not in (
            "closed",
            "abandoned",
            "unfeasible",
            "inadmissible",
            "not_selected",
        ):
            return format_html(
                '<span class="text-late">{} <span class="badge text-bg-danger">en retard</span></span>', text
            )
        return text

    def value(self, value):
        return value  # a real date in the XLSX, jj/mm/aaaa in the CSV


class ProjectTable(BaseTable):
    selection = tables.CheckBoxColumn(
        accessor="pk",
        exclude_from_export=True,
        attrs={
            "th__input": {"aria-label": "Tout sélectionner", "data-select-all": "1"},
            "td__input": {"aria-label": "Sélectionner", "form": "bulk-form", "name": "projects"},
        },
    )
    title = tables.Column(linkify=True, verbose_name=_("Titre"))
    edition = tables.Column(verbose_name=_("Édition"))
    kind = tables.Column(verbose_name=_("Type"))
    district = DistrictColumn(verbose_name=_("Arrondissement"))
    lead_directorate = tables.Column(verbose_name=_("Direction pilote"), default="—")
    officer = tables.Column(verbose_name=_("Chargé·e de mission"), default="—")
    status = StatusColumn(verbose_name=_("Statut"))
    progress = ProgressColumn(verbose_name=_("Avancement"))
    votes = tables.Column(verbose_name=_("Voix"), default="—", attrs={"td": {"class": "money"}})
    estimated_cost = tables.Column(verbose_name=_("Coût estimé (€)"), default="—", attrs={"td": {"class": "money"}})
    planned_end = PlannedEndColumn(verbose_name=_("Livraison prévue"), default="—")

    class Meta(BaseTable.Meta):
        model = Project
        fields = (
            "selection",
            "title",
            "edition",
            "kind",
            "district",
            "lead_directorate",
            "officer",
            "status",
            "progress",
            "votes",
            "estimated_cost",
            "planned_end",
        )
        order_by = ("-updated_at",)

    def __init__(self, *args, selectable: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not selectable:
            self.columns.hide("selection")

    def render_estimated_cost(self, value):
        from django.contrib.humanize.templatetags.humanize import intcomma

        return intcomma(value)

    def value_estimated_cost(self, value):
        return value

    def render_kind(self, record):
        return choice_label(record, "kind")
