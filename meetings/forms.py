import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from mdo import access
from mdo.fields import OneLineCharField
from mdo.forms import PickerSelect, PickerSelectMultiple
from mdo.models import Neighbourhood, Organisation, User
from meetings.enums import RRULE_PRESETS, AttendanceStatus, MeetingKind
from meetings.ical import PARIS, paris_datetime, paris_time_exists, paris_time_is_ambiguous

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_GUEST = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$")


def _nonexistent_time_error(day: dt.date, time: dt.time) -> str:
    return (
        f"L'heure {time:%H:%M} n'existe pas le {day:%d/%m/%Y} : à 2 h, les horloges passent à 3 h "
        "(heure d'été). Choisissez une heure avant 2 h ou à partir de 3 h."
    )


def clean_local_times(form: forms.Form, data: dict, *, day: str, start: str, end: str | None) -> None:
    """Set ``data["start"]`` (and ``data["end"]``) from the typed day and times, refusing times that do not exist.

    A time typed on the autumn-change day between 02:00 and 03:00 exists twice: it is read as its
    first occurrence (summer time), as RFC 5545 does; the end is read as the second occurrence only
    when the first would not follow the start (02:40–02:10 is then 30 real minutes).
    """
    if not (data.get(day) and data.get(start)):
        return
    naive_start = dt.datetime.combine(data[day], data[start])
    if not paris_time_exists(naive_start):
        form.add_error(start, _nonexistent_time_error(data[day], data[start]))
        return
    # In UTC: Python compares two datetimes of one zone by their wall time, ignoring which 02:30 is meant.
    data["start"] = paris_datetime(naive_start).astimezone(dt.UTC)
    if end is None or not data.get(end):
        return
    naive_end = dt.datetime.combine(data[day], data[end])
    if not paris_time_exists(naive_end):
        form.add_error(end, _nonexistent_time_error(data[day], data[end]))
        return
    data["end"] = paris_datetime(naive_end).astimezone(dt.UTC)
    if data["end"] <= data["start"] and paris_time_is_ambiguous(naive_end):
        data["end"] = naive_end.replace(tzinfo=PARIS, fold=1).astimezone(dt.UTC)
    if data["end"] <= data["start"]:
        form.add_error(end, "L'heure de fin doit suivre l'heure de début.")


def _user_label(user: User) -> str:
    return f"{user.get_full_name() or user.username}{f' ({user.organisation})' if user.organisation_id else ''}"


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _user_label(obj)


class OrganisationChoiceField(forms.ModelMultipleChoiceField):
    """Organisations by their full name, the acronym after it (« Direction des Espaces verts (DEVE) »)."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.short_name})" if obj.short_name and obj.short_name != obj.name else obj.name


class InvitationFields(forms.Form):
    """Who is invited: town halls or directorates (all their agents), people, external guests."""

    organisations = OrganisationChoiceField(
        label=_("Organisations invitées (tous leurs agents)"),
        required=False,
        queryset=Organisation.objects.filter(is_active=True).order_by("kind", "district", "name"),
        widget=PickerSelectMultiple("organisations"),
        help_text=_("Tapez un nom ou un sigle (« 3e », « DEVE ») ; chaque choix affiche son type."),
    )
    users = UserChoiceField(
        label=_("Personnes invitées"),
        required=False,
        queryset=User.objects.filter(is_active=True).select_related("organisation").order_by("last_name", "first_name"),
        widget=PickerSelectMultiple("people"),
        help_text=_("Tapez un nom ou une organisation ; chaque personne affiche la sienne."),
    )
    guests = forms.CharField(
        label=_("Invité·e·s externes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une personne par ligne : « Prénom Nom <adresse@exemple.fr> » ou l'adresse seule."),
    )

    def clean_guests(self) -> list[tuple[str, str]]:
        guests = []
        for number, line in enumerate(self.cleaned_data.get("guests", "").splitlines(), 1):
            if not line.strip():
                continue
            match = _GUEST.match(line)
            name, email = (match["name"], match["email"].strip()) if match else ("", line.strip())
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(
                    f"Ligne {number} : « {line.strip()} » n'est pas une adresse e-mail valide."
                ) from None
            guests.append((name, email))
        return guests


class MeetingForm(InvitationFields):
    kind = forms.ChoiceField(label=_("Type de réunion"), choices=MeetingKind.choices, initial=MeetingKind.COPIL)
    title = OneLineCharField(label=_("Titre"), max_length=200)
    day = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Heure de début"), widget=TIME, initial=dt.time(14, 0))
    end_time = forms.TimeField(label=_("Heure de fin"), widget=TIME, initial=dt.time(16, 0))
    place = forms.CharField(label=_("Lieu"), max_length=255, required=False)
    online_link = forms.URLField(label=_("Lien de visioconférence"), required=False, assume_scheme="https")
    neighbourhood = forms.ModelChoiceField(
        label=_("Conseil de quartier"), required=False, queryset=Neighbourhood.objects.all()
    )
    description = forms.CharField(label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = [
        "kind",
        "title",
        "day",
        "start_time",
        "end_time",
        "place",
        "online_link",
        "neighbourhood",
        "description",
        "organisations",
        "users",
        "guests",
    ]

    def clean(self):
        data = super().clean()
        if data.get("end_time"):
            clean_local_times(self, data, day="day", start="start_time", end="end_time")
        return data


class SeriesForm(InvitationFields):
    kind = forms.ChoiceField(label=_("Type de réunion"), choices=MeetingKind.choices, initial=MeetingKind.NETWORK)
    title = OneLineCharField(label=_("Titre"), max_length=200, initial="Réunion bimestrielle du réseau")
    first_day = forms.DateField(label=_("Date de la première réunion"), widget=DATE)
    start_time = forms.TimeField(label=_("Heure de début"), widget=TIME, initial=dt.time(9, 30))
    duration_minutes = forms.IntegerField(label=_("Durée (minutes)"), min_value=5, max_value=24 * 60, initial=150)
    preset = forms.ChoiceField(
        label=_("Fréquence"),
        choices=[*RRULE_PRESETS, ("custom", _("Règle personnalisée"))],
        initial=RRULE_PRESETS[0][0],
    )
    custom_rrule = forms.CharField(
        label=_("Règle personnalisée (RFC 5545)"),
        required=False,
        max_length=200,
        help_text=_("Par exemple FREQ=MONTHLY;BYDAY=2TU pour le deuxième mardi du mois."),
    )
    count = forms.IntegerField(label=_("Nombre de réunions"), min_value=1, max_value=60, initial=6)
    place = forms.CharField(label=_("Lieu"), max_length=255, required=False)
    online_link = forms.URLField(label=_("Lien de visioconférence"), required=False, assume_scheme="https")

    field_order = [
        "kind",
        "title",
        "first_day",
        "start_time",
        "duration_minutes",
        "preset",
        "custom_rrule",
        "count",
        "place",
        "online_link",
        "organisations",
        "users",
        "guests",
    ]

    def clean(self):
        data = super().clean()
        if data.get("preset") == "custom":
            if not data.get("custom_rrule"):
                self.add_error("custom_rrule", "Saisissez la règle personnalisée.")
            data["rrule"] = data.get("custom_rrule", "")
        else:
            data["rrule"] = data.get("preset", "")
        clean_local_times(self, data, day="first_day", start="start_time", end=None)
        if "start" in data:
            data["first_start"] = data.pop("start")
        return data


class MeetingEditForm(forms.Form):
    title = OneLineCharField(label=_("Titre"), max_length=200)
    day = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Heure de début"), widget=TIME)
    end_time = forms.TimeField(label=_("Heure de fin"), widget=TIME)
    place = forms.CharField(label=_("Lieu"), max_length=255, required=False)
    online_link = forms.URLField(label=_("Lien de visioconférence"), required=False, assume_scheme="https")
    description = forms.CharField(label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def initial_for(cls, meeting) -> dict:
        from django.utils import timezone

        start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
        return {
            "title": meeting.title,
            "day": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "place": meeting.place,
            "online_link": meeting.online_link,
            "description": meeting.description,
        }

    def clean(self):
        data = super().clean()
        if data.get("end_time"):
            clean_local_times(self, data, day="day", start="start_time", end="end_time")
        return data


class InviteForm(InvitationFields):
    pass


class AgendaItemForm(forms.Form):
    title = OneLineCharField(label=_("Intitulé du point"), max_length=255)
    duration_minutes = forms.IntegerField(label=_("Durée (minutes)"), min_value=1, max_value=600, initial=15)
    presenter = forms.ModelChoiceField(label=_("Présenté par"), required=False, queryset=User.objects.none())
    project = forms.ModelChoiceField(
        label=_("Projet lié"),
        required=False,
        queryset=None,
        widget=PickerSelect("projects"),
        help_text=_("Tapez un mot du titre ; chaque projet affiche son arrondissement et son édition."),
    )

    def __init__(self, *args, user, attendee_users, **kwargs):
        super().__init__(*args, **kwargs)
        from projects.models import Project
        from projects.search import project_option_label

        self.fields["presenter"].queryset = attendee_users
        self.fields["presenter"].label_from_instance = _user_label
        self.fields["project"].queryset = access.visible(user, Project).select_related("edition").order_by("title")
        self.fields["project"].label_from_instance = project_option_label


class AgendaPointForm(forms.Form):
    """One point of the agenda typed with the meeting (a blank row is ignored)."""

    title = OneLineCharField(label=_("Point"), max_length=255, required=False)
    duration_minutes = forms.IntegerField(
        label=_("Durée (min)"), min_value=1, max_value=600, initial=15, required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("title") and self.has_changed() and data.get("duration_minutes") not in (None, 15):
            self.add_error("title", _("Saisissez l'intitulé du point (ou videz sa durée)."))
        return data


class BaseAgendaPointFormSet(forms.BaseFormSet):
    def is_valid(self) -> bool:
        # A POST without the agenda rows (an older page, a script) simply brings no point.
        return super().is_valid() if self.is_bound else True

    def points(self) -> list[tuple[str, int]]:
        if not self.is_bound:
            return []
        return [
            (form.cleaned_data["title"], form.cleaned_data.get("duration_minutes") or 15)
            for form in self.forms
            if form.cleaned_data.get("title")
        ]


#: Eight rows: the network's meetings rarely hold more points, and more rows come with each save.
AgendaPointFormSet = forms.formset_factory(
    AgendaPointForm, formset=BaseAgendaPointFormSet, extra=8, max_num=40, validate_max=True
)


def agenda_formset(data=None, *, points=()) -> BaseAgendaPointFormSet:
    initial = [{"title": title, "duration_minutes": minutes} for title, minutes in points]
    if data is not None and "points-TOTAL_FORMS" not in data:
        data = None
    return AgendaPointFormSet(data, prefix="points", initial=initial or None)


class AttendanceForm(forms.Form):
    """One select per attendee, named ``attendee-<pk>``."""

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        for attendee in attendees:
            self.fields[f"attendee-{attendee.pk}"] = forms.ChoiceField(
                label=attendee.display_name,
                choices=AttendanceStatus.choices,
                initial=attendee.status,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                help_text=str(attendee.user.organisation or "—") if attendee.user_id else "Invité·e externe",
            )

    def statuses(self) -> dict[int, str]:
        return {int(name.split("-", 1)[1]): value for name, value in self.cleaned_data.items() if value}


class MinutesForm(forms.Form):
    summary = forms.CharField(
        label=_("Synthèse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-richtext": ""}),
        help_text=_("Gras, italique, listes, citations et liens depuis la barre d'outils."),
    )

    def __init__(self, *args, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        for item in agenda:
            self.fields[f"notes-{item.pk}"] = forms.CharField(
                label=f"Notes : {item.title}",
                required=False,
                initial=item.notes,
                widget=forms.Textarea(attrs={"rows": 3, "data-richtext": ""}),
            )

    def notes(self) -> dict[int, str]:
        return {
            int(name.split("-", 1)[1]): value for name, value in self.cleaned_data.items() if name.startswith("notes-")
        }


def _join_form(form: forms.Form, form_id: str | None) -> None:
    """Make the fields part of another ``<form>`` (HTML ``form`` attribute): on the minutes page, the
    decision and action fields are sent with the summary, so that adding one never loses the other."""
    if form_id:
        for field in form.fields.values():
            field.widget.attrs["form"] = form_id


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Décision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Saisissez la décision.")},
    )
    agenda_item = forms.ModelChoiceField(label=_("Point de l'ordre du jour"), required=False, queryset=None)

    def __init__(self, *args, meeting, form_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        _join_form(self, form_id)


class ActionForm(forms.Form):
    title = OneLineCharField(
        label=_("Action à mener"), max_length=255, error_messages={"required": _("Saisissez l'action à mener.")}
    )
    owner = forms.ModelChoiceField(label=_("Responsable"), required=False, queryset=User.objects.none())
    due_on = forms.DateField(label=_("Échéance"), required=False, widget=DATE)
    agenda_item = forms.ModelChoiceField(label=_("Point de l'ordre du jour"), required=False, queryset=None)

    def __init__(self, *args, meeting, owners, form_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = _user_label
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        _join_form(self, form_id)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Votre commentaire"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Le commentaire est vide.")},
    )


class SeriesMoveForm(forms.Form):
    """Every occurrence of a series moved by the same shift (and to a new place), in one step."""

    days = forms.IntegerField(
        label=_("Décaler de (jours)"),
        initial=0,
        min_value=-366,
        max_value=366,
        help_text=_("Négatif pour avancer : 7 décale chaque réunion d'une semaine."),
    )
    minutes = forms.IntegerField(
        label=_("et de (minutes)"),
        initial=0,
        min_value=-24 * 60,
        max_value=24 * 60,
        required=False,
        help_text=_("Pour changer l'heure : 60 décale d'une heure plus tard."),
    )
    place = forms.CharField(label=_("Nouveau lieu"), max_length=255, required=False, help_text=_("Vide : inchangé."))
    confirm = forms.BooleanField(
        label=_("Je confirme : chaque réunion de la série est déplacée et chaque participant·e reçoit la mise à jour.")
    )

    def shift(self) -> dt.timedelta:
        return dt.timedelta(days=self.cleaned_data["days"], minutes=self.cleaned_data.get("minutes") or 0)


class SeriesCancelForm(forms.Form):
    confirm = forms.BooleanField(label=_("Je confirme l'annulation de toutes les réunions encore prévues de la série."))
