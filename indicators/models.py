from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mdo.enums import district_label


class DistrictPopulation(models.Model):
    """The population of an arrondissement, set by the administrator: the base of the turnout."""

    district = models.PositiveSmallIntegerField(
        _("arrondissement"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    population = models.PositiveIntegerField(_("population"), validators=[MinValueValidator(1)])
    reference_year = models.PositiveSmallIntegerField(
        _("année de référence"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Millésime du recensement (populations légales de l'INSEE)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("population d'un arrondissement")
        verbose_name_plural = _("populations des arrondissements")
        ordering = ["district"]

    def __str__(self) -> str:
        return f"{district_label(self.district)} : {self.population}"
