from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mdo.enums import district_label
from mdo.models import Neighbourhood, Organisation
from projects.enums import ProjectKind, ProjectStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


class Edition(models.Model):
    """A participatory-budget edition and its envelopes."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    number = models.PositiveSmallIntegerField(_("numéro"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("année de début"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("année de fin"), null=True, blank=True)
    total_envelope = models.DecimalField(_("enveloppe totale"), **MONEY, default=Decimal("0"),
                                         validators=[MinValueValidator(Decimal("0"))])
    citywide_envelope = models.DecimalField(_("enveloppe transversale"), **MONEY, default=Decimal("0"),
                                            validators=[MinValueValidator(Decimal("0"))])
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("édition du budget participatif")
        verbose_name_plural = _("éditions du budget participatif")
        ordering = ["-number", "name"]

    def __str__(self) -> str:
        return self.name


class EditionDistrict(models.Model):
    """A district of an edition with its envelope. Lyon's carry their arrondissement number;
    districts of a foreign city's vote file (e.g. Toulouse's 20 quartiers) carry only a name."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="districts", verbose_name=_("édition"))
    name = models.CharField(_("nom"), max_length=200)
    number = models.PositiveSmallIntegerField(_("arrondissement"), null=True, blank=True)
    envelope = models.DecimalField(_("enveloppe"), **MONEY, default=Decimal("0"),
                                   validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("district d'une édition")
        verbose_name_plural = _("districts d'une édition")
        ordering = ["edition", "number", "name"]
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="unique_district_name_per_edition")]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    kind = models.CharField(_("type"), max_length=30, choices=ProjectKind.choices, default=ProjectKind.PARTICIPATORY_BUDGET)
    title = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, null=True, blank=True, related_name="projects",
                                verbose_name=_("édition"))
    edition_district = models.ForeignKey(EditionDistrict, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="projects", verbose_name=_("district de l'édition"))
    district = models.PositiveSmallIntegerField(
        _("arrondissement"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("Vide pour un projet à l'échelle de la ville."),
    )
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="projects", verbose_name=_("quartier"))
    theme = models.CharField(_("thème"), max_length=100, blank=True)
    lead_directorate = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="led_projects", verbose_name=_("direction pilote"),
                                         limit_choices_to={"kind": "directorate"})
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="officer_projects", verbose_name=_("chargé·e de mission MDO"))
    town_hall_contact = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="town_hall_projects", verbose_name=_("contact en mairie"))
    status = models.CharField(_("statut"), max_length=30, choices=ProjectStatus.choices, default=ProjectStatus.SUBMITTED)
    status_before_suspension = models.CharField(max_length=30, choices=ProjectStatus.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0,
                                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    estimated_cost = models.DecimalField(_("coût estimé (€ TTC)"), **MONEY, null=True, blank=True,
                                         validators=[MinValueValidator(Decimal("0"))])
    final_cost = models.DecimalField(_("coût final (€ TTC)"), **MONEY, null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0"))])
    votes = models.PositiveIntegerField(_("voix"), null=True, blank=True)
    selected = models.BooleanField(_("lauréat du vote"), default=False,
                                   help_text=_("Vrai pour les projets lauréats, quel que soit leur statut ensuite."))
    planned_start = models.DateField(_("début prévu"), null=True, blank=True)
    planned_end = models.DateField(_("livraison prévue"), null=True, blank=True)
    actual_start = models.DateField(_("début réel"), null=True, blank=True)
    actual_end = models.DateField(_("livraison réelle"), null=True, blank=True)
    public_summary = models.TextField(_("résumé public"), blank=True)
    external_id = models.CharField(_("identifiant externe"), max_length=100, blank=True,
                                   help_text=_("Identifiant Decidim ou du fichier de vote."))
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
            models.UniqueConstraint(fields=["edition", "external_id"], condition=~models.Q(external_id=""),
                                    name="unique_external_id_per_edition"),
            models.CheckConstraint(condition=models.Q(progress__gte=0, progress__lte=100), name="progress_0_100"),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["district"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def district_label(self) -> str:
        return district_label(self.district)

    @property
    def is_late(self) -> bool:
        return bool(self.planned_end and not self.actual_end and self.planned_end < timezone.localdate())
