import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consultations.enums import (
    RESOURCE_EXTENSIONS,
    ConsultationStatus,
    EventKind,
    ObjectiveOutcome,
    QuestionKind,
    ResourceKind,
    ReviewOpinion,
    VersionStatus,
)
from mdo.enums import district_label
from mdo.fields import MONEY
from mdo.models import Neighbourhood, Organisation


class Consultation(models.Model):
    """A consultation of the inhabitants, built by the MDO with town halls and directorates."""

    #: Texts written with the rich-text toolbar (sanitised HTML, mdo.richtext); older rows are plain text.
    rich_text_fields = ("description", "scope_open", "scope_fixed")

    title = models.CharField(_("titre"), max_length=255)
    public_question = models.TextField(_("question posée au public"))
    description = models.TextField(_("présentation"), blank=True)
    scope_open = models.TextField(_("ce qui est ouvert à la concertation"), blank=True)
    scope_fixed = models.TextField(_("ce qui n'est pas ouvert à la concertation"), blank=True)
    publics = models.TextField(_("publics visés"), blank=True)
    # The districts of the territory are rows of TerritoryDistrict (``districts``): none means the whole city.
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, blank=True, related_name="consultations", verbose_name=_("quartiers")
    )
    other_places = models.CharField(
        _("autres quartiers ou lieux"),
        max_length=255,
        blank=True,
        help_text=_("Quartiers ou lieux hors de la liste, séparés par des virgules (ex. : berges du Rhône)."),
    )
    start_on = models.DateField(_("ouverture au public"), null=True, blank=True)
    end_on = models.DateField(_("clôture de la participation"), null=True, blank=True)
    channels = models.JSONField(_("canaux"), default=list, blank=True)
    participation_target = models.PositiveIntegerField(
        _("objectif de participation (répondant·e·s)"), null=True, blank=True
    )
    budget = models.DecimalField(
        _("budget (€ TTC)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    amo_order = models.ForeignKey(
        "vendors.PurchaseOrder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("bon de commande de l'AMO"),
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="consultations", verbose_name=_("projets liés")
    )
    meetings = models.ManyToManyField(
        "meetings.Meeting", blank=True, related_name="consultations", verbose_name=_("réunions publiques")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("chargé·e de mission MDO"),
    )
    status = models.CharField(
        _("statut"), max_length=30, choices=ConsultationStatus.choices, default=ConsultationStatus.PREPARATION
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.pk])

    @property
    def districts(self) -> list[int]:
        """The territory's districts, in order (read from the prefetched rows when the list prefetched them)."""
        return sorted(row.district for row in self.territory_districts.all())

    @property
    def district_label(self) -> str:
        """« Lyon 3e, Lyon 5e », or « Toute la ville » for a territory without districts."""
        districts = self.districts
        return ", ".join(district_label(n) for n in districts) if districts else district_label(None)

    @property
    def other_place_list(self) -> list[str]:
        return [name.strip() for name in self.other_places.split(",") if name.strip()]

    @property
    def quartier_names(self) -> list[str]:
        """The listed quartiers, then the places typed freely."""
        return [n.name for n in self.neighbourhoods.all()] + self.other_place_list

    @property
    def channel_labels(self) -> list[str]:
        from consultations.enums import Channel

        return [str(Channel(value).label) for value in self.channels if value in Channel.values]


class TerritoryDistrict(models.Model):
    """One district of a consultation's territory: a row each, so that a town hall's scope is one subquery."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="territory_districts")
    district = models.PositiveSmallIntegerField(
        _("arrondissement"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )

    class Meta:
        verbose_name = _("arrondissement du territoire")
        verbose_name_plural = _("arrondissements du territoire")
        ordering = ["district"]
        constraints = [models.UniqueConstraint(fields=["consultation", "district"], name="one_row_per_district")]
        indexes = [models.Index(fields=["district"])]

    def __str__(self) -> str:
        return district_label(self.district)


class Partner(models.Model):
    """A town hall or directorate that builds the consultation with the MDO and reviews its questionnaire."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consultation_partners", verbose_name=_("organisation")
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    role = models.CharField(_("rôle dans la consultation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["consultation", "organisation"], name="one_partner_per_org")]

    def __str__(self) -> str:
        return str(self.organisation)


class Objective(models.Model):
    """What the consultation wants to learn or decide; the bilan says for each one what the city does."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("objectif"), max_length=500)
    outcome = models.CharField(_("suite donnée"), max_length=20, choices=ObjectiveOutcome.choices, blank=True)
    outcome_reason = models.TextField(_("pourquoi"), blank=True)

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class ConsultationEvent(models.Model):
    """A dated line of the consultation's timeline."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    text = models.TextField(_("texte"))
    from_status = models.CharField(max_length=30, choices=ConsultationStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=ConsultationStatus.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


# --- the questionnaire ---------------------------------------------------------------------


class QuestionnaireVersion(models.Model):
    """One version of the questionnaire. Only the draft changes; a submitted version is frozen."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("statut"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    change_note = models.TextField(_("ce qui change"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_due_on = models.DateField(_("avis attendus pour le"), null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("version du questionnaire")
        ordering = ["consultation", "number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"Version {self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status != VersionStatus.DRAFT


class Section(models.Model):
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("titre de la section"), max_length=255)
    description = models.TextField(_("texte d'introduction"), blank=True)
    ref = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question of one version. ``ref`` stays the same from one version to the next (the diff reads it)."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section"))
    position = models.PositiveSmallIntegerField(default=0)
    ref = models.UUIDField(default=uuid.uuid4, editable=False)
    kind = models.CharField(_("type de question"), max_length=20, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    help_text = models.TextField(_("aide"), blank=True)
    required = models.BooleanField(_("réponse obligatoire"), default=False)
    options = models.JSONField(_("réponses proposées"), default=list, blank=True)
    has_other = models.BooleanField(_("option « Autre » avec précision"), default=False)
    has_dont_know = models.BooleanField(_("option « Ne sait pas / sans opinion »"), default=False)
    condition_question = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conditioned",
        verbose_name=_("afficher si la question"),
    )
    condition_value = models.CharField(_("a pour réponse"), max_length=255, blank=True)

    class Meta:
        ordering = ["section__position", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    def choices(self, neighbourhoods=None) -> list[str]:
        """The answers a respondent may pick, in order (scales and pickers included)."""
        from consultations.enums import DONT_KNOW, OTHER
        from mdo.enums import DISTRICTS

        if self.kind == QuestionKind.SCALE5:
            values = [str(n) for n in range(1, 6)]
        elif self.kind == QuestionKind.SCALE10:
            values = [str(n) for n in range(0, 11)]
        elif self.kind == QuestionKind.YES_NO:
            values = ["Oui", "Non"]
        elif self.kind == QuestionKind.DISTRICT:
            values = [str(label) for _n, label in DISTRICTS]
        elif self.kind == QuestionKind.NEIGHBOURHOOD:
            values = list(neighbourhoods or [])
        else:
            values = list(self.options)
        if self.has_other and self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            values.append(OTHER)
        if self.has_dont_know:
            values.append(DONT_KNOW)
        return values


class ReviewRequest(models.Model):
    """A partner's review of a frozen version: its opinion, given from « Mes tâches »."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="reviews")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="questionnaire_reviews", verbose_name=_("organisation")
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    opinion = models.CharField(_("avis"), max_length=20, choices=ReviewOpinion.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["version", "organisation"], name="one_review_per_org")]

    def __str__(self) -> str:
        return f"Relecture de la version {self.version_id} par l'organisation {self.organisation_id}"


class QuestionComment(models.Model):
    """A partner's remark on one question of a frozen version, and the MDO's answer."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(default=timezone.now)
    reply = models.TextField(_("réponse de la MDO"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Commentaire sur la question {self.question_id}"


class GlossaryTerm(models.Model):
    """A word of administrative jargon the MDO asks to avoid in questions, with a plainer wording."""

    term = models.CharField(_("terme"), max_length=100, unique=True)
    suggestion = models.CharField(_("formulation plus simple"), max_length=255, blank=True)
    note = models.TextField(_("explication"), blank=True)

    class Meta:
        verbose_name = _("terme du glossaire")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


# --- answers -------------------------------------------------------------------------------


class ImportBatch(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="imports")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    rows = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Import « {self.filename} » ({self.rows} lignes)"


class Response(models.Model):
    """One respondent's questionnaire (one row of an imported file)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="responses")
    respondent = models.CharField(_("répondant·e"), max_length=100, blank=True)
    district = models.PositiveSmallIntegerField(_("arrondissement"), null=True, blank=True)
    channel = models.CharField(_("canal"), max_length=30, blank=True)
    line = models.PositiveIntegerField(_("ligne du fichier"))

    def __str__(self) -> str:
        return f"Réponse de la ligne {self.line}"


class AnalystTag(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("étiquette"), max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["consultation", "name"], name="unique_tag_per_consultation")]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    """One answer of a respondent to a question: one row per chosen option (multiple choice, ranking)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    tags = models.ManyToManyField(AnalystTag, blank=True, related_name="answers")

    class Meta:
        indexes = [models.Index(fields=["question", "value"])]

    def __str__(self) -> str:
        return f"Réponse {self.response_id} à la question {self.question_id}"


# --- bilan and evaluation ------------------------------------------------------------------


class Bilan(models.Model):
    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="bilan")
    heard = models.TextField(_("ce qui a été entendu"))
    city_response = models.TextField(_("ce que la ville en fait"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Bilan de la concertation {self.consultation_id}"


class EvaluationCriterion(models.Model):
    name = models.CharField(_("critère"), max_length=200, unique=True)
    description = models.TextField(_("ce qu'on regarde"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    active = models.BooleanField(_("en usage"), default=True)

    class Meta:
        verbose_name = _("critère d'évaluation")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Evaluation(models.Model):
    """The evaluation grid of a consultation or of a participatory project."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, null=True, blank=True, related_name="evaluation"
    )
    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="evaluation"
    )
    summary = models.TextField(_("appréciation d'ensemble"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consultation__isnull=False, project__isnull=True)
                | models.Q(consultation__isnull=True, project__isnull=False),
                name="evaluation_of_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"Évaluation de la concertation {self.consultation_id}"

    @property
    def subject(self):
        return self.consultation or self.project


class EvaluationScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("note sur 5"), validators=[MinValueValidator(0), MaxValueValidator(5)])
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=models.Q(score__lte=5), name="score_0_5"),
        ]

    def __str__(self) -> str:
        return f"Note {self.score}/5 au critère {self.criterion_id}"


# --- the network's library -----------------------------------------------------------------


class Theme(models.Model):
    name = models.CharField(_("thème"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """A fiche, guide, template or newsletter of the network (« Ressources du réseau »)."""

    title = models.CharField(_("titre"), max_length=255)
    kind = models.CharField(_("type"), max_length=20, choices=ResourceKind.choices)
    themes = models.ManyToManyField(Theme, blank=True, related_name="resources", verbose_name=_("thèmes"))
    summary = models.TextField(_("résumé"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="resources",
        verbose_name=_("auteur·rice"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)
    consultations = models.ManyToManyField(
        Consultation, blank=True, related_name="resources", verbose_name=_("consultations liées")
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="resources", verbose_name=_("projets liés")
    )
    meetings = models.ManyToManyField(
        "meetings.Meeting", blank=True, related_name="resources", verbose_name=_("réunions liées")
    )
    agenda_items = models.ManyToManyField(
        "meetings.AgendaItem", blank=True, related_name="resources", verbose_name=_("points d'ordre du jour")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ressource du réseau")
        verbose_name_plural = _("ressources du réseau")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:resource_detail", args=[self.pk])


def resource_path(instance, filename: str) -> str:
    return f"ressources/{instance.resource_id}/v{instance.number}/{filename}"


class ResourceVersion(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(
        _("fichier"), upload_to=resource_path, validators=[FileExtensionValidator(RESOURCE_EXTENSIONS)]
    )
    note = models.CharField(_("ce qui change"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="unique_resource_version")]

    def __str__(self) -> str:
        return f"Version {self.number} de la ressource {self.resource_id}"

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]
