import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from mdo import access
from mdo.fields import OneLineCharField
from mdo.models import Neighbourhood, Organisation, User
from meetings.enums import RRULE_PRESETS, AttendanceStatus, MeetingKind
from meetings.ical import PARIS, paris_datetime, paris_time_exists, paris_time_is_ambiguous

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_GUEST = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$")



def _nonexistent_time_error(day: dt.date, time: dt.time) -> str:
    return (f"L'heure {time:%H:%M} n'existe pas le {day:%d/%m/%Y} : à 2 h, les horloges passent à 3 h "
            "(heure d'été). Choisissez une heure avant 2 h ou à partir de 3 h.")


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


class InvitationFields(forms.Form):
    """Who is invited: town halls or directorates (all their agents), people, external guests."""

    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations invitées (tous leurs agents)"), required=False,
        queryset=Organisation.objects.filter(is_active=True).order_by("kind", "district", "name"),
        widget=forms.CheckboxSelectMultiple,
    )
    users = UserChoiceField(
        label=_("Personnes invitées"), required=False,
        queryset=User.objects.filter(is_active=True).select_related("organisation").order_by("last_name", "first_name"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    guests = forms.CharField(
        label=_("Invité·e·s externes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
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
                raise ValidationError(f"Ligne {number} : « {line.strip()} » n'est pas une adresse e-mail valide.") from None
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
    neighbourhood = forms.ModelChoiceField(label=_("Conseil de quartier"), required=False,
                                           queryset=Neighbourhood.objects.all())
    description = forms.CharField(label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["kind", "title", "day", "start_time", "end_time", "place", "online_link", "neighbourhood",
                   "description", "organisations", "users", "guests"]

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
    preset = forms.ChoiceField(label=_("Fréquence"), choices=[*RRULE_PRESETS, ("custom", _("Règle personnalisée"))],
                               initial=RRULE_PRESETS[0][0])
    custom_rrule = forms.CharField(label=_("Règle personnalisée (RFC 5545)"), required=False, max_length=200,
                                   help_text=_("Par exemple FREQ=MONTHLY;BYDAY=2TU pour le deuxième mardi du mois."))
    count = forms.IntegerField(label=_("Nombre de réunions"), min_value=1, max_value=60, initial=6)
    place = forms.CharField(label=_("Lieu"), max_length=255, required=False)
    online_link = forms.URLField(label=_("Lien de visioconférence"), required=False, assume_scheme="https")

    field_order = ["kind", "title", "first_day", "start_time", "duration_minutes", "preset", "custom_rrule", "count",
                   "place", "online_link", "organisations", "users", "guests"]

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
        return {"title": meeting.title, "day": start.date(), "start_time": start.time(), "end_time": end.time(),
                "place": meeting.place, "online_link": meeting.online_link, "description": meeting.description}

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
    project = forms.ModelChoiceField(label=_("Projet lié"), required=False, queryset=None)

    def __init__(self, *args, user, attendee_users, **kwargs):
        super().__init__(*args, **kwargs)
        from projects.models import Project

        self.fields["presenter"].queryset = attendee_users
        self.fields["presenter"].label_from_instance = _user_label
        self.fields["project"].queryset = access.visible(user, Project).order_by("title").only("pk", "title")


class AttendanceForm(forms.Form):
    """One select per attendee, named ``attendee-<pk>``."""

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        for attendee in attendees:
            self.fields[f"attendee-{attendee.pk}"] = forms.ChoiceField(
                label=attendee.display_name, choices=AttendanceStatus.choices, initial=attendee.status, required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                help_text=str(attendee.user.organisation or "—") if attendee.user_id else "Invité·e externe")

    def statuses(self) -> dict[int, str]:
        return {int(name.split("-", 1)[1]): value for name, value in self.cleaned_data.items() if value}


class MinutesForm(forms.Form):
    summary = forms.CharField(label=_("Synthèse"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Texte simple ou HTML simple (gras, listes, liens)."))

    def __init__(self, *args, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        for item in agenda:
            self.fields[f"notes-{item.pk}"] = forms.CharField(
                label=f"Notes : {item.title}", required=False, initial=item.notes,
                widget=forms.Textarea(attrs={"rows": 3}))

    def notes(self) -> dict[int, str]:
        return {int(name.split("-", 1)[1]): value for name, value in self.cleaned_data.items()
                if name.startswith("notes-")}


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Décision"), widget=forms.Textarea(attrs={"rows": 2}))
    agenda_item = forms.ModelChoiceField(label=_("Point de l'ordre du jour"), required=False, queryset=None)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()


class ActionForm(forms.Form):
    title = OneLineCharField(label=_("Action à mener"), max_length=255)
    owner = forms.ModelChoiceField(label=_("Responsable"), required=False, queryset=User.objects.none())
    due_on = forms.DateField(label=_("Échéance"), required=False, widget=DATE)
    agenda_item = forms.ModelChoiceField(label=_("Point de l'ordre du jour"), required=False, queryset=None)

    def __init__(self, *args, meeting, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = _user_label
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Votre commentaire"), widget=forms.Textarea(attrs={"rows": 2}))
