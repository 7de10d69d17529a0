"""Reads of the vendors app, scoped through ``mdo.access``: each list, page, export and feed uses these."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Case, Count, DurationField, ExpressionWrapper, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from mdo import access, policy
from projects.selectors import openable_project_fields
from vendors.access import PROJECT
from vendors.enums import MilestoneStatus
from vendors.models import (
    Contract,
    Invoice,
    LatePaymentRate,
    Milestone,
    PurchaseOrder,
    Vendor,
    milestone_late_condition,
    milestone_overdue_condition,
)
from vendors.rules import LateInterest, half_year_start, interest_start, late_payment_interest

ZERO = Decimal("0.00")
#: "Due soon": invoices to pay within this many days.
DUE_SOON_DAYS = 10
WARNING_RATE = Decimal("0.80")


# --- lists --------------------------------------------------------------------------------


def vendor_list(*, user):
    return access.visible(user, Vendor).annotate(contract_count=Count("contracts", distinct=True)).order_by("name")


def contract_list(*, user):
    return (
        access.visible(user, Contract)
        .select_related("vendor", "parent")
        .with_totals()
        .order_by("-starts_on", "reference")
    )


def order_list(*, user):
    """The orders ``user`` may see; each names its project only when ``user`` may open it
    (``visible_project_id``, ``visible_project_title``): who sees an order and who sees a project are
    two rules (vendors.access, projects.access), and the page asks the project's."""
    return (
        access.visible(user, PurchaseOrder)
        .select_related("contract__vendor", "commitment__budget_line__project", "issued_by")
        .with_invoiced()
        .annotate(**openable_project_fields(user=user, path=PROJECT))
        .order_by("-issued_on", "-pk")
    )


def milestone_list(*, user):
    """Overdue ones first (oldest due date first among them), then the others by due date."""
    return (
        access.visible(user, Milestone)
        .select_related("contract__vendor", "order", "service_done_by")
        .annotate(
            late_rank=Case(
                When(milestone_overdue_condition(timezone.localdate()), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("late_rank", "due_on", "pk")
    )


def invoice_list(*, user):
    """Unpaid first, the soonest (or most overdue) due date first; then the paid ones (the stored flag
    and its index ``invoice_unpaid_first``: no expression computed on every row to sort them)."""
    return access.visible(user, Invoice).select_related("order__contract__vendor").order_by("is_paid", "due_on", "pk")


def milestones_to_certify(*, user):
    """The queue of delivered milestones awaiting a service-fait certificate, for the MDO;
    the user's own orders are left out (someone else certifies them)."""
    if not policy.allows(user, "certify", Milestone):
        return Milestone.objects.none()
    return (
        milestone_list(user=user)
        .filter(status=MilestoneStatus.DELIVERED)
        .exclude(Q(order__issued_by=user) | Q(order__isnull=True, created_by=user))
        .order_by("delivered_on", "pk")
    )


def invoices_due_soon(*, user, days: int = DUE_SOON_DAYS):
    limit = timezone.localdate() + datetime.timedelta(days=days)
    return invoice_list(user=user).filter(paid_on__isnull=True, due_on__lte=limit)


# --- late-payment interest -----------------------------------------------------------------


def late_payment_rates() -> list[LatePaymentRate]:
    return list(LatePaymentRate.objects.order_by("-valid_from"))


def ecb_rate_for(due_on: datetime.date, rates: list[LatePaymentRate]) -> tuple[datetime.date, Decimal | None]:
    """The first day of the half-year in which interest starts (the day after ``due_on``) and the
    ECB rate entered for that day, or None: never another half-year's rate (R2192-31)."""
    start = half_year_start(interest_start(due_on))
    for rate in rates:
        if rate.valid_from == start:
            return start, rate.ecb_rate
    return start, None


def interest_owed(
    *, amount_ttc: Decimal, due_on: datetime.date, until: datetime.date, rates: list[LatePaymentRate]
) -> LateInterest:
    """Interest on ``amount_ttc`` for a payment on ``until`` of what was due on ``due_on``."""
    days = max((until - due_on).days, 0)
    if days <= 0:
        return late_payment_interest(amount_ttc=amount_ttc, late_days=0, ecb_rate=ZERO)
    start, ecb_rate = ecb_rate_for(due_on, rates)
    if ecb_rate is None:
        return LateInterest(days, ZERO, ZERO, ZERO, missing_rate_from=start)
    return late_payment_interest(amount_ttc=amount_ttc, late_days=days, ecb_rate=ecb_rate)


def invoice_interest(invoice: Invoice, rates: list[LatePaymentRate] | None = None) -> LateInterest:
    """The late-payment interest of an invoice: as recorded at its payment, else as it stands today."""
    if invoice.paid_on is not None:
        return LateInterest(
            invoice.interest_days, invoice.interest_rate or ZERO, invoice.interest_amount, invoice.interest_flat_fee
        )
    if invoice.is_suspended:
        return late_payment_interest(amount_ttc=invoice.amount_ttc, late_days=0, ecb_rate=ZERO)
    return interest_owed(
        amount_ttc=invoice.amount_ttc,
        due_on=invoice.due_on,
        until=timezone.localdate(),
        rates=late_payment_rates() if rates is None else rates,
    )


# --- pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Consumption:
    ceiling: Decimal | None
    initial: Decimal | None
    amendments: Decimal
    ordered: Decimal
    certified: Decimal
    invoiced: Decimal
    paid: Decimal

    def _rate(self, value: Decimal) -> Decimal | None:
        if not self.ceiling:
            return None
        return (value / self.ceiling * 100).quantize(Decimal("0.1"))

    @property
    def ordered_rate(self):
        return self._rate(self.ordered)

    @property
    def certified_rate(self):
        return self._rate(self.certified)

    @property
    def invoiced_rate(self):
        return self._rate(self.invoiced)

    @property
    def paid_rate(self):
        return self._rate(self.paid)

    @property
    def remaining(self) -> Decimal | None:
        return None if self.ceiling is None else self.ceiling - self.ordered

    @property
    def level(self) -> str:
        """'' below 80 %, 'warning' from 80 %, 'reached' at 100 %."""
        if not self.ceiling:
            return ""
        if self.ordered >= self.ceiling:
            return "reached"
        if self.ordered >= self.ceiling * WARNING_RATE:
            return "warning"
        return ""

    @property
    def amendments_flagged(self) -> bool:
        """Cumulated amendments above 10 % of the initial amount: beyond a "modification de faible montant"."""
        return bool(self.initial and abs(self.amendments) > self.initial * Decimal("0.10"))

    @property
    def amendments_rate(self):
        if not self.initial:
            return None
        return (self.amendments / self.initial * 100).quantize(Decimal("0.1"))


def contract_consumption(contract: Contract) -> Consumption:
    """Ordered, certified, invoiced and paid HT against the ceiling (the contract's own rules)."""
    orders = PurchaseOrder.objects.filter(Q(contract=contract) | Q(contract__parent=contract))
    certified = (
        Milestone.objects.filter(
            Q(contract=contract) | Q(contract__parent=contract), status=MilestoneStatus.CERTIFIED
        ).aggregate(total=Sum("amount_ht"))["total"]
        or ZERO
    )
    invoices = Invoice.objects.filter(order__in=orders).aggregate(
        invoiced=Sum("amount_ht"), paid=Sum("amount_ht", filter=Q(paid_on__isnull=False))
    )
    return Consumption(
        contract.ceiling_ht,
        contract.max_amount_ht,
        contract.amendments_ht,
        contract.ordered_ht,
        certified,
        invoices["invoiced"] or ZERO,
        invoices["paid"] or ZERO,
    )


@dataclass(frozen=True)
class VendorStats:
    milestones_on_time: int
    milestones_late: int
    average_payment_days: float | None
    late_payments: int = 0
    late_payment_interest: Decimal = ZERO  # interest and flat fees recorded at payment


def vendor_stats(*, vendor: Vendor, user) -> VendorStats:
    late = milestone_late_condition(timezone.localdate())
    milestones = (
        access.visible(user, Milestone)
        .filter(contract__vendor=vendor)
        .aggregate(
            on_time=Count("pk", filter=Q(delivered_on__isnull=False) & ~late),
            late=Count("pk", filter=late),
        )
    )
    paid = access.visible(user, Invoice).filter(order__contract__vendor=vendor, paid_on__isnull=False)
    totals = paid.aggregate(
        delay=Avg(ExpressionWrapper(F("paid_on") - F("received_on"), output_field=DurationField())),
        late=Count("pk", filter=Q(interest_days__gt=0)),
        interest=Sum("interest_amount"),
        fees=Sum("interest_flat_fee"),
    )
    average = totals["delay"]
    days = None
    if average is not None:
        days = (
            round(average.total_seconds() / 86400, 1)
            if isinstance(average, datetime.timedelta)
            else round(average / 86400e6, 1)
        )
    return VendorStats(
        milestones["on_time"],
        milestones["late"],
        days,
        totals["late"],
        (totals["interest"] or ZERO) + (totals["fees"] or ZERO),
    )
