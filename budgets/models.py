from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from viewflow.workflow.models import Process

from budgets.enums import ApprovalStep, BudgetLineStatus, DecisionOutcome, Section
from mdo.enums import district_label
from mdo.fields import MONEY, MONEY_OUTPUT, ZERO, annotated_property, subquery_sum
from mdo.models import Organisation
from projects.models import Project

POSITIVE = [MinValueValidator(Decimal("0.01"))]


class BudgetLineQuerySet(models.QuerySet):
    def with_amounts(self):
        """``committed_total``, ``paid_total`` and ``available`` (approved TTC − committed; NULL for a
        line not approved): the rule of ``BudgetLine.available``, for a whole list in SQL."""
        committed = subquery_sum(Commitment.objects.engaged().filter(budget_line=models.OuterRef("pk")), "amount")
        paid = subquery_sum(Payment.objects.filter(commitment__budget_line=models.OuterRef("pk")), "amount")
        return self.annotate(committed_total=committed, paid_total=paid).annotate(
            available=models.Case(
                models.When(
                    status=BudgetLineStatus.APPROVED, then=models.F("amount_ttc") - models.F("committed_total")
                ),
                default=None,
                output_field=MONEY_OUTPUT,
            )
        )


class BudgetLine(models.Model):
    """A line of the budget (imputation M57) requested for a project and approved by managers."""

    fiscal_year = models.PositiveSmallIntegerField(
        _("exercice"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    chapter = models.CharField(_("chapitre"), max_length=10, help_text=_("Chapitre M57, ex. 21 ou 011."))
    nature = models.CharField(_("nature"), max_length=10, help_text=_("Compte par nature M57, ex. 2128."))
    function = models.CharField(_("fonction"), max_length=10, help_text=_("Code fonctionnel M57, ex. 823."))
    label = models.CharField(_("libellé"), max_length=255)
    amount_ht = models.DecimalField(_("montant HT"), **MONEY, validators=POSITIVE)
    amount_ttc = models.DecimalField(_("montant TTC"), **MONEY, validators=POSITIVE)
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="budget_lines", verbose_name=_("projet")
    )
    holder_district = models.PositiveSmallIntegerField(
        _("état spécial d'arrondissement"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("Vide : budget de la ville ; sinon l'arrondissement dont l'état spécial porte la ligne."),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_budget_lines",
        verbose_name=_("demandeur·se"),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=BudgetLineStatus.choices, default=BudgetLineStatus.DRAFT
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)
    history = HistoricalRecords()

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        ordering = ["-fiscal_year", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_ht__gt=0), name="budget_line_amount_ht_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_ttc__gte=models.F("amount_ht")), name="budget_line_ttc_gte_ht"
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "status"]),
            # The budget lines list's default sort, read from the index in order.
            models.Index(fields=["-fiscal_year", "-id"], name="budget_line_latest_first"),
        ]
        permissions = [
            ("review_budgetline", "Valider une ligne budgétaire (Responsable MDO)"),
            ("approve_budgetline_above_threshold", "Valider une ligne au-delà du seuil (Direction)"),
            ("give_opinion_budgetline", "Donner l'avis de la mairie d'arrondissement sur une ligne"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} · {self.chapter}-{self.nature}-{self.function} · {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("budgets:line_detail", args=[self.pk])

    @property
    def imputation(self) -> str:
        return f"{self.chapter}-{self.nature}-{self.function}"

    @property
    def is_editable(self) -> bool:
        return self.status in (BudgetLineStatus.DRAFT, BudgetLineStatus.CHANGES_REQUESTED)

    @property
    def holder_label(self) -> str:
        if self.holder_district is None:
            return str(_("Ville de Lyon"))
        return f"État spécial {district_label(self.holder_district)}"

    @annotated_property
    def committed_total(self) -> Decimal:
        return (
            Commitment.objects.engaged().filter(budget_line=self).aggregate(total=models.Sum("amount"))["total"] or ZERO
        )

    @annotated_property
    def paid_total(self) -> Decimal:
        return (
            Payment.objects.filter(commitment__budget_line=self).aggregate(total=models.Sum("amount"))["total"] or ZERO
        )

    @annotated_property
    def available(self) -> Decimal | None:
        """What may still be committed: approved amount TTC − committed; None while not approved."""
        if self.status != BudgetLineStatus.APPROVED:
            return None
        return self.amount_ttc - self.committed_total

    @property
    def district(self) -> int | None:
        """The district a line belongs to, for scoping: its état spécial, else its project's."""
        if self.holder_district is not None:
            return self.holder_district
        return self.project.district if self.project_id else None


class CommitmentQuerySet(models.QuerySet):
    def engaged(self):
        """Commitments still holding money: a released one (a refused order's) no longer counts."""
        return self.filter(released_on__isnull=True)


class Commitment(models.Model):
    """Engagement: money of an approved line set aside (e.g. for a purchase order)."""

    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("ligne budgétaire")
    )
    amount = models.DecimalField(_("montant TTC"), **MONEY, validators=POSITIVE)
    committed_on = models.DateField(_("date d'engagement"))
    number = models.CharField(
        _("numéro d'engagement"), max_length=50, blank=True, help_text=_("Numéro attribué par le logiciel financier.")
    )
    label = models.CharField(_("objet"), max_length=255, blank=True)
    #: Set when the money goes back to the line (a purchase order refused at its approval).
    released_on = models.DateField(_("dégagé le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saisi par")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-committed_on", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="commitment_amount_positive")]

    def __str__(self) -> str:
        return self.number or f"Engagement n° {self.pk}"


class Payment(models.Model):
    """Mandat: a payment against a commitment."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="payments", verbose_name=_("engagement")
    )
    amount = models.DecimalField(_("montant TTC"), **MONEY, validators=POSITIVE)
    paid_on = models.DateField(_("date du mandat"))
    reference = models.CharField(_("référence du mandat"), max_length=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saisi par")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mandat")
        verbose_name_plural = _("mandats")
        ordering = ["-paid_on", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return self.reference


class BudgetSettings(models.Model):
    """The approval's settings, one row edited by an administrator (Django admin, with history)."""

    threshold_ht = models.DecimalField(
        _("seuil de validation par la Direction (€ HT)"),
        **MONEY,
        default=Decimal("40000.00"),
        validators=POSITIVE,
        help_text=_("Au-delà de ce montant HT, une ligne est aussi validée par la Direction."),
    )
    review_days = models.PositiveSmallIntegerField(
        _("délai de validation (jours)"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("Échéance donnée à chaque étape de validation."),
    )
    opinion_days = models.PositiveSmallIntegerField(
        _("délai d'avis de la mairie (jours)"),
        default=15,
        validators=[MinValueValidator(1)],
    )
    order_threshold_ht = models.DecimalField(
        _("seuil de validation d'un bon de commande (€ HT)"),
        **MONEY,
        default=Decimal("90000.00"),
        validators=POSITIVE,
        help_text=_(
            "Au-delà de ce montant HT, un bon de commande est validé par la Responsable MDO avant d'être émis."
        ),
    )
    order_director_threshold_ht = models.DecimalField(
        _("seuil de validation d'un bon de commande par la Direction (€ HT)"),
        **MONEY,
        default=Decimal("221000.00"),
        validators=POSITIVE,
        help_text=_("Au-delà de ce montant HT, la Direction valide aussi le bon de commande."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paramètres des budgets")
        verbose_name_plural = _("paramètres des budgets")

    def __str__(self) -> str:
        return str(_("Paramètres des budgets"))

    def save(self, *args, **kwargs):
        self.pk = 1  # a singleton: there is one set of settings
        super().save(*args, **kwargs)

    def clean(self):
        if (
            self.order_threshold_ht
            and self.order_director_threshold_ht
            and self.order_director_threshold_ht < self.order_threshold_ht
        ):
            raise ValidationError(
                {
                    "order_director_threshold_ht": _(
                        "Le seuil de la Direction ne peut être inférieur au seuil de validation des bons de commande."
                    )
                }
            )

    @classmethod
    def load(cls) -> "BudgetSettings":
        return cls.objects.get_or_create(pk=1)[0]


class BudgetApproval(Process):
    """The viewflow process of one submission of a line (a line sent back and resubmitted keeps it)."""

    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("ligne budgétaire")
    )
    #: The outcome of the last decision, read by the flow's gateways.
    outcome = models.CharField(max_length=30, choices=DecisionOutcome.choices, blank=True)

    class Meta:
        verbose_name = _("circuit de validation")
        verbose_name_plural = _("circuits de validation")


class BudgetDecision(models.Model):
    """Who decided what, when and why, at each step of a line's approval."""

    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("ligne budgétaire")
    )
    approval = models.ForeignKey(
        BudgetApproval,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("circuit"),
    )
    step = models.CharField(_("étape"), max_length=30, choices=ApprovalStep.choices)
    outcome = models.CharField(_("décision"), max_length=30, choices=DecisionOutcome.choices)
    comment = models.TextField(_("motif / commentaire"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    amount_ht = models.DecimalField(_("montant HT à la décision"), **MONEY)
    decided_at = models.DateTimeField(_("le"), default=timezone.now)
    #: A town hall's opinion corrected by its author before the final decision: the old and new answer.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("décision sur une ligne")
        verbose_name_plural = _("décisions sur les lignes")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} : {self.get_outcome_display()}"
