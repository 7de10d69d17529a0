from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.enums import ProjectStatus
from projects.models import Project


class PhaseKind(models.Model):
    """A kind of phase (concertation, études, travaux…): a list the administrator extends.

    A project's status change starts or ends its phases of a kind whose status matches."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    starts_with = models.CharField(
        _("commence avec le statut"),
        max_length=30,
        choices=ProjectStatus.choices,
        blank=True,
        help_text=_("Le passage du projet à ce statut remplit le début réel."),
    )
    ends_with = models.CharField(
        _("se termine avec le statut"),
        max_length=30,
        choices=ProjectStatus.choices,
        blank=True,
        help_text=_("Le passage du projet à ce statut remplit la fin réelle."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("type de phase")
        verbose_name_plural = _("types de phase")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PhaseStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Terminée")


class ProjectPhase(models.Model):
    """A planned phase of a project, with its planned and actual dates."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases", verbose_name=_("projet"))
    kind = models.ForeignKey(PhaseKind, on_delete=models.PROTECT, related_name="phases", verbose_name=_("phase"))
    planned_start = models.DateField(_("début prévu"))
    planned_end = models.DateField(_("fin prévue"))
    actual_start = models.DateField(_("début réel"), null=True, blank=True)
    actual_end = models.DateField(_("fin réelle"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsable"),
    )
    status = models.CharField(_("statut"), max_length=20, choices=PhaseStatus.choices, default=PhaseStatus.PLANNED)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase d'un projet")
        verbose_name_plural = _("phases des projets")
        ordering = ["project", "planned_start", "kind__order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")), name="phase_planned_end_after_start"
            ),
            models.UniqueConstraint(fields=["project", "kind"], name="one_phase_of_a_kind_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.kind}"

    @property
    def is_late(self) -> bool:
        """Not finished and past its planned end, or finished after it."""
        today = timezone.localdate()
        if self.actual_end:
            return self.actual_end > self.planned_end
        return self.planned_end < today
