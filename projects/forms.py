import datetime
from decimal import Decimal
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mdo import access, richtext
from mdo.forms import MoneyField, PickerSelect
from projects.models import Edition, Opinion, Project, Verdict
from projects.search import project_option_label

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: Extensions accepted for attachments, with the content types browsers send for them.
ALLOWED_ATTACHMENTS = {
    ".pdf": {"application/pdf"},
    ".png": {"image/png"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".gif": {"image/gif"},
    ".webp": {"image/webp"},
    ".doc": {"application/msword"},
    ".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ".xls": {"application/vnd.ms-excel"},
    ".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ".ppt": {"application/vnd.ms-powerpoint"},
    ".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    ".odt": {"application/vnd.oasis.opendocument.text"},
    ".ods": {"application/vnd.oasis.opendocument.spreadsheet"},
    ".odp": {"application/vnd.oasis.opendocument.presentation"},
}
GENERIC_TYPES = {"application/octet-stream", ""}


def validate_attachment(file) -> None:
    if file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("Le fichier dépasse 10 Mo (%(size).1f Mo).") % {"size": file.size / 1024 / 1024})
    extension = Path(file.name).suffix.lower()
    if extension not in ALLOWED_ATTACHMENTS:
        raise ValidationError(
            _(
                "Type de fichier non accepté (%(ext)s) : PDF, images (PNG, JPEG, GIF, WebP) ou documents bureautiques "
                "(Word, Excel, PowerPoint, OpenDocument)."
            )
            % {"ext": extension or "sans extension"}
        )
    content_type = (getattr(file, "content_type", "") or "").split(";")[0].strip()
    if content_type not in ALLOWED_ATTACHMENTS[extension] | GENERIC_TYPES:
        raise ValidationError(
            _("Le contenu du fichier (%(type)s) ne correspond pas à son extension %(ext)s.")
            % {"type": content_type, "ext": extension}
        )


class TransitionForm(forms.Form):
    """The inputs of one transition; the view keeps only the fields the transition asks for."""

    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    verdict = forms.CharField(label=_("Avis technique"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    estimated_cost = MoneyField(label=_("Coût estimé (€ TTC)"), required=False, min_value=Decimal("0"))
    delivered_on = forms.DateField(
        label=_("Date de livraison"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    open_review = forms.BooleanField(
        label=_("Ouvrir l'instruction partagée (avis technique de la direction pilote et avis de la mairie)"),
        required=False,
        initial=True,
    )
    due = forms.DateField(
        label=_("Échéance des avis"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    progress = forms.IntegerField(
        label=_("Avancement (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Vide : l'avancement par défaut du nouveau statut."),
    )
    comment = forms.CharField(label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    is_public = forms.BooleanField(label=_("Étape publiable sur le site de participation"), required=False)

    def __init__(self, *args, transition=None, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        wanted = set(transition.custom.get("fields", [])) if transition else set(self.fields)
        required = set(transition.custom.get("required", [])) if transition else set()
        for name in list(self.fields):
            if name in ("progress", "comment", "is_public"):
                continue
            if name not in wanted:
                del self.fields[name]
            elif name in required:
                self.fields[name].required = True
        if "due" in self.fields:
            self.fields["due"].initial = datetime.date.today() + datetime.timedelta(days=21)

    def clean_due(self):
        due = self.cleaned_data.get("due")
        if due and due < datetime.date.today():
            raise ValidationError(_("L'échéance ne peut pas être dans le passé."))
        return due


class BulkTransitionForm(forms.Form):
    transition = forms.ChoiceField(label=_("Action sur la sélection"))
    reason = forms.CharField(label=_("Motif (si l'action en demande un)"), required=False)
    comment = forms.CharField(label=_("Commentaire"), required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transition"].choices = [("", "—")] + list(choices)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Votre commentaire"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    is_public = forms.BooleanField(label=_("Peut être publié sur le site de participation"), required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Fichier (10 Mo au plus)"), validators=[validate_attachment])
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)


class RescopeForm(forms.Form):
    note = forms.CharField(label=_("Ce qui change (périmètre, coût, délai)"), widget=forms.Textarea(attrs={"rows": 2}))


class VoteImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier de résultats (.pb Pabulib ou .csv)"),
        required=False,
        help_text=_("Après un essai à blanc, le fichier essayé est gardé : inutile de le choisir à nouveau."),
    )
    kept_file = forms.CharField(required=False, widget=forms.HiddenInput)
    edition = forms.ModelChoiceField(
        label=_("Édition"),
        queryset=Edition.objects.none(),
        to_field_name="name",
        required=False,
        empty_label=_("— choisir une édition existante —"),
    )
    new_edition = forms.CharField(
        label=_("ou nouvelle édition"),
        max_length=200,
        required=False,
        help_text=_("Seulement pour une édition qui n'existe pas encore : son nom complet."),
    )
    winners = forms.ChoiceField(
        label=_("Lauréats"),
        required=False,
        choices=[
            ("", _("Selon le fichier (colonne selected, sinon règle du fichier)")),
            ("rule", _("Calculer selon la règle du fichier, même si la colonne selected existe")),
            ("file", _("Colonne selected telle quelle, même si elle ne désigne aucun lauréat")),
        ],
        help_text=_(
            "Decidim écrit une colonne selected à 0 tant que ses administrateurs n'ont pas marqué les lauréats."
        ),
    )
    dry_run = forms.BooleanField(label=_("Essai à blanc (vérifier sans rien enregistrer)"), required=False)

    def winners_by_rule(self) -> bool | None:
        return {"rule": True, "file": False}.get(self.cleaned_data.get("winners") or "")

    def __init__(self, *args, kept_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = Edition.objects.order_by("-start_year", "name")
        self.kept_name = kept_name
        if kept_name:
            self.fields["file"].help_text = _(
                "Fichier gardé de l'essai à blanc : « %(name)s ». Choisissez-en un autre seulement pour le remplacer."
            ) % {"name": kept_name}

    def clean_new_edition(self):
        name = " ".join(self.cleaned_data.get("new_edition", "").split())
        if name and Edition.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("L'édition « %(name)s » existe déjà : choisissez-la dans la liste.") % {"name": name}
            )
        return name

    def clean(self):
        data = super().clean()
        if not data.get("edition") and not data.get("new_edition") and "new_edition" not in self.errors:
            self.add_error("edition", _("Choisissez l'édition, ou donnez le nom d'une nouvelle édition."))
        elif data.get("edition") and data.get("new_edition"):
            self.add_error("new_edition", _("Choisissez une édition existante ou une nouvelle, pas les deux."))
        if not data.get("file") and not (self.kept_name and data.get("kept_file")):
            self.add_error("file", _("Choisissez le fichier des résultats."))
        return data

    @property
    def edition_name(self) -> str:
        edition = self.cleaned_data.get("edition")
        return edition.name if edition else self.cleaned_data["new_edition"]


class DirectorateAnswerForm(forms.Form):
    # No answer is chosen in advance: an opinion sent by mistake with the first choice would be recorded as given.
    verdict = forms.ChoiceField(
        label=_("Avis technique"),
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'avis technique.")},
    )
    cost_estimate = MoneyField(label=_("Coût estimé (€ TTC)"), required=False, min_value=Decimal("0"))
    delay_months = forms.IntegerField(
        label=_("Délai de réalisation (mois)"), min_value=0, max_value=120, required=False
    )
    conditions = forms.CharField(
        label=_("Conditions et remarques"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("verdict") in (Verdict.FEASIBLE, Verdict.FEASIBLE_WITH_CONDITIONS)
            and data.get("cost_estimate") is None
        ):
            self.add_error("cost_estimate", _("Le coût estimé est obligatoire pour un avis favorable."))
        if data.get("verdict") == Verdict.FEASIBLE_WITH_CONDITIONS and not data.get("conditions"):
            self.add_error("conditions", _("Précisez les conditions."))
        if data.get("verdict") == Verdict.UNFEASIBLE and not data.get("conditions"):
            self.add_error("conditions", _("Expliquez pourquoi le projet n'est pas faisable."))
        return data


class TownHallAnswerForm(forms.Form):
    opinion = forms.ChoiceField(
        label=_("Avis de la mairie"),
        choices=Opinion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'avis de la mairie.")},
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Obligatoire pour un avis avec réserves ou défavorable."),
    )

    def clean(self):
        data = super().clean()
        if data.get("opinion") in (Opinion.RESERVED, Opinion.UNFAVOURABLE) and not (data.get("comment") or "").strip():
            self.add_error(
                "comment",
                _(
                    "Expliquez vos réserves ou votre désaccord : le commentaire est obligatoire "
                    "pour un avis avec réserves ou défavorable."
                ),
            )
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("feasible", _("Faisable")), ("unfeasible", _("Non faisable"))],
        widget=forms.RadioSelect,
    )
    estimated_cost = MoneyField(label=_("Coût estimé retenu (€ TTC)"), required=False, min_value=Decimal("0"))
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "feasible" and data.get("estimated_cost") is None:
            self.add_error("estimated_cost", _("Le coût estimé est obligatoire pour déclarer le projet faisable."))
        if data.get("decision") == "unfeasible" and not data.get("reason"):
            self.add_error("reason", _("Un motif est obligatoire pour déclarer le projet non faisable."))
        return data


class ProjectForm(forms.ModelForm):
    """Creation and edition of a project; its status changes only through its transitions."""

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent and self.instance.pk and self.instance.children.exists():
            raise forms.ValidationError(
                _("Ce projet a des sous-projets : il ne peut pas être lui-même un sous-projet.")
            )
        return parent

    estimated_cost = MoneyField(label=_("Coût estimé (€ TTC)"), required=False, min_value=Decimal("0"))
    final_cost = MoneyField(label=_("Coût final (€ TTC)"), required=False, min_value=Decimal("0"))

    class Meta:
        model = Project
        fields = [
            "kind",
            "title",
            "description",
            "edition",
            "edition_district",
            "district",
            "neighbourhood",
            "theme",
            "lead_directorate",
            "officer",
            "town_hall_contact",
            "progress",
            "estimated_cost",
            "final_cost",
            "votes",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "public_summary",
            "external_id",
            "parent",
            "weight",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4, "data-richtext": ""}),
            "public_summary": forms.Textarea(attrs={"rows": 2}),
            **{
                name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                for name in ("planned_start", "planned_end", "actual_start", "actual_end")
            },
        }

    def clean_description(self) -> str:
        # The toolbar's HTML, kept to the tags every reader, the PDF sheet and Decidim may show.
        return richtext.sanitise(self.cleaned_data["description"])

    def __init__(self, *args, user, **kwargs):
        from mdo.enums import DISTRICTS, Role
        from mdo.models import User

        super().__init__(*args, **kwargs)
        self.fields["district"] = forms.TypedChoiceField(
            label=_("Arrondissement"),
            choices=[("", _("Toute la ville"))] + DISTRICTS,
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["officer"].queryset = User.objects.filter(groups__role_key__code=Role.MDO_OFFICER).distinct()
        self.fields["town_hall_contact"].queryset = (
            User.objects.filter(groups__role_key__code=Role.TOWN_HALL_AGENT).select_related("organisation").distinct()
        )
        self.fields["edition_district"].queryset = self.fields["edition_district"].queryset.select_related("edition")
        # A programme and its operations: one level, so a parent is never itself a child; and only a
        # project the editor may see (the picker's list and the form's check apply the same scope).
        parents = access.visible(user, Project).filter(parent__isnull=True).select_related("edition")
        picker_params = {"parents": 1}
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            picker_params["exclude"] = self.instance.pk
        # The widget first: setting the queryset hands its choices to the widget in place at that moment.
        self.fields["parent"].widget = PickerSelect("projects", params=picker_params)
        self.fields["parent"].queryset = parents.order_by("title")
        self.fields["parent"].label_from_instance = project_option_label
        self.fields["weight"] = MoneyField(
            label=_("Poids dans le projet parent"), required=False, help_text=self.fields["weight"].help_text
        )

    def clean(self):
        data = super().clean()
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, _("La fin ne peut pas précéder le début."))
        district, hood = data.get("district"), data.get("neighbourhood")
        if hood and district is not None and hood.district != district:
            self.add_error("neighbourhood", _("Ce quartier n'est pas dans l'arrondissement choisi."))
        kind = data.get("kind")
        if self.instance.pk and kind and (kind == "consultation") != (self.instance.kind == "consultation"):
            self.add_error(
                "kind",
                _("Une consultation et un projet ne suivent pas le même cycle : créez plutôt un nouveau projet."),
            )
        edition, edition_district = data.get("edition"), data.get("edition_district")
        if edition_district and edition_district.edition_id != getattr(edition, "pk", None):
            self.add_error("edition_district", _("Ce district n'appartient pas à l'édition choisie."))
        return data


class DecidimResultsImportForm(forms.Form):
    file = forms.FileField(
        label=_("Export des résultats Decidim (.csv ou .json)"),
        help_text=_(
            "Dans Decidim : administration du composant « Suivi des réalisations », Exporter → Résultats, CSV ou JSON."
        ),
    )


class DecidimStatusMappingForm(forms.Form):
    """One select per followed status of ours: the Decidim status that shows it."""

    def __init__(self, *args, edition, statuses, followed, initial_mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.statuses = {str(status.pk): status for status in statuses}
        choices = [("", _("— pas de statut Decidim —"))] + [(str(s.pk), str(s)) for s in statuses]
        for status in followed:
            mapped = initial_mapping.get(status)
            self.fields[f"status_{status.value}"] = forms.ChoiceField(
                label=status.label, choices=choices, required=False, initial=str(mapped.pk) if mapped else ""
            )

    def mapping(self) -> dict:
        return {name.removeprefix("status_"): self.statuses.get(value) for name, value in self.cleaned_data.items()}


class DecidimLinkForm(forms.Form):
    result = forms.IntegerField(widget=forms.HiddenInput)
    project = forms.IntegerField(label=_("Projet"), required=False)
