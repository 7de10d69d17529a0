from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractKind(models.TextChoices):
    AMO = "amo", _("Assistance à maîtrise d'ouvrage (AMO)")
    FRAMEWORK_ORDERS = "framework_orders", _("Accord-cadre à bons de commande")
    FRAMEWORK = "framework", _("Accord-cadre à marchés subséquents")
    SUBSEQUENT = "framework_subsequent", _("Marché subséquent")
    SIMPLE = "simple", _("Marché simple")


#: Kinds that must carry a maximum amount (code de la commande publique, art. R2162-4).
FRAMEWORK_KINDS = {ContractKind.FRAMEWORK_ORDERS, ContractKind.FRAMEWORK}
#: Kinds purchase orders are drawn on: a framework with subsequent contracts is drawn on through them.
ORDERABLE_KINDS = {ContractKind.AMO, ContractKind.FRAMEWORK_ORDERS, ContractKind.SUBSEQUENT, ContractKind.SIMPLE}


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("À livrer")
    DELIVERED = "delivered", _("Livré, à certifier")
    CERTIFIED = "certified", _("Service fait certifié")


class PenaltyDecision(models.TextChoices):
    NONE = "", _("Non décidée")
    APPLIED = "applied", _("Appliquée")
    REDUCED = "reduced", _("Réduite")
    WAIVED = "waived", _("Exonérée")


class OrderStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("En attente de validation")
    ISSUED = "issued", _("Émis")
    REFUSED = "refused", _("Refusé")


#: Days the vendor has to send observations on a penalty notice before the MDO decides (CCAG 2021).
PENALTY_OBSERVATION_DAYS = 15


class OrderApprovalStep(models.TextChoices):
    MANAGER_REVIEW = "order_manager_review", _("Validation du bon de commande par la Responsable MDO")
    DIRECTOR_REVIEW = "order_director_review", _("Validation du bon de commande par la Direction")


class OrderDecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Validé")
    REFUSED = "refused", _("Refusé")
