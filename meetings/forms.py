import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from mdo import access
from mdo.models import Neighbourhood, Organisation, User
from meetings.enums import RRULE_PRESETS, AttendanceStatus, MeetingKind
from meetings.ical import PARIS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_GUEST = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$")


def combine(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time).replace(tzinfo=PARIS)


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
    title = forms.CharField(label=_("Titre"), max_length=200)
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
        if data.get("day") and data.get("start_time") and data.get("end_time"):
            data["start"] = combine(data["day"], data["start_time"])
            data["end"] = combine(data["day"], data["end_time"])
            if data["end"] <= data["start"]:
                self.add_error("end_time", "L'heure de fin doit suivre l'heure de début.")
        return data


class SeriesForm(InvitationFields):
    kind = forms.ChoiceField(label=_("Type de réunion"), choices=MeetingKind.choices, initial=MeetingKind.NETWORK)
    title = forms.CharField(label=_("Titre"), max_length=200, initial="Réunion bimestrielle du réseau")
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
        if data.get("first_day") and data.get("start_time"):
            data["first_start"] = combine(data["first_day"], data["start_time"])
        return data


class MeetingEditForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
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
        if data.get("day") and data.get("start_time") and data.get("end_time"):
            data["start"] = combine(data["day"], data["start_time"])
            data["end"] = combine(data["day"], data["end_time"])
            if data["end"] <= data["start"]:
                self.add_error("end_time", "L'heure de fin doit suivre l'heure de début.")
        return data


class InviteForm(InvitationFields):
    pass


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Intitulé du point"), max_length=255)
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
    title = forms.CharField(label=_("Action à mener"), max_length=255)
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
