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
    WAIVED = "waived", _("Exonérée")
