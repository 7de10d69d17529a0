from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    INVESTMENT = "investment", _("Investissement")
    OPERATING = "operating", _("Fonctionnement")


class BudgetLineStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumise")
    CHANGES_REQUESTED = "changes_requested", _("À modifier")
    APPROVED = "approved", _("Approuvée")
    REJECTED = "rejected", _("Rejetée")
