import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from consultations.models import Consultation, Resource
from mdo.tables import BaseTable


class ConsultationTable(BaseTable):
    title = tables.Column(linkify=True, verbose_name=_("Consultation"))
    territory = tables.Column(verbose_name=_("Territoire"), empty_values=(), orderable=False)
    status = tables.Column(verbose_name=_("Statut"))
    start_on = tables.DateColumn(verbose_name=_("Ouverture"), format="d/m/Y", default="—")
    end_on = tables.DateColumn(verbose_name=_("Clôture"), format="d/m/Y", default="—")
    partners = tables.Column(verbose_name=_("Partenaires"), empty_values=(), orderable=False)
    response_count = tables.Column(verbose_name=_("Réponses"))

    class Meta(BaseTable.Meta):
        model = Consultation
        fields = ("title", "territory", "status", "start_on", "end_on", "partners", "response_count")

    def render_partners(self, record):
        return ", ".join(str(p.organisation.short_name or p.organisation) for p in record.partners.all()) or "—"

    def value_partners(self, record):
        return self.render_partners(record)

    def render_territory(self, record):
        return record.district_label

    def value_territory(self, record):
        return record.district_label


class ResourceTable(BaseTable):
    title = tables.Column(linkify=True, verbose_name=_("Titre"))
    kind = tables.Column(verbose_name=_("Type"))
    themes = tables.Column(verbose_name=_("Thèmes"), empty_values=(), orderable=False)
    author = tables.Column(verbose_name=_("Auteur·rice"), default="—")
    version = tables.Column(verbose_name=_("Version"), empty_values=(), orderable=False)
    updated_at = tables.DateColumn(verbose_name=_("Mise à jour"), format="d/m/Y")

    class Meta(BaseTable.Meta):
        model = Resource
        fields = ("title", "kind", "themes", "author", "version", "updated_at")

    def render_themes(self, record):
        return ", ".join(t.name for t in record.themes.all()) or "—"

    def value_themes(self, record):
        return self.render_themes(record)

    def render_version(self, record):
        return record.version_list[0].number if record.version_list else "—"

    def value_version(self, record):
        return self.render_version(record)
