from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from viewflow.workflow.models import Process

from mdo.enums import district_label
from mdo.fields import MONEY
from mdo.models import Neighbourhood, Organisation
from projects.enums import ProjectKind, ProjectStatus


class Edition(models.Model):
    """A participatory-budget edition and its envelopes."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    number = models.PositiveSmallIntegerField(_("numéro"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("année de début"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("année de fin"), null=True, blank=True)
    total_envelope = models.DecimalField(
        _("enveloppe totale"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    citywide_envelope = models.DecimalField(
        _("enveloppe transversale"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(
        _("devise"),
        max_length=3,
        default="EUR",
        help_text=_("Code ISO 4217 de la devise du fichier de vote (EUR, PLN…)."),
    )
    voters = models.PositiveIntegerField(_("votant·e·s"), null=True, blank=True)
    published_at = models.DateTimeField(_("publiée en open data le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publiée par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("édition du budget participatif")
        verbose_name_plural = _("éditions du budget participatif")
        ordering = ["-number", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def currency_symbol(self) -> str:
        from projects.imports import CURRENCY_SYMBOLS

        return CURRENCY_SYMBOLS.get(self.currency, self.currency)


class EditionDistrict(models.Model):
    """A district of an edition with its envelope. Lyon's carry their arrondissement number;
    districts of a foreign city's vote file (e.g. Toulouse's 20 quartiers) carry only a name."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="districts", verbose_name=_("édition"))
    name = models.CharField(_("nom"), max_length=200)
    number = models.PositiveSmallIntegerField(_("arrondissement"), null=True, blank=True)
    envelope = models.DecimalField(
        _("enveloppe"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    voters = models.PositiveIntegerField(
        _("votant·e·s"), null=True, blank=True, help_text=_("Nombre de bulletins du district (participation).")
    )

    class Meta:
        verbose_name = _("district d'une édition")
        verbose_name_plural = _("districts d'une édition")
        ordering = ["edition", "number", "name"]
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="unique_district_name_per_edition")]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    #: Texts written with the rich-text toolbar: the history shows their words, not their tags.
    rich_text_fields = ("description",)

    kind = models.CharField(
        _("type"), max_length=30, choices=ProjectKind.choices, default=ProjectKind.PARTICIPATORY_BUDGET
    )
    title = models.CharField(_("titre"), max_length=255)
    #: Sanitised HTML from the rich-text toolbar (mdo.richtext); older rows and imports are plain text.
    description = models.TextField(_("description"), blank=True)
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("édition")
    )
    edition_district = models.ForeignKey(
        EditionDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("district de l'édition"),
    )
    district = models.PositiveSmallIntegerField(
        _("arrondissement"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("Vide pour un projet à l'échelle de la ville."),
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("quartier"),
    )
    theme = models.CharField(_("thème"), max_length=100, blank=True)
    lead_directorate = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("direction pilote"),
        limit_choices_to={"kind": "directorate"},
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officer_projects",
        verbose_name=_("chargé·e de mission MDO"),
    )
    town_hall_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="town_hall_projects",
        verbose_name=_("contact en mairie"),
    )
    status = models.CharField(
        _("statut"), max_length=30, choices=ProjectStatus.choices, default=ProjectStatus.SUBMITTED
    )
    status_before_suspension = models.CharField(max_length=30, choices=ProjectStatus.choices, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    estimated_cost = models.DecimalField(
        _("coût estimé (€ TTC)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    final_cost = models.DecimalField(
        _("coût final (€ TTC)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    votes = models.PositiveIntegerField(_("voix"), null=True, blank=True)
    selected = models.BooleanField(
        _("lauréat du vote"),
        default=False,
        help_text=_("Vrai pour les projets lauréats, quel que soit leur statut ensuite."),
    )
    planned_start = models.DateField(_("début prévu"), null=True, blank=True)
    planned_end = models.DateField(_("livraison prévue"), null=True, blank=True)
    actual_start = models.DateField(_("début réel"), null=True, blank=True)
    actual_end = models.DateField(_("livraison réelle"), null=True, blank=True)
    public_summary = models.TextField(_("résumé public"), blank=True)
    external_id = models.CharField(
        _("identifiant externe"), max_length=100, blank=True, help_text=_("Identifiant Decidim ou du fichier de vote.")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("projet parent"),
        help_text=_("Le programme dont ce projet est une opération."),
    )
    weight = models.DecimalField(
        _("poids dans le projet parent"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Vide : son coût (final, sinon estimé) pondère son avancement."),
    )
    rescoped = models.BooleanField(_("redimensionné"), default=False)
    rescoped_note = models.TextField(_("note de redimensionnement"), blank=True)
    rescoped_on = models.DateField(_("redimensionné le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_external_id_per_edition",
            ),
            models.CheckConstraint(condition=models.Q(progress__gte=0, progress__lte=100), name="progress_0_100"),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["district"]),
            # The list's default order.
            models.Index(fields=["-updated_at", "-id"], name="project_recent_first"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # A consultation starts its own, shorter lifecycle in preparation.
        if self._state.adding and self.kind == ProjectKind.CONSULTATION and self.status == ProjectStatus.SUBMITTED:
            self.status = ProjectStatus.PREPARATION
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def district_label(self) -> str:
        return district_label(self.district)

    @property
    def is_late(self) -> bool:
        return bool(self.planned_end and not self.actual_end and self.planned_end < timezone.localdate())


class TimelineKind(models.TextChoices):
    TRANSITION = "transition", _("Changement de statut")
    COMMENT = "comment", _("Commentaire")
    FEASIBILITY = "feasibility", _("Instruction de faisabilité")
    IMPORT = "import", _("Import de vote")
    RESCOPE = "rescope", _("Redimensionnement")
    ATTACHMENT = "attachment", _("Pièce jointe")
    CORRECTION = "correction", _("Correction")


class TimelineEntry(models.Model):
    """A dated line of a project's story: a status change, a comment, an answer in a review."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("projet"))
    kind = models.CharField(_("type"), max_length=20, choices=TimelineKind.choices, default=TimelineKind.COMMENT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur·rice"),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    text = models.TextField(_("texte"))
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Peut être repris sur le site public de participation.")
    )
    from_status = models.CharField(max_length=30, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=ProjectStatus.choices, blank=True)

    class Meta:
        verbose_name = _("entrée du fil du projet")
        verbose_name_plural = _("fil du projet")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y} · {self.text[:60]}"


def attachment_path(instance, filename: str) -> str:
    return f"projects/{instance.project_id}/{filename}"


class Attachment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("projet"))
    file = models.FileField(_("fichier"), upload_to=attachment_path)
    title = models.CharField(_("titre"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("déposé par")
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title or self.file.name.rsplit("/", 1)[-1]

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class Verdict(models.TextChoices):
    FEASIBLE = "feasible", _("Faisable")
    FEASIBLE_WITH_CONDITIONS = "conditional", _("Faisable sous conditions")
    UNFEASIBLE = "unfeasible", _("Non faisable")


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", _("Favorable")
    RESERVED = "reserved", _("Favorable avec réserves")
    UNFAVOURABLE = "unfavourable", _("Défavorable")


class FeasibilityReview(Process):
    """One feasibility review of a project: the directorate's and the town hall's answers, the MDO's decision.

    The process row of ``projects.flows.FeasibilityFlow``; the scope of each task is read from here
    (the directorate that answers, the district whose town hall gives its opinion)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="feasibility_reviews", verbose_name=_("projet")
    )
    directorate = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="feasibility_reviews",
        verbose_name=_("direction consultée"),
    )
    district = models.PositiveSmallIntegerField(_("arrondissement consulté"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    directorate_due = models.DateField(_("échéance de la direction"))
    town_hall_due = models.DateField(_("échéance de la mairie"), null=True, blank=True)
    # The directorate's answer
    verdict = models.CharField(_("avis technique"), max_length=20, choices=Verdict.choices, blank=True)
    cost_estimate = models.DecimalField(
        _("coût estimé (€ TTC)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    delay_months = models.PositiveSmallIntegerField(_("délai de réalisation (mois)"), null=True, blank=True)
    conditions = models.TextField(_("conditions et remarques"), blank=True)
    directorate_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    directorate_answered_at = models.DateTimeField(null=True, blank=True)
    # The town hall's opinion
    opinion = models.CharField(_("avis de la mairie"), max_length=20, choices=Opinion.choices, blank=True)
    opinion_comment = models.TextField(_("commentaire de la mairie"), blank=True)
    town_hall_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    town_hall_answered_at = models.DateTimeField(null=True, blank=True)
    # The MDO's decision
    decision = models.CharField(
        _("décision"),
        max_length=20,
        blank=True,
        choices=[("feasible", _("Faisable")), ("unfeasible", _("Non faisable"))],
    )
    decision_reason = models.TextField(_("motif de la décision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("instruction de faisabilité")
        verbose_name_plural = _("instructions de faisabilité")


class DecidimStatus(models.Model):
    """A status of the edition's Decidim accountability component, learnt from its results export."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="decidim_statuses", verbose_name=_("édition")
    )
    decidim_id = models.PositiveIntegerField(_("identifiant Decidim"))
    key = models.CharField(_("clé"), max_length=100, blank=True)
    name = models.CharField(_("nom"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("statut Decidim")
        verbose_name_plural = _("statuts Decidim")
        ordering = ["edition", "decidim_id"]
        constraints = [models.UniqueConstraint(fields=["edition", "decidim_id"], name="unique_decidim_status")]

    def __str__(self) -> str:
        return f"{self.name or self.key} (n° {self.decidim_id})"


class DecidimStatusMapping(models.Model):
    """Which Decidim status shows one of our statuses on the public site, for one edition."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="decidim_status_mappings")
    status = models.CharField(_("statut"), max_length=30, choices=ProjectStatus.choices)
    decidim_status = models.ForeignKey(
        DecidimStatus, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("statut Decidim")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition", "status"], name="one_decidim_status_per_status")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} → statut Decidim {self.decidim_status_id}"


class DecidimResult(models.Model):
    """A result of the edition's Decidim accountability component, as its own export gave it.

    ``columns`` keeps the export's row — ``[[column, value], …]`` in the export's order, a list
    because PostgreSQL's jsonb does not keep the keys of an object in order — so that the columns
    we do not own (category, scope, proposal links, other languages…) go back to Decidim unchanged."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="decidim_results", verbose_name=_("édition")
    )
    decidim_id = models.PositiveIntegerField(_("identifiant Decidim"))
    title = models.CharField(_("titre sur Decidim"), max_length=500, blank=True)
    project = models.OneToOneField(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decidim_result",
        verbose_name=_("projet"),
    )
    columns = models.JSONField(default=list)
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)

    class Meta:
        verbose_name = _("résultat Decidim")
        verbose_name_plural = _("résultats Decidim")
        ordering = ["edition", "decidim_id"]
        constraints = [models.UniqueConstraint(fields=["edition", "decidim_id"], name="unique_decidim_result")]

    def __str__(self) -> str:
        return f"{self.title} (n° {self.decidim_id})"

    def value(self, column: str) -> str:
        return next((value for name, value in self.columns if name == column), "")
