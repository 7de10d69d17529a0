from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from consultations.enums import (
    RESOURCE_EXTENSIONS,
    Channel,
    ObjectiveOutcome,
    QuestionKind,
    ResourceKind,
    ReviewOpinion,
)
from consultations.models import Consultation, GlossaryTerm
from mdo import access, richtext
from mdo.enums import DISTRICTS, OrganisationKind
from mdo.models import Neighbourhood, Organisation, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_UPLOAD = 20 * 1024 * 1024


def errors_to_form(form, error) -> None:
    """A service's ValidationError onto the form: at its field when it names one, else on the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class UserLabelChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username}{f' ({obj.organisation})' if obj.organisation_id else ''}"


class ConsultationForm(forms.ModelForm):
    districts = forms.TypedMultipleChoiceField(
        label=_("Arrondissements"),
        required=False,
        coerce=int,
        choices=DISTRICTS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Aucun pour une consultation à l'échelle de la ville ; les arrondissements des quartiers choisis "
            "s'ajoutent d'eux-mêmes."
        ),
    )
    channels = forms.MultipleChoiceField(
        label=_("Canaux"), choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Consultation
        fields = [
            "title",
            "public_question",
            "description",
            "scope_open",
            "scope_fixed",
            "publics",
            "neighbourhoods",
            "other_places",
            "start_on",
            "end_on",
            "channels",
            "participation_target",
            "budget",
            "amo_order",
            "projects",
            "meetings",
        ]
        widgets = {
            "public_question": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3, "data-richtext": ""}),
            "scope_open": forms.Textarea(attrs={"rows": 3, "data-richtext": ""}),
            "scope_fixed": forms.Textarea(attrs={"rows": 3, "data-richtext": ""}),
            "publics": forms.Textarea(attrs={"rows": 2}),
            "start_on": DATE,
            "end_on": DATE,
            "neighbourhoods": forms.SelectMultiple(attrs={"size": 6}),
            "projects": forms.SelectMultiple(attrs={"size": 6}),
            "meetings": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from meetings.models import Meeting
        from projects.models import Project
        from vendors.models import PurchaseOrder

        self.fields["neighbourhoods"].queryset = Neighbourhood.objects.order_by("district", "name")
        if self.instance.pk and not self.is_bound:
            self.initial.setdefault("districts", self.instance.districts)
        # The territory's fields after the publics, in the order of the issue: publics, districts, quartiers.
        order = list(self.fields)
        order.remove("districts")
        order.insert(order.index("neighbourhoods"), "districts")
        self.order_fields(order)
        self.fields["projects"].queryset = access.visible(user, Project).order_by("title")
        self.fields["meetings"].queryset = access.visible(user, Meeting).order_by("-start")
        self.fields["amo_order"].queryset = access.visible(user, PurchaseOrder).select_related("contract")

    # The toolbar's HTML, kept to the tags the sanitiser allows.
    def clean_description(self) -> str:
        return richtext.sanitise(self.cleaned_data["description"])

    def clean_scope_open(self) -> str:
        return richtext.sanitise(self.cleaned_data["scope_open"])

    def clean_scope_fixed(self) -> str:
        return richtext.sanitise(self.cleaned_data["scope_fixed"])

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("end_on") and data["end_on"] < data["start_on"]:
            self.add_error("end_on", "La clôture ne peut pas précéder l'ouverture.")
        return data


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Mairie ou direction"),
        queryset=Organisation.objects.filter(
            kind__in=[OrganisationKind.TOWN_HALL, OrganisationKind.DIRECTORATE], is_active=True
        ).order_by("kind", "district", "name"),
    )
    contact = UserLabelChoice(
        label=_("Contact"),
        required=False,
        queryset=User.objects.filter(is_active=True, organisation__isnull=False)
        .select_related("organisation")
        .order_by("last_name"),
    )
    role = forms.CharField(label=_("Rôle dans la consultation"), required=False, max_length=200)


class ObjectiveForm(forms.Form):
    text = forms.CharField(label=_("Nouvel objectif"), max_length=500)


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Titre de la section"), max_length=255)
    description = forms.CharField(
        label=_("Texte d'introduction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuestionForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Section"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Type de question"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    help_text = forms.CharField(
        label=_("Aide (affichée sous la question)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    required = forms.BooleanField(label=_("Réponse obligatoire"), required=False)
    options = forms.CharField(
        label=_("Réponses proposées"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Une par ligne, pour les choix uniques, multiples et les classements."),
    )
    has_other = forms.BooleanField(label=_("Ajouter « Autre » avec précision"), required=False)
    has_dont_know = forms.BooleanField(label=_("Ajouter « Ne sait pas / sans opinion »"), required=False)
    condition_question = forms.ModelChoiceField(
        label=_("Afficher seulement si la question"),
        queryset=None,
        required=False,
        empty_label=_("(toujours affichée)"),
    )
    condition_value = forms.CharField(label=_("a pour réponse"), required=False, max_length=255)

    def __init__(self, *args, version, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = version.sections.all()
        others = version.questions.order_by("section__position", "position")
        if question is not None:
            others = others.exclude(pk=question.pk)
        self.fields["condition_question"].queryset = others
        self.fields["condition_question"].label_from_instance = lambda q: q.text[:80]

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class SubmitForm(forms.Form):
    due_on = forms.DateField(label=_("Avis attendus pour le"), required=False, widget=DATE)
    note = forms.CharField(label=_("Message aux partenaires"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NewVersionForm(forms.Form):
    note = forms.CharField(label=_("Ce qui va changer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    # No answer chosen in advance: the partner picks one.
    opinion = forms.ChoiceField(
        label=_("Avis de votre organisation"),
        choices=ReviewOpinion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez votre avis."},
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un avis avec réserves ou défavorable."),
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Votre commentaire sur cette question"), widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Réponse de la MDO"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier des réponses (CSV ou XLSX)"),
        validators=[FileExtensionValidator(["csv", "xlsx"], message="Le fichier doit être un CSV ou un XLSX.")],
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD:
            raise forms.ValidationError("Le fichier dépasse 20 Mo.")
        return file


class GlossaryForm(forms.ModelForm):
    class Meta:
        model = GlossaryTerm
        fields = ["term", "suggestion", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class TagForm(forms.Form):
    tags = forms.CharField(
        label=_("Étiquettes"), required=False, max_length=500, help_text=_("Séparées par des virgules.")
    )

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class BilanForm(forms.Form):
    heard = forms.CharField(label=_("Ce qui a été entendu"), widget=forms.Textarea(attrs={"rows": 6}))
    city_response = forms.CharField(
        label=_("Ce que la ville en fait"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives = list(objectives)
        for objective in self.objectives:
            self.fields[f"outcome_{objective.pk}"] = forms.ChoiceField(
                label=f"Objectif : {objective.text}",
                required=False,
                initial=objective.outcome,
                choices=[("", "— à décider —")] + ObjectiveOutcome.choices,
            )
            self.fields[f"reason_{objective.pk}"] = forms.CharField(
                label=_("Pourquoi"),
                required=False,
                initial=objective.outcome_reason,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def outcomes(self) -> dict:
        return {
            o.pk: (self.cleaned_data[f"outcome_{o.pk}"], self.cleaned_data[f"reason_{o.pk}"]) for o in self.objectives
        }


class EvaluationForm(forms.Form):
    summary = forms.CharField(
        label=_("Appréciation d'ensemble"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                required=False,
                coerce=int,
                empty_value=None,
                help_text=criterion.description,
                initial=score.score if score else None,
                choices=[("", "— non noté —")] + [(n, f"{n} / 5") for n in range(0, 6)],
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Commentaire"),
                required=False,
                initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def scores(self) -> dict:
        return {c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"]) for c in self.criteria}


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Nouveau critère"), max_length=200)
    description = forms.CharField(label=_("Ce qu'on regarde"), required=False, max_length=1000)


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=255)
    kind = forms.ChoiceField(label=_("Type"), choices=ResourceKind.choices)
    themes = forms.CharField(
        label=_("Thèmes"), required=False, max_length=500, help_text=_("Séparés par des virgules.")
    )
    summary = forms.CharField(label=_("Résumé"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(
        label=_("Fichier (PDF, Office, OpenDocument)"),
        validators=[
            FileExtensionValidator(
                RESOURCE_EXTENSIONS,
                message=(
                    "Le fichier doit être un PDF, un document Office ou OpenDocument ("
                    + ", ".join(RESOURCE_EXTENSIONS)
                    + ")."
                ),
            )
        ],
    )
    note = forms.CharField(label=_("Note de version"), required=False, max_length=255)
    consultations = forms.ModelMultipleChoiceField(
        label=_("Consultations liées"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Projets liés"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    meetings = forms.ModelMultipleChoiceField(
        label=_("Réunions liées"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )

    def __init__(self, *args, user, with_file=True, **kwargs):
        super().__init__(*args, **kwargs)
        from meetings.models import Meeting
        from projects.models import Project

        self.fields["consultations"].queryset = access.visible(user, Consultation).order_by("title")
        self.fields["projects"].queryset = access.visible(user, Project).order_by("title")
        self.fields["meetings"].queryset = access.visible(user, Meeting).order_by("-start")
        if not with_file:
            del self.fields["file"], self.fields["note"]

    def clean_themes(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["themes"].split(",") if t.strip()]

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD:
            raise forms.ValidationError("Le fichier dépasse 20 Mo.")
        return file


class ResourceVersionForm(forms.Form):
    file = ResourceForm.base_fields["file"]
    note = forms.CharField(label=_("Ce qui change"), required=False, max_length=255)

    def clean_file(self):
        return ResourceForm.clean_file(self)
