"""The base of every list: one look, French empty text, CSV/XLSX export of what the filters show."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from mdo.enums import district_label
from mdo.models import Organisation


class BaseTable(tables.Table):
    class Meta:
        template_name = "mdo/table.html"
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Aucun élément ne correspond à ces critères.")
        per_page = 50


class DistrictColumn(tables.Column):
    def render(self, value):
        return district_label(value)

    def value(self, value):
        return district_label(value)


class OrganisationTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("Nom"))
    kind = tables.Column(verbose_name=_("Type"))
    district = DistrictColumn(verbose_name=_("Arrondissement"), default="—")
    email = tables.EmailColumn(verbose_name=_("E-mail"))
    members = tables.Column(verbose_name=_("Membres"), accessor="member_count", orderable=True)

    class Meta(BaseTable.Meta):
        model = Organisation
        fields = ("name", "kind", "district", "email", "members")
