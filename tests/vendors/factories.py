"""Factories of the vendors tests: projects and approved lines to charge, vendors, contracts, orders."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.utils import timezone
from stdnum import luhn

from budgets.models import BudgetLine
from projects.models import Project
from vendors import services
from vendors.enums import ContractKind
from vendors.models import LatePaymentRate, Vendor
from vendors.rules import half_year_start, interest_start

_sirets = itertools.count(1)


def valid_siret(n: int | None = None) -> str:
    """A SIRET whose SIREN and whole number both carry a correct Luhn key."""
    n = next(_sirets) if n is None else n
    siren = f"44{n:06d}"
    siren += luhn.calc_check_digit(siren)
    prefix = siren + "0001"
    return prefix + luhn.calc_check_digit(prefix)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Jardin partagé n° {n}")
    district = 3


def approved_line(*, project=None, amount_ttc=Decimal("500000.00"), requester, year=None) -> BudgetLine:
    """An approved line (created directly: the approval workflow is another app's business)."""
    year = year or timezone.localdate().year
    return BudgetLine.objects.create(
        fiscal_year=year,
        section="investment",
        chapter="21",
        nature="2128",
        function="823",
        label=f"Ligne {project or 'ville'}",
        amount_ht=(Decimal(amount_ttc) / Decimal("1.2")).quantize(Decimal("0.01")),
        amount_ttc=amount_ttc,
        project=project,
        requester=requester,
        status="approved",
    )


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Cabinet Conseil Rhône {n}")
    siret = factory.LazyFunction(valid_siret)
    city = "Lyon"


def make_contract(
    *,
    by,
    vendor=None,
    kind=ContractKind.FRAMEWORK_ORDERS,
    max_amount_ht=Decimal("100000.00"),
    starts_on=None,
    ends_on=None,
    reference=None,
    **kwargs,
):
    today = timezone.localdate()
    return services.contract_create(
        reference=reference or f"2026-MDO-{next(_sirets):03d}",
        kind=kind,
        subject="Animation de la concertation",
        vendor=vendor or VendorFactory(),
        starts_on=starts_on or today - datetime.timedelta(days=200),
        ends_on=ends_on or today + datetime.timedelta(days=365),
        max_amount_ht=max_amount_ht,
        by=by,
        **kwargs,
    )


def make_order(*, contract, line, by, amount_ht=Decimal("1000.00"), issued_on=None, subject="Atelier de quartier"):
    return services.purchase_order_create(
        contract=contract,
        budget_line=line,
        subject=subject,
        amount_ht=amount_ht,
        issued_on=issued_on or timezone.localdate(),
        by=by,
    )


def enter_ecb_rate(*, due_on: datetime.date, rate: str = "2.15") -> LatePaymentRate:
    """The administrator's ECB rate for the half-year in which interest on what was due on ``due_on`` starts."""
    return LatePaymentRate.objects.update_or_create(
        valid_from=half_year_start(interest_start(due_on)), defaults={"ecb_rate": Decimal(rate)}
    )[0]


def certify_service_done(order, *, certifier, delivered_on=None):
    """Deliver and certify what the order bills before its invoices are paid: each milestone still open,
    or, for an order without any, the milestone of its delivery (the order's whole value).
    ``certifier`` is an MDO agent other than the order's issuer."""
    from vendors.enums import MilestoneStatus

    delivered_on = delivered_on or timezone.localdate()
    milestones = list(order.milestones.all())
    if not milestones:
        milestones = [
            services.milestone_create(
                order=order, label="Livraison de la commande", due_on=delivered_on, by=order.issued_by
            )
        ]
    for milestone in milestones:
        if milestone.status == MilestoneStatus.PENDING:
            milestone = services.milestone_deliver(milestone=milestone, delivered_on=delivered_on, by=order.issued_by)
        if milestone.status == MilestoneStatus.DELIVERED:
            services.milestone_certify(milestone=milestone, by=certifier)
    return milestones
