import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mdo.tables import BaseTable
from meetings.models import Decision, Meeting


class LocalDateTimeColumn(tables.Column):
    def render(self, value):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"

    def value(self, value):
        return timezone.localtime(value)  # a real date and time in the XLSX


class MeetingTable(BaseTable):
    start = LocalDateTimeColumn(verbose_name=_("Date"))
    title = tables.Column(linkify=True, verbose_name=_("Titre"))
    kind = tables.Column(verbose_name=_("Type"))
    organisation = tables.Column(verbose_name=_("Organisation"))
    place = tables.Column(verbose_name=_("Lieu"), default="—")
    status = tables.Column(verbose_name=_("Statut"))
    series = tables.Column(verbose_name=_("Série"), default="—")

    class Meta(BaseTable.Meta):
        model = Meeting
        fields = ("start", "title", "kind", "organisation", "place", "status", "series")
        order_by = ("start",)

    def render_status(self, record, value):
        if record.is_cancelled:
            return format_html('<span class="badge text-bg-secondary">{}</span>', value)
        return value

    def value_status(self, value):
        return value


class DecisionTable(BaseTable):
    date = LocalDateTimeColumn(accessor="meeting__start", verbose_name=_("Date"))
    meeting = tables.Column(
        linkify=lambda record: record.meeting.get_absolute_url(),
        verbose_name=_("Réunion"),
        accessor="meeting__title",
        order_by=("meeting__title",),
    )
    kind = tables.Column(accessor="meeting__get_kind_display", verbose_name=_("Type"), order_by=("meeting__kind",))
    agenda_item = tables.Column(verbose_name=_("Point"), default="—")
    # Only a project the reader may open (decisions_for_user): in the page and in the exports alike.
    project = tables.Column(
        accessor="visible_project_title",
        verbose_name=_("Projet"),
        default="—",
        linkify=lambda record: (
            reverse("projects:detail", args=[record.visible_project_id]) if record.visible_project_id else None
        ),
        order_by=("visible_project_title",),
    )
    text = tables.Column(verbose_name=_("Décision"))

    class Meta(BaseTable.Meta):
        model = Decision
        fields = ("date", "meeting", "kind", "agenda_item", "project", "text")
        order_by = ("-date",)
